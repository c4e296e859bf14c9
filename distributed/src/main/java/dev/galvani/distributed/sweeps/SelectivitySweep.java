package dev.galvani.distributed.sweeps;

import dev.galvani.attribution.selectivity.SelectivityStudy;
import dev.galvani.attribution.stats.LinearRegression;
import dev.galvani.distributed.ItemSweep;
import dev.galvani.distributed.Output;
import dev.galvani.distributed.SweepRunner;
import dev.galvani.distributed.WorkItem;
import dev.galvani.distributed.Workspace;
import dev.galvani.models.SavedModel;
import dev.galvani.models.data.ImageDataset;
import dev.galvani.models.data.Splits;
import dev.galvani.models.train.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The selectivity study's group-ablation grid across models (Hayne et al. 2022): a first stage
 * computes each (model, layer)'s unit statistics and quantile bins ({@link SelectivityStudy#grid}),
 * a second ablates every bin of every grid as its own work item ({@link SelectivityStudy#group}),
 * and the driver fits the study's regressions across each layer's groups
 * ({@link SelectivityStudy#regressions}). Tables: {@code selectivity_units},
 * {@code selectivity_groups}, {@code selectivity_regression}.
 */
public final class SelectivitySweep implements ItemSweep<SelectivitySweep.CellItem> {
    private static final long serialVersionUID = 1L;

    /** Stage one: one model's layer. */
    public record LayerItem(int id, String model, String checkpoint, String layer) implements WorkItem {
        @Override public String describe() {
            return "item " + id + " (model " + model + ", checkpoint " + checkpoint + ", layer " + layer + ")";
        }
    }

    /** What stage one sends back. */
    public record LayerGrid(LayerItem item, SelectivityStudy.Grid grid) implements Serializable {}

    /** Stage two: bin (siBin, aBin) of one layer's grid. */
    public record CellItem(int id, String model, String checkpoint, SelectivityStudy.Grid grid, int siBin, int aBin) implements WorkItem {
        @Override public String describe() {
            return "item " + id + " (model " + model + ", checkpoint " + checkpoint + ", layer " + grid.layer() + ", bin SI " + siBin + " A " + aBin + ")";
        }
    }

    public static final StructType UNITS = new StructType()
            .add("model", DataTypes.StringType, false)
            .add("checkpoint", DataTypes.StringType, false)
            .add("layer", DataTypes.StringType, false)
            .add("unit", DataTypes.IntegerType, false)
            .add("selectivity", DataTypes.DoubleType, false)
            .add("activity", DataTypes.DoubleType, false)
            .add("preferred_class", DataTypes.IntegerType, false)
            .add("si_bin", DataTypes.IntegerType, false)
            .add("a_bin", DataTypes.IntegerType, false);

    public static final StructType GROUPS = new StructType()
            .add("model", DataTypes.StringType, false)
            .add("checkpoint", DataTypes.StringType, false)
            .add("layer", DataTypes.StringType, false)
            .add("si_bin", DataTypes.IntegerType, false)
            .add("a_bin", DataTypes.IntegerType, false)
            .add("units", DataTypes.IntegerType, false)
            .add("members", DataTypes.StringType, false)
            .add("mean_selectivity", DataTypes.DoubleType, false)
            .add("mean_activity", DataTypes.DoubleType, false)
            .add("deficit", DataTypes.DoubleType, false)
            .add("preferred_deficit", DataTypes.DoubleType, true)
            .add("baseline_accuracy", DataTypes.DoubleType, false)
            .add("item", DataTypes.IntegerType, false);

    public static final StructType REGRESSION = new StructType()
            .add("model", DataTypes.StringType, false)
            .add("layer", DataTypes.StringType, false)
            .add("predictors", DataTypes.StringType, false)
            .add("term", DataTypes.StringType, false)
            .add("coefficient", DataTypes.DoubleType, false)
            .add("ci_low", DataTypes.DoubleType, false)
            .add("ci_high", DataTypes.DoubleType, false)
            .add("r2", DataTypes.DoubleType, false)
            .add("adjusted_r2", DataTypes.DoubleType, false)
            .add("groups", DataTypes.IntegerType, false);

    private final SelectivityStudy.Config config;

    public SelectivitySweep(SelectivityStudy.Config config) {
        this.config = config;
    }

    /** Runs the three stages and writes the three tables; returns the groups' row count. */
    public long run(SweepRunner runner, Output out, List<LayerItem> layers) {
        for (String t : List.of("selectivity_units", "selectivity_groups", "selectivity_regression")) out.checkFree(t);
        SelectivityStudy.Config cfg = config;
        List<LayerGrid> grids = runner.collect(layers, LayerItem.class, (item, ws) -> {
            SavedModel m = ws.model(item.checkpoint());
            Splits.Split<ImageDataset> im = ws.images(m);
            return List.of(new LayerGrid(item, SelectivityStudy.grid(m.model(), im.train(), im.heldOut(), item.layer(), cfg)));
        }, LayerGrid.class, "selectivity: unit statistics of " + layers.size() + " layers");

        List<Row> units = new ArrayList<>();
        List<CellItem> cells = new ArrayList<>();
        for (LayerGrid lg : grids) {
            SelectivityStudy.Grid g = lg.grid();
            for (int u = 0; u < g.units(); u++) {
                units.add(RowFactory.create(lg.item().model(), lg.item().checkpoint(), g.layer(), u, g.si()[u], g.activity()[u],
                        g.preferred()[u], g.siBin()[u], g.aBin()[u]));
            }
            for (int i = 0; i < g.grid(); i++) {
                for (int j = 0; j < g.grid(); j++) cells.add(new CellItem(cells.size(), lg.item().model(), lg.item().checkpoint(), g, i, j));
            }
        }
        out.write("selectivity_units", runner.spark().createDataFrame(units, UNITS), List.of("model", "layer", "unit"), "selectivity: units");
        long n = out.write(table(), runner.rows(this, cells, CellItem.class), order(), "selectivity: " + cells.size() + " group ablations");

        List<Row> groups = runner.spark().read().parquet(out.path(table())).collectAsList();
        out.write("selectivity_regression", runner.spark().createDataFrame(regressionRows(groups), REGRESSION),
                List.of("model", "layer", "predictors"), "selectivity: regressions");
        return n;
    }

    /** The study's three regressions per (model, layer), over its groups in grid order. */
    static List<Row> regressionRows(List<Row> groups) {
        Map<List<String>, List<Row>> byLayer = groups.stream().collect(Collectors.groupingBy(
                r -> List.of(r.getString(0), r.getString(2)), LinkedHashMap::new, Collectors.toList()));
        List<Row> out = new ArrayList<>();
        byLayer.entrySet().stream().sorted(Comparator.comparing((Map.Entry<List<String>, List<Row>> e) -> e.getKey().get(0))
                .thenComparing(e -> e.getKey().get(1))).forEach(e -> {
            List<SelectivityStudy.Group> gs = e.getValue().stream()
                    .sorted(Comparator.comparingInt((Row r) -> r.getInt(3)).thenComparingInt(r -> r.getInt(4)))
                    .map(SelectivitySweep::group).toList();
            for (LinearRegression.Fit f : SelectivityStudy.regressions(gs)) {
                String predictors = String.join(" + ", f.names().subList(1, f.names().size()));
                for (int t = 0; t < f.names().size(); t++) {
                    out.add(RowFactory.create(e.getKey().get(0), e.getKey().get(1), predictors, f.names().get(t), f.coefficients()[t],
                            f.ciLow()[t], f.ciHigh()[t], f.r2(), f.adjustedR2(), f.n()));
                }
            }
        });
        return out;
    }

    static SelectivityStudy.Group group(Row r) {
        int[] members = Arrays.stream(r.getString(6).split(" ")).mapToInt(Integer::parseInt).toArray();
        return new SelectivityStudy.Group(r.getInt(3), r.getInt(4), members, r.getDouble(7), r.getDouble(8), r.getDouble(9),
                r.isNullAt(10) ? Double.NaN : r.getDouble(10));
    }

    @Override public String table() {
        return "selectivity_groups";
    }

    @Override public StructType schema() {
        return GROUPS;
    }

    @Override public List<String> order() {
        return List.of("model", "layer", "si_bin", "a_bin");
    }

    @Override
    public List<Row> run(CellItem item, Workspace ws) {
        SavedModel m = ws.model(item.checkpoint());
        SelectivityStudy.Grid g = item.grid();
        Dataset.Batch eval = ws.memo("eval " + item.checkpoint() + " " + g.layer(), () -> ws.images(m).heldOut().batch(g.evalIndices()));
        SelectivityStudy.Group gr = SelectivityStudy.group(m.model(), eval, g, item.siBin(), item.aBin());
        if (gr == null) return List.of();
        String members = Arrays.stream(gr.units()).mapToObj(Integer::toString).collect(Collectors.joining(" "));
        return List.of(RowFactory.create(item.model(), item.checkpoint(), g.layer(), gr.siBin(), gr.aBin(), gr.units().length, members,
                gr.meanSI(), gr.meanA(), gr.deficit(), Double.isNaN(gr.preferredDeficit()) ? null : gr.preferredDeficit(), g.baseline(), item.id()));
    }
}
