package dev.galvani.distributed.sweeps;

import dev.galvani.attribution.conductance.AttributionResult;
import dev.galvani.attribution.conductance.Discretisation;
import dev.galvani.attribution.conductance.LayerConductance;
import dev.galvani.attribution.conductance.Quadrature;
import dev.galvani.attribution.conductance.TargetKind;
import dev.galvani.distributed.ItemSweep;
import dev.galvani.distributed.WorkItem;
import dev.galvani.distributed.Workspace;
import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;
import dev.galvani.models.ModelInputs;
import dev.galvani.models.SavedModel;
import dev.galvani.models.train.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Conductance and its peers (internal influence, gradient x activation, activation) of several
 * layers' filters over test images, for one or many checkpoints: the numbers of
 * {@code galvani conductance} and its peer commands, one row per checkpoint, layer, image and
 * filter. An item is a checkpoint and a batch of images; all layers and peers come out of the
 * item's one path integral ({@link LayerConductance}), as on one machine.
 *
 * <p>A text checkpoint (the text CNN) is attributed as {@code galvani conductance} attributes it:
 * the path starts at its embedding ({@link ModelInputs#embeddingNode}), from the padding
 * embedding, and its held-out sentences are padded to one length for the whole sweep, the length
 * the command pads the same {@code --indices} to as one batch, so that a sentence's numbers do not
 * depend on which item it falls in.
 */
public final class ConductanceSweep implements ItemSweep<ConductanceSweep.Item> {
    private static final long serialVersionUID = 1L;

    /** The path integral's settings, as the conductance command takes them. */
    public record Config(List<String> layers, int steps, String method, String discretisation, String target,
                         String baseline, Integer targetClass, int maxRows) implements java.io.Serializable {
        public Config {
            if (layers.isEmpty()) throw new GalvaniException("--layer is required");
            Quadrature.parse(method);
            Discretisation.parse(discretisation);
            TargetKind.parse(target);
            if (!baseline.equals("zeros") && !baseline.equals("mean")) throw new GalvaniException("--baseline must be zeros or mean, got '" + baseline + "'");
        }
    }

    public record Item(int id, String checkpoint, int[] examples, List<String> layers) implements WorkItem {
        @Override public String describe() {
            return "item " + id + " (checkpoint " + checkpoint + ", layers " + String.join(",", layers) + ", test examples " + Batches.describe(examples) + ")";
        }
    }

    public static final StructType SCHEMA = new StructType()
            .add("checkpoint", DataTypes.StringType, false)
            .add("architecture", DataTypes.StringType, false)
            .add("layer", DataTypes.StringType, false)
            .add("example", DataTypes.IntegerType, false)
            .add("label", DataTypes.IntegerType, false)
            .add("class", DataTypes.IntegerType, false)
            .add("filter", DataTypes.IntegerType, false)
            .add("conductance", DataTypes.FloatType, false)
            .add("internal_influence", DataTypes.FloatType, false)
            .add("grad_x_activation", DataTypes.FloatType, false)
            .add("activation", DataTypes.FloatType, false)
            .add("f", DataTypes.FloatType, false)
            .add("f_baseline", DataTypes.FloatType, false)
            .add("layer_total", DataTypes.DoubleType, false)
            .add("delta", DataTypes.DoubleType, false)
            .add("relative_delta", DataTypes.DoubleType, false)
            .add("item", DataTypes.IntegerType, false);

    private final Config config;
    private final int[] examples;

    /** {@code examples}: all the test indices of the sweep (a text model's sentences are padded to their longest). */
    public ConductanceSweep(Config config, int[] examples) {
        this.config = config;
        this.examples = examples.clone();
    }

    /** Items: every checkpoint x every batch of {@code batch} consecutive entries of {@code examples}. */
    public static List<Item> plan(List<String> checkpoints, int[] examples, int batch, List<String> layers) {
        List<Item> items = new ArrayList<>();
        for (String c : checkpoints) for (int[] b : Batches.of(examples, batch)) items.add(new Item(items.size(), c, b, layers));
        return items;
    }

    @Override public String table() {
        return "conductance";
    }

    @Override public StructType schema() {
        return SCHEMA;
    }

    @Override public List<String> order() {
        return List.of("checkpoint", "layer", "example", "filter");
    }

    @Override
    public List<Row> run(Item item, Workspace ws) {
        SavedModel m = ws.model(item.checkpoint());
        Dataset.Batch ex;
        if (m.isText()) {
            int length = ws.memo("padded length " + item.checkpoint(), () -> ws.paddedLength(m, examples));
            ex = ws.testSentences(m, item.examples(), length);
        } else {
            ex = ws.testImages(m, item.examples());
        }
        AttributionResult r = attribute(m, ex.x(), config, () -> ws.images(m).train().meanImage(2000));
        List<Row> rows = new ArrayList<>();
        for (String l : config.layers()) {
            AttributionResult.Layer a = r.layer(l);
            Tensor cond = AttributionResult.Layer.perFilter(a.conductance()), inf = AttributionResult.Layer.perFilter(a.internalInfluence());
            Tensor gxa = AttributionResult.Layer.perFilter(a.gradTimesActivation()), act = AttributionResult.Layer.perFilter(a.activation());
            double[] total = a.totals(), delta = r.delta(l), rel = r.relativeDelta(l);
            int c = cond.size(1);
            for (int i = 0; i < r.examples(); i++) {
                for (int f = 0; f < c; f++) {
                    int k = i * c + f;
                    rows.add(RowFactory.create(item.checkpoint(), m.architecture(), l, item.examples()[i], ex.y()[i], r.classes()[i], f,
                            cond.data()[k], inf.data()[k], gxa.data()[k], act.data()[k], r.f()[i], r.fBaseline()[i], total[i], delta[i], rel[i], item.id()));
                }
            }
        }
        return rows;
    }

    /**
     * The path integral exactly as {@code galvani conductance} sets it up (integrated gradients off:
     * the backward sweep stops at the deepest layer; the baseline zeros or the mean of the first
     * 2000 training images; a text model's path from its padding embedding). Public so tests and
     * the benchmark make the single-machine call itself.
     */
    public static AttributionResult attribute(SavedModel m, Tensor x, Config cfg, java.util.function.Supplier<Tensor> meanBaseline) {
        LayerConductance lc = new LayerConductance(m.model()).layers(cfg.layers().toArray(new String[0])).steps(cfg.steps())
                .method(Quadrature.parse(cfg.method())).discretisation(Discretisation.parse(cfg.discretisation()))
                .target(TargetKind.parse(cfg.target())).maxRows(cfg.maxRows()).integratedGradients(false);
        if (m.isText()) lc.pathFrom(ModelInputs.embeddingNode(m));
        if (cfg.baseline().toLowerCase(Locale.ROOT).equals("mean")) {
            if (m.isText()) throw new GalvaniException("--baseline mean is for image models; a text model's path starts at the padding embedding");
            lc.baseline(meanBaseline.get());
        }
        int[] cls = null;
        if (cfg.targetClass() != null) {
            cls = new int[x.size(0)];
            Arrays.fill(cls, cfg.targetClass());
        }
        return lc.attribute(x, cls);
    }
}
