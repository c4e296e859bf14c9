package dev.galvani.distributed.sweeps;

import dev.galvani.attribution.ablation.Ablation;
import dev.galvani.distributed.ItemSweep;
import dev.galvani.distributed.WorkItem;
import dev.galvani.distributed.Workspace;
import dev.galvani.engine.F;
import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.autodiff.Grad;
import dev.galvani.models.ModelZoo;
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
 * Single-filter ablation over all filters of a layer: for every test image and filter, the target
 * logit with that filter alone zeroed, or patched to its value at the all-zero baseline input
 * ({@link Ablation#singleUnitScores}; the numbers of {@code galvani ablate --mode zero|baseline}
 * with that one filter, and the ablation study's drops). An item is a checkpoint, a layer, a
 * batch of images and a block of filters.
 */
public final class AblationSweep implements ItemSweep<AblationSweep.Item> {
    private static final long serialVersionUID = 1L;

    public record Item(int id, String checkpoint, String layer, int[] examples, int[] filters) implements WorkItem {
        @Override public String describe() {
            return "item " + id + " (checkpoint " + checkpoint + ", layer " + layer + ", test images " + Batches.describe(examples)
                    + ", filters " + Batches.describe(filters) + ")";
        }
    }

    public static final StructType SCHEMA = new StructType()
            .add("checkpoint", DataTypes.StringType, false)
            .add("architecture", DataTypes.StringType, false)
            .add("layer", DataTypes.StringType, false)
            .add("mode", DataTypes.StringType, false)
            .add("example", DataTypes.IntegerType, false)
            .add("label", DataTypes.IntegerType, false)
            .add("class", DataTypes.IntegerType, false)
            .add("filter", DataTypes.IntegerType, false)
            .add("logit", DataTypes.FloatType, false)
            .add("ablated_logit", DataTypes.FloatType, false)
            .add("drop", DataTypes.FloatType, false)
            .add("item", DataTypes.IntegerType, false);

    private final Integer targetClass;
    private final int maxRows;
    private final Ablation.Mode mode;

    /**
     * {@code targetClass}: the class whose logit is read, or null for each image's predicted class.
     * {@code mode}: {@code ZERO}, or {@code BASELINE} (a filter takes its value at the all-zero
     * input, {@link Ablation#zeroBaseline}); the others need inputs a sweep item does not have
     * (the mean over a command's examples, a second input to patch from).
     */
    public AblationSweep(Integer targetClass, int maxRows, Ablation.Mode mode) {
        if (mode != Ablation.Mode.ZERO && mode != Ablation.Mode.BASELINE) {
            throw new GalvaniException("sweep ablation --mode takes zero or baseline, got " + mode.name().toLowerCase(Locale.ROOT));
        }
        this.targetClass = targetClass;
        this.maxRows = maxRows;
        this.mode = mode;
    }

    /**
     * Items: checkpoint x layer x batch of images x block of filters. The driver loads each
     * checkpoint once to count the layer's filters (and to refuse an unknown layer before any work).
     */
    public static List<Item> plan(List<String> checkpoints, List<String> layers, int[] examples, int batch, int filtersPerItem, Workspace driver) {
        if (filtersPerItem < 1) throw new GalvaniException("--filters-per-item must be at least 1, got " + filtersPerItem);
        List<Item> items = new ArrayList<>();
        for (String c : checkpoints) {
            SavedModel m = driver.model(c);
            for (String l : layers) {
                int units;
                try {
                    units = new Ablation(m.model(), l).units(ModelZoo.exampleInput(m.architecture()));
                } catch (GalvaniException e) {
                    throw new GalvaniException("checkpoint " + c + ", layer " + l + ": " + e.getMessage());
                }
                int[] all = new int[units];
                for (int u = 0; u < units; u++) all[u] = u;
                for (int[] b : Batches.of(examples, batch)) {
                    for (int f0 = 0; f0 < units; f0 += filtersPerItem) {
                        items.add(new Item(items.size(), c, l, b, Arrays.copyOfRange(all, f0, Math.min(units, f0 + filtersPerItem))));
                    }
                }
            }
        }
        return items;
    }

    @Override public String table() {
        return "ablation";
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
        Dataset.Batch ex = ws.testImages(m, item.examples());
        Tensor logits = logits(m, ex.x());
        int n = ex.x().size(0), k = logits.size(1);
        int[] cls = classes(logits, targetClass);
        Ablation ab = new Ablation(m.model(), item.layer()).maxRows(maxRows);
        if (mode == Ablation.Mode.BASELINE) ab.zeroBaseline(ex.x());
        float[][] ablated = ab.singleUnitScores(ex.x(), cls, item.filters());
        String modeName = mode.name().toLowerCase(Locale.ROOT);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float logit = logits.data()[i * k + cls[i]];
            for (int j = 0; j < item.filters().length; j++) {
                rows.add(RowFactory.create(item.checkpoint(), m.architecture(), item.layer(), modeName, item.examples()[i], ex.y()[i], cls[i],
                        item.filters()[j], logit, ablated[j][i], logit - ablated[j][i], item.id()));
            }
        }
        return rows;
    }

    /** The unablated logits, in evaluation mode without a graph (as {@code galvani ablate} reads them). */
    public static Tensor logits(SavedModel m, Tensor x) {
        try (Grad.Scope s = Grad.off()) {
            return m.eval().call(x);
        }
    }

    /** The target class per image: the one given, else the predicted one. */
    public static int[] classes(Tensor logits, Integer targetClass) {
        int[] cls = F.argmax(logits);
        if (targetClass != null) {
            if (targetClass < 0 || targetClass >= logits.size(1)) throw new GalvaniException("--target " + targetClass + " is outside 0.." + (logits.size(1) - 1));
            Arrays.fill(cls, targetClass);
        }
        return cls;
    }
}
