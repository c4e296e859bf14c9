package dev.galvani.models.train;

import dev.galvani.kernels.Device;
import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.nn.Module;
import dev.galvani.models.ModelZoo;
import dev.galvani.models.SavedModel;
import dev.galvani.models.data.DataSpec;
import dev.galvani.models.data.Splits;
import dev.galvani.models.io.Json;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Trains one of the {@link ModelZoo} nets on a data set by name and keeps what is needed to use it
 * again: a {@link SavedModel} whose metadata record the architecture, hyper-parameters, the data
 * split ({@link DataSpec}: data set, fold, seed, normalisation or vocabulary, class names) and the
 * held-out accuracy, and the run's metrics (per epoch loss, accuracies, speed).
 *
 * <pre>{@code
 * Training.Outcome o = Training.run(new Training.Plan("inception", "fashion-mnist", 0, 0, 0, Map.of(),
 *         new Trainer.Config(4, 64, "adam", 2e-3f, 0f, true, 0, Integer.MAX_VALUE)), null);
 * o.save(Path.of("runs/inception.safetensors"));
 * }</pre>
 */
public final class Training {
    private Training() {}

    /**
     * The text CNN's training defaults: Kim (2014)'s CNN-rand recipe (Adadelta, rho 0.95; dropout 0.5;
     * max-norm 3 on the output rows; batch 50) with a 128-wide embedding and 6 epochs. On SST-2's
     * held-out sentences it scores as well as the other settings tried, within the spread over
     * seeds (docs/results.md, "Training and checkpoints"). Image nets: 3 epochs of Adam, batch 64.
     */
    public static final int TEXT_EPOCHS = 6, TEXT_BATCH = 50, TEXT_DIM = 128, EPOCHS = 3, BATCH = 64;
    public static final String TEXT_OPTIMIZER = "adadelta", TEXT_DROPOUT = "0.5", TEXT_MAX_NORM = "3", OPTIMIZER = "adam";

    /**
     * The optimisation with every unset (null) setting at the model's default: epochs, batch and
     * optimizer as above, learning rate 1.0 for Adadelta and 0.001 otherwise; cosine schedule.
     */
    public static Trainer.Config config(String model, Integer epochs, Integer batch, String optimizer, Float lr, float weightDecay, long seed) {
        boolean text = SavedModel.isText(model);
        String opt = optimizer != null ? optimizer : text ? TEXT_OPTIMIZER : OPTIMIZER;
        return new Trainer.Config(epochs != null ? epochs : text ? TEXT_EPOCHS : EPOCHS, batch != null ? batch : text ? TEXT_BATCH : BATCH, opt,
                lr != null ? lr : opt.equalsIgnoreCase("adadelta") ? 1.0f : 0.001f, weightDecay, true, seed, Integer.MAX_VALUE);
    }

    /**
     * Hyper-parameters: the text CNN's embedding size, dropout and max-norm (unset: the defaults
     * above; refused for another model) and Inception's width multiplier (null: the architecture's).
     */
    public static Map<String, String> hyper(String model, Integer dim, Float dropout, Float maxNorm, String width) {
        boolean text = SavedModel.isText(model);
        if (!text && (dim != null || dropout != null || maxNorm != null)) throw new GalvaniException("--dim, --dropout and --max-norm apply to the text CNN only");
        Map<String, String> hyper = new LinkedHashMap<>();
        if (text) {
            hyper.put("dim", Integer.toString(dim != null ? dim : TEXT_DIM));
            hyper.put("dropout", dropout != null ? Float.toString(dropout) : TEXT_DROPOUT);
            hyper.put("max_norm", maxNorm != null ? Float.toString(maxNorm) : TEXT_MAX_NORM);
        }
        if (width != null) hyper.put("width", width);
        return hyper;
    }

    /**
     * What to train: the architecture, the data set ({@code auto}: Fashion-MNIST when found, else
     * the generated images; a text model's default is the generated sentences), the MR fold held
     * out, the seed of the weights, shuffling and split ({@code splitSeed}, when not null, seeds the text
     * split instead, so that nets of different seeds share held-out examples), the first {@code trainExamples} training
     * examples only (0: all), extra hyper-parameters (e.g. Inception's {@code width}), and the
     * optimisation.
     */
    public record Plan(String model, String data, int fold, long seed, Long splitSeed, int trainExamples, Map<String, String> hyper, Trainer.Config config) {
        /** The split seeded by {@code seed} too. */
        public Plan(String model, String data, int fold, long seed, int trainExamples, Map<String, String> hyper, Trainer.Config config) {
            this(model, data, fold, seed, null, trainExamples, hyper, config);
        }

        public Plan {
            ModelZoo.defaults(model, Map.of());                       // an unknown model name is refused before data are read
            if (config.epochs() < 1) throw new GalvaniException("--epochs must be at least 1, got " + config.epochs());
            if (config.batchSize() < 1) throw new GalvaniException("--batch must be at least 1, got " + config.batchSize());
            if (!(config.lr() > 0) || !Float.isFinite(config.lr())) throw new GalvaniException("--lr must be a positive number, got " + config.lr());
            if (trainExamples < 0) throw new GalvaniException("--train-examples must be at least 0 (0: all), got " + trainExamples);
        }
    }

    /** A trained model with its checkpoint, the data split it saw, and the run's figures. */
    public record Outcome(SavedModel checkpoint, List<Trainer.Epoch> history, int trainExamples, int heldOutExamples, double seconds) {
        public double heldOutAccuracy() {
            return history.get(history.size() - 1).evalAccuracy();
        }

        /** The run's metrics as JSON: model, data, fold, split, example counts, seconds, JDK, per epoch figures, final accuracy. */
        public Map<String, Object> metrics() {
            DataSpec spec = checkpoint.data();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", checkpoint.architecture());
            m.put("data", spec.dataset());
            m.put("fold", spec.folds() > 0 ? spec.fold() : null);
            m.put("split", spec.describe());
            m.put("train_examples", trainExamples);
            m.put("eval_examples", heldOutExamples);
            m.put("seconds", seconds);
            m.put("jdk", Runtime.version().toString());
            List<Object> epochs = new ArrayList<>();
            for (Trainer.Epoch e : history) {
                Map<String, Object> j = new LinkedHashMap<>();
                j.put("epoch", e.epoch());
                j.put("train_loss", e.trainLoss());
                j.put("train_accuracy", e.trainAccuracy());
                j.put("eval_accuracy", e.evalAccuracy());
                j.put("seconds", e.seconds());
                j.put("examples_per_second", e.examplesPerSecond());
                epochs.add(j);
            }
            m.put("epochs", epochs);
            m.put("final_eval_accuracy", heldOutAccuracy());
            return m;
        }

        /** Writes the checkpoint (atomically) and its metrics beside it ({@code NAME.metrics.json}); returns the metrics file. */
        public Path save(Path checkpointFile) {
            checkpoint.save(checkpointFile);
            Path metricsFile = Path.of(checkpointFile.toString().replaceAll("\\.safetensors$", "") + ".metrics.json");
            Json.write(metricsFile, metrics());
            return metricsFile;
        }
    }

    /** Reads the data ({@code dataDir}: a data folder, or null for {@code $GALVANI_DATA} and the defaults), trains on the CPU, and returns the outcome. */
    public static Outcome run(Plan plan, String dataDir) {
        return run(plan, dataDir, Device.CPU);
    }

    /** As {@link #run(Plan, String)}, with the model on {@code device} (the batches follow it; the checkpoint is written from the host). */
    public static Outcome run(Plan plan, String dataDir, Device device) {
        boolean text = SavedModel.isText(plan.model());
        Splits.Prepared prepared = Splits.prepare(DataSpec.request(plan.data(), text, plan.fold(), plan.splitSeed() != null ? plan.splitSeed() : plan.seed(), plan.trainExamples(), dataDir), dataDir);
        DataSpec spec = prepared.spec();
        Map<String, String> hyper = new LinkedHashMap<>(plan.hyper());
        hyper.put("seed", Long.toString(plan.seed()));
        if (text) hyper.put("vocab", Integer.toString(spec.vocabulary().size()));
        hyper.put("classes", Integer.toString(spec.classNames().size()));
        Dataset train = prepared.train(), heldOut = prepared.heldOut();
        Module m = ModelZoo.create(plan.model(), hyper).to(device);
        Trainer.Config c = plan.config();
        System.err.printf(Locale.ROOT, "training %s (%d parameters) on %s: %d examples, %d epochs, batch %d, %s lr %g, jdk %s%n", plan.model(),
                m.parameterCount(), spec.describe(), train.size(), c.epochs(), c.batchSize(), c.optimizer(), c.lr(), Runtime.version());
        long t0 = System.nanoTime();
        List<Trainer.Epoch> history = Trainer.fit(m, train, heldOut, c);
        double seconds = (System.nanoTime() - t0) / 1e9;
        // the metadata hold only what the run determines (no time, no machine): same seed, same file
        Map<String, String> meta = new LinkedHashMap<>(ModelZoo.defaults(plan.model(), hyper));
        meta.put("test_accuracy", Double.toString(history.get(history.size() - 1).evalAccuracy()));
        return new Outcome(new SavedModel(m, plan.model(), meta, spec), history, train.size(), heldOut.size(), seconds);
    }
}
