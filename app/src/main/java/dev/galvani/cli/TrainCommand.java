package dev.galvani.cli;

import dev.galvani.kernels.Device;
import dev.galvani.models.train.Trainer;
import dev.galvani.models.train.Training;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;

/** {@code galvani train}: {@link Training} of a model on a data set, written as a checkpoint and its metrics. */
@Command(name = "train", description = "Train a model and write a safetensors checkpoint (and metrics JSON beside it).")
final class TrainCommand implements Runnable {
    @Option(names = "--model", required = true, description = "The architecture: inception, textcnn, alexnet, vgg, mobilenetv2 or resnet.")
    String model;
    @Option(names = "--data", defaultValue = "auto",
            description = "The data set: fashion-mnist, generated or auto (images: Fashion-MNIST when found, else generated); mr, sst2 or generated-sentiment (text).")
    String data;
    @Option(names = "--epochs", paramLabel = "N", description = "Passes over the training examples (default: 3; textcnn: " + Training.TEXT_EPOCHS + ").") Integer epochs;
    @Option(names = "--batch", paramLabel = "N", description = "Examples per optimizer step (default: 64; textcnn: " + Training.TEXT_BATCH + ").") Integer batch;
    @Option(names = "--lr", description = "Learning rate, cosine schedule (default: 0.001 for adam and sgd, 1.0 for adadelta).") Float lr;
    @Option(names = "--optimizer", description = "adam, sgd (momentum 0.9) or adadelta (rho 0.95) (default: adam; textcnn: " + Training.TEXT_OPTIMIZER + ").") String optimizer;
    @Option(names = "--dim", paramLabel = "N", description = "textcnn: embedding size (default: " + Training.TEXT_DIM + ").") Integer dim;
    @Option(names = "--dropout", description = "textcnn: dropout before the output layer (default: " + Training.TEXT_DROPOUT + ").") Float dropout;
    @Option(names = "--max-norm", description = "textcnn: max L2 norm of each output weight row, 0 for none (default: " + Training.TEXT_MAX_NORM + ").") Float maxNorm;
    @Option(names = "--weight-decay", defaultValue = "0", description = "L2 weight decay.") float weightDecay;
    @Option(names = "--seed", defaultValue = "0", description = "Seeds the weights, the shuffling and (text) the split.") long seed;
    @Option(names = "--split-seed", paramLabel = "SEED", description = "Seeds the text split instead of --seed, so that nets of different --seed share held-out examples (default: --seed).") Long splitSeed;
    @Option(names = "--fold", defaultValue = "0", description = "MR cross-validation fold held out, 0..9.") int fold;
    @Option(names = "--train-examples", defaultValue = "0", paramLabel = "N", description = "Train on the first N training examples only (0: all).") int trainExamples;
    @Option(names = "--width", description = "Inception width multiplier (default: 1.0).") String width;
    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The checkpoint to write (its metrics go beside it as NAME.metrics.json).") Path out;
    @Mixin DataOptions dataOptions;
    @Mixin DeviceOption device;

    @Override
    public void run() {
        Device where = device.install();
        Trainer.Config config = Training.config(model, epochs, batch, optimizer, lr, weightDecay, seed);
        Training.Outcome o = Training.run(new Training.Plan(model, data, fold, seed, splitSeed, trainExamples,
                Training.hyper(model, dim, dropout, maxNorm, width), config), dataOptions.dataDir, where);
        Path metrics = o.save(out);
        System.out.printf(Locale.ROOT, "%s: eval accuracy %.4f after %d epochs (%.0f s); checkpoint %s; metrics %s%n",
                model, o.heldOutAccuracy(), config.epochs(), o.seconds(), out, metrics);
    }
}
