package dev.galvani.cli;

import dev.galvani.models.train.Trainer;
import dev.galvani.models.train.Training;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** {@code galvani train}: {@link Training} of a model on a data set, written as a checkpoint and its metrics. */
@Command(name = "train", description = "Train a model and write a safetensors checkpoint (and metrics JSON beside it).")
final class TrainCommand implements Runnable {
    @Option(names = "--model", required = true, description = "inception, textcnn, alexnet, vgg, mobilenetv2, resnet")
    String model;
    @Option(names = "--data", defaultValue = "auto", description = "fashion-mnist, generated, auto (images); mr, sst2, generated-sentiment (text). Default: ${DEFAULT-VALUE}")
    String data;
    @Option(names = "--epochs", defaultValue = "3") int epochs;
    @Option(names = "--batch", defaultValue = "64") int batch;
    @Option(names = "--lr", defaultValue = "0.001") float lr;
    @Option(names = "--optimizer", defaultValue = "adam", description = "adam or sgd (momentum 0.9)") String optimizer;
    @Option(names = "--weight-decay", defaultValue = "0") float weightDecay;
    @Option(names = "--seed", defaultValue = "0", description = "Seeds the weights, the shuffling and (text) the split") long seed;
    @Option(names = "--fold", defaultValue = "0", description = "MR cross-validation fold held out, 0..9") int fold;
    @Option(names = "--limit", defaultValue = "0", description = "Use only the first N training examples (0: all)") int limit;
    @Option(names = "--width", description = "Inception width multiplier (default 1.0)") String width;
    @Option(names = "--out", required = true, description = "Checkpoint file to write") Path out;
    @Mixin DataOptions dataOptions;
    @Mixin DeviceOption device;

    @Override
    public void run() {
        device.install();
        Map<String, String> hyper = new LinkedHashMap<>();
        if (width != null) hyper.put("width", width);
        Training.Outcome o = Training.run(new Training.Plan(model, data, fold, seed, limit, hyper,
                new Trainer.Config(epochs, batch, optimizer, lr, weightDecay, true, seed, Integer.MAX_VALUE)), dataOptions.dataDir);
        Path metrics = o.save(out);
        System.out.printf(Locale.ROOT, "%s: eval accuracy %.4f after %d epochs (%.0f s); checkpoint %s; metrics %s%n",
                model, o.heldOutAccuracy(), epochs, o.seconds(), out, metrics);
    }
}
