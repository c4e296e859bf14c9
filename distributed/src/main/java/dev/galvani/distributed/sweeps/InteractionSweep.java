package dev.galvani.distributed.sweeps;

import dev.galvani.attribution.activations.LayerActivations;
import dev.galvani.attribution.interactions.AndOrDecomposition;
import dev.galvani.attribution.interactions.Interactions;
import dev.galvani.attribution.interactions.extract.LayerwiseInteractions;
import dev.galvani.attribution.interactions.extract.LayerwiseInteractions.LayerGame;
import dev.galvani.attribution.interactions.extract.LinearReadout;
import dev.galvani.attribution.interactions.extract.Players;
import dev.galvani.attribution.studies.InteractionStudy;
import dev.galvani.distributed.ItemSweep;
import dev.galvani.distributed.Output;
import dev.galvani.distributed.SweepRunner;
import dev.galvani.distributed.WorkItem;
import dev.galvani.distributed.Workspace;
import dev.galvani.engine.GalvaniException;
import dev.galvani.models.SavedModel;
import dev.galvani.models.data.ImageDataset;
import dev.galvani.models.data.Splits;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AND/OR interactions of many test images at every chosen layer (Cheng et al., ICML 2024), as
 * {@code galvani study interactions} computes them: a first stage trains each checkpoint's
 * layerwise readouts ({@link LinearReadout#train}, on flattened features), which are broadcast as
 * weights; then every batch of samples is an item ({@link LayerwiseInteractions#sample}). Tables: {@code interactions} (every
 * AND, OR and plain Harsanyi interaction of every sample and layer) and {@code interaction_readouts}.
 */
public final class InteractionSweep implements ItemSweep<InteractionSweep.SampleItem> {
    private static final long serialVersionUID = 1L;

    /**
     * The study's settings for image models.
     *
     * @param lr           the SGD solver's learning rate (unused by the primal-dual solver)
     * @param maxMemoryMiB most MiB for a layer's flattened readout features; above it the layer is mean-pooled
     */
    public record Config(List<String> layers, int variables, int grid, AndOrDecomposition.Solver solver, int iterations, double lr,
                         int readoutExamples, int maxRows, long maxMemoryMiB, long seed) implements Serializable {
        public Config {
            if (variables < 1 || variables > Players.MAX) throw new GalvaniException("--variables must be 1.." + Players.MAX + ", got " + variables);
        }

        LayerwiseInteractions.Options options() {
            return new LayerwiseInteractions.Options(null, maxRows,
                    AndOrDecomposition.Options.defaults().withSolver(solver).withLr(lr).withIterations(iterations));
        }

        LinearReadout.Options readoutOptions() {
            LinearReadout.Options d = LinearReadout.Options.defaults();
            return d.withExamples(readoutExamples, d.testExamples()).withMaxBytes(maxMemoryMiB << 20).withSeed(seed);
        }

        Players players() {
            return Players.patches(28, 28, grid, grid, variables, seed);
        }
    }

    public record CheckpointItem(int id, String checkpoint) implements WorkItem {
        @Override public String describe() {
            return "item " + id + " (checkpoint " + checkpoint + ", layerwise readouts)";
        }
    }

    /** One layer's trained readout as plain arrays, so it can be broadcast ({@link LinearReadout#of}). */
    public record Weights(LayerActivations.Pooling pooling, float[] weight, float[] bias) implements Serializable {}

    /** Stage one's result: a checkpoint's readouts and their held-out accuracies. */
    public record Readouts(String checkpoint, LinkedHashMap<String, Weights> readouts, LinkedHashMap<String, Double> accuracy) implements Serializable {
        LinkedHashMap<String, LinearReadout> linear() {
            LinkedHashMap<String, LinearReadout> out = new LinkedHashMap<>();
            readouts.forEach((l, w) -> out.put(l, LinearReadout.of(l, w.pooling(), w.weight(), w.bias())));
            return out;
        }
    }

    public record SampleItem(int id, String checkpoint, int[] samples) implements WorkItem {
        @Override public String describe() {
            return "item " + id + " (checkpoint " + checkpoint + ", test images " + Batches.describe(samples) + ")";
        }
    }

    public static final StructType SCHEMA = new StructType()
            .add("checkpoint", DataTypes.StringType, false)
            .add("architecture", DataTypes.StringType, false)
            .add("example", DataTypes.IntegerType, false)
            .add("label", DataTypes.IntegerType, false)
            .add("layer", DataTypes.StringType, false)
            .add("layer_index", DataTypes.IntegerType, false)
            .add("kind", DataTypes.StringType, false)
            .add("subset", DataTypes.IntegerType, false)
            .add("order", DataTypes.IntegerType, false)
            .add("value", DataTypes.DoubleType, false)
            .add("item", DataTypes.IntegerType, false);

    public static final StructType READOUTS = new StructType()
            .add("checkpoint", DataTypes.StringType, false)
            .add("layer", DataTypes.StringType, false)
            .add("accuracy", DataTypes.DoubleType, false);

    private final Config config;
    private Broadcast<Map<String, Readouts>> readouts;

    public InteractionSweep(Config config) {
        this.config = config;
    }

    /** Trains the readouts (stage one), writes their table, then the interactions; returns the row count. */
    public long run(SweepRunner runner, Output out, List<String> checkpoints, int[] samples, int batch) {
        out.checkFree(table());
        out.checkFree("interaction_readouts");
        List<CheckpointItem> cks = new ArrayList<>();
        for (String c : checkpoints) cks.add(new CheckpointItem(cks.size(), c));
        Config cfg = config;
        List<Readouts> trained = runner.collect(cks, CheckpointItem.class, (item, ws) -> List.of(readouts(item.checkpoint(), ws, cfg)),
                Readouts.class, "interactions: readouts of " + cks.size() + " checkpoints");
        Map<String, Readouts> byCheckpoint = new HashMap<>();
        List<Row> acc = new ArrayList<>();
        for (Readouts r : trained) {
            byCheckpoint.put(r.checkpoint(), r);
            r.accuracy().forEach((l, a) -> acc.add(RowFactory.create(r.checkpoint(), l, a)));
        }
        out.write("interaction_readouts", runner.spark().createDataFrame(acc, READOUTS), List.of("checkpoint", "layer"), "interactions: readouts");
        readouts = JavaSparkContext.fromSparkContext(runner.spark().sparkContext()).broadcast(byCheckpoint);
        List<SampleItem> items = new ArrayList<>();
        for (String c : checkpoints) for (int[] b : Batches.of(samples, batch)) items.add(new SampleItem(items.size(), c, b));
        return out.write(table(), runner.rows(this, items, SampleItem.class), order(), "interactions: " + items.size() + " batches of samples");
    }

    /** A checkpoint's layerwise readouts, trained as the interaction study trains them. */
    public static Readouts readouts(String checkpoint, Workspace ws, Config cfg) {
        SavedModel m = ws.model(checkpoint);
        Splits.Split<ImageDataset> im = ws.images(m);
        for (String l : cfg.layers()) m.model().module(l);
        LinkedHashMap<String, Double> acc = new LinkedHashMap<>();
        LinkedHashMap<String, Weights> r = new LinkedHashMap<>();
        LinearReadout.train(m.model(), im.train(), im.heldOut(), cfg.layers(), cfg.readoutOptions()).forEach((l, ro) -> {
            r.put(l, new Weights(ro.pooling(), ro.weights(), ro.biases()));
            acc.put(l, ro.heldOutAccuracy());
        });
        return new Readouts(checkpoint, r, acc);
    }

    @Override public String table() {
        return "interactions";
    }

    @Override public StructType schema() {
        return SCHEMA;
    }

    @Override public List<String> order() {
        return List.of("checkpoint", "example", "layer_index", "kind", "subset");
    }

    @Override
    public List<Row> run(SampleItem item, Workspace ws) {
        SavedModel m = ws.model(item.checkpoint());
        Splits.Split<ImageDataset> im = ws.images(m);
        Map<String, LinearReadout> ro = readouts.value().get(item.checkpoint()).linear();
        Players players = config.players();
        List<Row> rows = new ArrayList<>();
        for (int s : item.samples()) {
            LayerwiseInteractions.Sample sample = InteractionStudy.sample(im.heldOut(), s, players);
            Map<String, LayerGame> r = LayerwiseInteractions.sample(m.model(), sample, ro, config.options());
            int li = 0;
            for (String l : r.keySet()) {
                Interactions d = r.get(l).decomposed(), h = r.get(l).harsanyi();
                for (int t = 0; t < d.subsets(); t++) {
                    int order = Interactions.order(t);
                    rows.add(RowFactory.create(item.checkpoint(), m.architecture(), s, sample.label(), l, li, "and", t, order, d.and()[t], item.id()));
                    rows.add(RowFactory.create(item.checkpoint(), m.architecture(), s, sample.label(), l, li, "or", t, order, d.or()[t], item.id()));
                    rows.add(RowFactory.create(item.checkpoint(), m.architecture(), s, sample.label(), l, li, "harsanyi", t, order, h.and()[t], item.id()));
                }
                li++;
            }
        }
        return rows;
    }
}
