package dev.galvani.cli;

import dev.galvani.attribution.studies.Demo;
import dev.galvani.models.data.DataSpec;
import dev.galvani.models.data.ImageDataset;
import dev.galvani.models.data.Splits;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The main job: trains a small Inception-style net (Fashion-MNIST when found, else the built-in
 * generated images) and a small text CNN on generated sentences, and writes the attribution
 * report of {@link Demo}.
 */
@Command(name = "demo", description = "Train a small Inception-style net and write an attribution report (works with no data installed).")
final class DemoCommand implements Runnable {
    @Option(names = "--out", defaultValue = "galvani-report", paramLabel = "DIR", description = "Report folder (the net's checkpoint goes beside it).") Path out;
    @Option(names = "--data", defaultValue = "auto", description = "fashion-mnist, generated, or auto (Fashion-MNIST when found, else generated).") String data;
    @Option(names = "--train-examples", defaultValue = "12000", paramLabel = "N", description = "Train on the first N training images.") int trainExamples;
    @Option(names = "--epochs", defaultValue = "2", description = "Passes over them.") int epochs;
    @Option(names = "--seed", defaultValue = "0", description = "Seeds the weights, the shuffling and the generated sentences.") long seed;
    @Mixin DataOptions dataOptions;
    @Mixin DeviceOption device;

    @Override
    public void run() {
        device.hostOnly("demo");
        long t0 = System.nanoTime();
        DataSpec request = DataSpec.request(data, false, 0, seed, trainExamples, dataOptions.dataDir);
        Splits.Split<ImageDataset> im = dataOptions.images(request);
        ImageDataset train = im.train(), test = im.heldOut().head(1000);
        DataSpec spec = request.withNormalisation(train.mean(), train.std(), train.classNames());
        System.err.printf("demo: %s, %d training images, jdk %s%n", spec.dataset(), train.size(), Runtime.version());
        Demo.Config d = Demo.Config.defaults();
        Demo.Summary s = Demo.run(train, test, spec, new Demo.Config(epochs, d.steps(), d.examples(), d.maxK(), d.sentences(), seed),
                out, out.resolveSibling(out.getFileName() + "-inception.safetensors"));
        System.out.printf(Locale.ROOT, "demo finished in %.0f s: test accuracy %.3f (images), %.3f (sentences); report %s%n",
                (System.nanoTime() - t0) / 1e9, s.imageAccuracy(), s.textAccuracy(), s.page());
    }
}
