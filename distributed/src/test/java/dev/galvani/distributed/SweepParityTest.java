package dev.galvani.distributed;

import dev.galvani.attribution.ablation.Ablation;
import dev.galvani.attribution.ablation.AblationEffects;
import dev.galvani.attribution.conductance.AttributionResult;
import dev.galvani.attribution.conductance.Discretisation;
import dev.galvani.attribution.conductance.LayerConductance;
import dev.galvani.attribution.conductance.Quadrature;
import dev.galvani.attribution.conductance.TargetKind;
import dev.galvani.attribution.interactions.AndOrDecomposition;
import dev.galvani.attribution.interactions.Interactions;
import dev.galvani.attribution.interactions.extract.LayerwiseInteractions;
import dev.galvani.attribution.interactions.extract.Players;
import dev.galvani.attribution.interactions.extract.LinearReadout;
import dev.galvani.attribution.linear.LogisticRegression;
import dev.galvani.attribution.selectivity.SelectivityStudy;
import dev.galvani.attribution.studies.InteractionStudy;
import dev.galvani.distributed.sweeps.AblationSweep;
import dev.galvani.distributed.sweeps.ConductanceSweep;
import dev.galvani.distributed.sweeps.InteractionSweep;
import dev.galvani.distributed.sweeps.SelectivitySweep;
import dev.galvani.engine.F;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.autodiff.Grad;
import dev.galvani.models.ModelInputs;
import dev.galvani.models.SavedModel;
import dev.galvani.models.data.Examples;
import dev.galvani.models.data.ImageDataset;
import dev.galvani.models.data.Indices;
import dev.galvani.models.data.Splits;
import dev.galvani.models.train.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each sweep on local[2] against the single-machine library calls its command makes, bit for bit:
 * the rows come from other partitions, batches and threads, and must not differ in one bit.
 */
class SweepParityTest {
    @TempDir static Path dir;
    static SparkSession spark;
    static SweepRunner runner;
    static Path ck;

    /** Held-out images as 'galvani conductance --indices ...' reads them: the checkpoint's own split. */
    static Dataset.Batch heldOut(SavedModel m, String indices) {
        ImageDataset test = Splits.images(m.data(), null).heldOut();
        return test.batch(Indices.parse("--indices", indices, test.size()));
    }

    @BeforeAll static void start() {
        spark = Sessions.start("sweep parity test", "local[2]", false);
        runner = new SweepRunner(spark, null, 3);
        ck = Fixtures.checkpoint(dir, "inception", 3);
    }

    @AfterAll static void stop() {
        spark.stop();
    }

    static List<Row> read(Output out, String table) {
        return spark.read().parquet(out.path(table)).collectAsList();
    }

    static int bits(float f) {
        return Float.floatToIntBits(f);
    }

    @Test void conductanceRowsEqualTheConductanceCommandsNumbers() {
        List<String> layers = List.of("conv2", "inception3a", "inception4a");
        var cfg = new ConductanceSweep.Config(layers, 6, "gausslegendre", "jvp", "logit", "zeros", null, 64);
        int[] examples = Indices.parse("--indices", "0-9", 10);
        var sweep = new ConductanceSweep(cfg, examples);
        Output out = new Output(spark, dir.resolve("cond").toString(), false, false);
        var items = ConductanceSweep.plan(List.of(ck.toString()), examples, 3, layers);
        long n = out.write(sweep.table(), runner.rows(sweep, items, ConductanceSweep.Item.class), sweep.order(), "test");

        // What 'galvani conductance --indices 0-9 --steps 6 --layer conv2,inception3a,inception4a' computes, in one call.
        SavedModel m = SavedModel.load(ck);
        Dataset.Batch ex = heldOut(m, "0-9");
        AttributionResult r = new LayerConductance(m.model()).layers(layers.toArray(new String[0])).steps(6).method(Quadrature.GAUSS_LEGENDRE)
                .discretisation(Discretisation.JVP).target(TargetKind.LOGIT).maxRows(64).integratedGradients(false).attribute(ex.x());
        int expected = 0;
        Map<String, Row> byKey = new HashMap<>();
        for (Row row : read(out, "conductance")) byKey.put(row.getString(2) + "/" + row.getInt(3) + "/" + row.getInt(6), row);
        for (String l : layers) {
            AttributionResult.Layer a = r.layer(l);
            Tensor cond = a.filterConductance(), inf = AttributionResult.Layer.perFilter(a.internalInfluence());
            Tensor gxa = AttributionResult.Layer.perFilter(a.gradTimesActivation()), act = AttributionResult.Layer.perFilter(a.activation());
            int c = cond.size(1);
            for (int i = 0; i < 10; i++) {
                for (int f = 0; f < c; f++, expected++) {
                    Row row = byKey.get(l + "/" + i + "/" + f);
                    int k = i * c + f;
                    assertEquals(bits(cond.data()[k]), bits(row.getFloat(7)), l + " example " + i + " filter " + f);
                    assertEquals(bits(inf.data()[k]), bits(row.getFloat(8)));
                    assertEquals(bits(gxa.data()[k]), bits(row.getFloat(9)));
                    assertEquals(bits(act.data()[k]), bits(row.getFloat(10)));
                    assertEquals(bits(r.f()[i]), bits(row.getFloat(11)));
                    assertEquals(bits(r.fBaseline()[i]), bits(row.getFloat(12)));
                    assertEquals(r.classes()[i], row.getInt(5));
                    assertEquals(ex.y()[i], row.getInt(4));
                    assertEquals(r.delta(l)[i], row.getDouble(14), 0.0);
                    assertEquals(r.relativeDelta(l)[i], row.getDouble(15), 0.0);
                }
            }
        }
        assertEquals(expected, n);
        assertEquals(expected, byKey.size());
    }

    /** The ablation sweep on test images 0-5 of inception3a in {@code mode}, in items of 4 images x 20 filters. */
    static List<Row> ablationSweep(String table, Ablation.Mode mode) {
        var sweep = new AblationSweep(null, 512, mode);
        Output out = new Output(spark, dir.resolve(table).toString(), false, false);
        var items = AblationSweep.plan(List.of(ck.toString()), List.of("inception3a"), Indices.parse("--indices", "0-5", 6), 4, 20, new Workspace(null));
        out.write(sweep.table(), runner.rows(sweep, items, AblationSweep.Item.class), sweep.order(), "test");
        return read(out, "ablation");
    }

    static Tensor logits(SavedModel m, Tensor x) {
        try (Grad.Scope s = Grad.off()) {
            return m.eval().call(x);
        }
    }

    /**
     * A text CNN: the sweep's rows against 'galvani conductance --checkpoint textcnn.safetensors
     * --indices 0-11 --steps 5 --layer ...' (the held-out sentences as one batch, padded to their
     * longest; the path from the padding embedding), though the sweep's items hold 3 sentences each.
     */
    @Test void textConductanceRowsEqualTheConductanceCommandsNumbers() {
        Path text = Fixtures.textCheckpoint(dir, 7);
        List<String> layers = List.of("conv3.conv", "conv4", "features");
        var cfg = new ConductanceSweep.Config(layers, 5, "gausslegendre", "jvp", "logit", "zeros", null, 64);
        int[] examples = Indices.parse("--indices", "0-11", 12);
        var sweep = new ConductanceSweep(cfg, examples);
        Output out = new Output(spark, dir.resolve("cond-text").toString(), false, false);
        var items = ConductanceSweep.plan(List.of(text.toString()), examples, 3, layers);
        long n = out.write(sweep.table(), runner.rows(sweep, items, ConductanceSweep.Item.class), sweep.order(), "test");

        SavedModel m = SavedModel.load(text);
        Examples ex = ModelInputs.heldOut(m, null, "0-11", m.data());
        AttributionResult r = new LayerConductance(m.model()).layers(layers.toArray(new String[0])).pathFrom(ModelInputs.embeddingNode(m)).steps(5)
                .method(Quadrature.GAUSS_LEGENDRE).discretisation(Discretisation.JVP).target(TargetKind.LOGIT).maxRows(64).integratedGradients(false)
                .attribute(ex.x());
        Map<String, Row> byKey = new HashMap<>();
        for (Row row : read(out, "conductance")) byKey.put(row.getString(2) + "/" + row.getInt(3) + "/" + row.getInt(6), row);
        int expected = 0;
        for (String l : layers) {
            AttributionResult.Layer a = r.layer(l);
            Tensor cond = a.filterConductance(), act = AttributionResult.Layer.perFilter(a.activation());
            Tensor inf = AttributionResult.Layer.perFilter(a.internalInfluence());
            int c = cond.size(1);
            for (int i = 0; i < 12; i++) {
                for (int f = 0; f < c; f++, expected++) {
                    Row row = byKey.get(l + "/" + i + "/" + f);
                    assertEquals(bits(cond.data()[i * c + f]), bits(row.getFloat(7)), l + " sentence " + i + " filter " + f);
                    assertEquals(bits(inf.data()[i * c + f]), bits(row.getFloat(8)));
                    assertEquals(bits(act.data()[i * c + f]), bits(row.getFloat(10)));
                    assertEquals(bits(r.f()[i]), bits(row.getFloat(11)));
                    assertEquals(bits(r.fBaseline()[i]), bits(row.getFloat(12)));
                    assertEquals(r.classes()[i], row.getInt(5));
                    assertEquals(ex.labels()[i], row.getInt(4));
                    assertEquals(r.delta(l)[i], row.getDouble(14), 0.0);
                }
            }
        }
        assertEquals(expected, n);
        assertEquals(expected, byKey.size());

        // The test tells padding apart: the first item's sentences, padded to their own longest,
        // are shorter than the sweep's batch and give other numbers.
        Examples first = ModelInputs.heldOut(m, null, "0-2", m.data());
        assertTrue(first.x().size(1) < ex.x().size(1), first.x().size(1) + " vs " + ex.x().size(1) + " tokens");
        AttributionResult own = new LayerConductance(m.model()).layers("conv3.conv").pathFrom(ModelInputs.embeddingNode(m)).steps(5)
                .method(Quadrature.GAUSS_LEGENDRE).discretisation(Discretisation.JVP).target(TargetKind.LOGIT).maxRows(64).integratedGradients(false)
                .attribute(first.x());
        Tensor shortCond = own.layer("conv3.conv").filterConductance(), longCond = r.layer("conv3.conv").filterConductance();
        boolean differs = false;
        for (int k = 0; k < shortCond.numel(); k++) differs |= shortCond.data()[k] != longCond.data()[k];
        assertTrue(differs, "padding to another length changes conductance");
    }

    @Test void ablationRowsEqualSingleUnitScores() {
        List<Row> rows = ablationSweep("abl", Ablation.Mode.ZERO);
        SavedModel m = SavedModel.load(ck);
        Tensor x = heldOut(m, "0-5").x();
        Tensor logits = logits(m, x);
        int[] cls = F.argmax(logits);
        float[][] single = new Ablation(m.model(), "inception3a").singleUnitScores(x, cls);   // [filter][example]
        assertEquals(single.length * 6, rows.size());
        for (Row row : rows) {
            int i = row.<Integer>getAs("example"), f = row.<Integer>getAs("filter");
            assertEquals("zero", row.getAs("mode"));
            assertEquals(cls[i], row.<Integer>getAs("class"));
            assertEquals(bits(logits.get(i, cls[i])), bits(row.<Float>getAs("logit")));
            assertEquals(bits(single[f][i]), bits(row.<Float>getAs("ablated_logit")), "example " + i + " filter " + f);
        }
    }

    /**
     * Baseline patching: each row against what 'galvani ablate --mode baseline --indices 0-5
     * --filters F' computes (AblationEffects: the predicted class's logit after patching filter F
     * to its value at the all-zero image), for every filter, bit for bit.
     */
    @Test void baselineAblationRowsEqualTheAblateCommandsNumbers() {
        List<Row> rows = ablationSweep("abl-baseline", Ablation.Mode.BASELINE);
        SavedModel m = SavedModel.load(ck);
        Tensor x = heldOut(m, "0-5").x();
        Ablation ab = new Ablation(m.model(), "inception3a").zeroBaseline(x);
        int filters = ab.units(x);
        Map<Integer, AblationEffects> byFilter = new HashMap<>();
        for (int f = 0; f < filters; f++) {
            byFilter.put(f, AblationEffects.measure(ab, m.model(), x, AblationEffects.same(6, f), List.of("0", "1", "2", "3", "4", "5"), List.of()));
        }
        assertEquals(filters * 6, rows.size());
        int changed = 0;
        for (Row row : rows) {
            int i = row.<Integer>getAs("example"), f = row.<Integer>getAs("filter");
            AblationEffects.Effect e = byFilter.get(f).effects().get(i);
            assertEquals("baseline", row.getAs("mode"));
            assertEquals(e.predicted(), row.<Integer>getAs("class"));
            assertEquals(bits(e.logitBefore()), bits(row.<Float>getAs("logit")));
            assertEquals(bits(e.logitAfter()), bits(row.<Float>getAs("ablated_logit")), "example " + i + " filter " + f);
            if (e.logitAfter() != e.logitBefore()) changed++;
        }
        assertTrue(changed > rows.size() / 2, "patching changes most logits: " + changed + " of " + rows.size());
        // the test tells the modes apart: at this layer the baseline's activations are not all zero
        float[] base = ab.activations(Tensor.zeros(1, 1, 28, 28)).data();
        int nonzero = 0;
        for (float v : base) if (v != 0) nonzero++;
        assertTrue(nonzero > base.length / 10, nonzero + " of " + base.length + " baseline activations are not zero");
    }

    @Test void selectivityGroupsEqualTheStudys() {
        var cfg = new SelectivityStudy.Config(3, 400, 150, 2, 1, LogisticRegression.Penalty.L2, 1e-4, true, 1);
        var sweep = new SelectivitySweep(cfg);
        Output out = new Output(spark, dir.resolve("sel").toString(), false, false);
        sweep.run(runner, out, List.of(new SelectivitySweep.LayerItem(0, "inception", ck.toString(), "inception3a")));

        SavedModel m = SavedModel.load(ck);
        Splits.Split<ImageDataset> im = Splits.images(m.data(), null);
        SelectivityStudy.LayerResult r = SelectivityStudy.run(m.model(), im.train(), im.heldOut(), "inception3a", cfg);
        List<Row> rows = new ArrayList<>(read(out, "selectivity_groups"));
        rows.sort((a, b) -> a.getInt(3) != b.getInt(3) ? Integer.compare(a.getInt(3), b.getInt(3)) : Integer.compare(a.getInt(4), b.getInt(4)));
        assertEquals(r.groups().size(), rows.size());
        for (int g = 0; g < rows.size(); g++) {
            SelectivityStudy.Group e = r.groups().get(g);
            Row row = rows.get(g);
            assertEquals(e.siBin(), row.getInt(3));
            assertEquals(e.aBin(), row.getInt(4));
            assertEquals(e.units().length, row.getInt(5));
            assertEquals(e.meanSI(), row.getDouble(7), 0.0);
            assertEquals(e.meanA(), row.getDouble(8), 0.0);
            assertEquals(e.deficit(), row.getDouble(9), 0.0);
            if (Double.isNaN(e.preferredDeficit())) assertNull(row.get(10));
            else assertEquals(e.preferredDeficit(), row.getDouble(10), 0.0);
            assertEquals(r.baseline(), row.getDouble(11), 0.0);
        }
        List<Row> reg = read(out, "selectivity_regression");
        double r2 = reg.stream().filter(x -> x.getString(2).equals("SI + A + SI:A")).findFirst().orElseThrow().getDouble(7);
        assertEquals(r.overall().full().r2(), r2, 0.0);
        assertEquals(r.units(), read(out, "selectivity_units").size());
    }

    @Test void interactionsEqualTheStudysPerSampleNumbers() {
        List<String> layers = List.of("conv2", "inception3a");
        var cfg = new InteractionSweep.Config(layers, 4, 4, AndOrDecomposition.Solver.PRIMAL_DUAL, 40, 1e-4, 300, 256, 256, 0);
        var sweep = new InteractionSweep(cfg);
        Output out = new Output(spark, dir.resolve("int").toString(), false, false);
        long n = sweep.run(runner, out, List.of(ck.toString()), new int[] {0, 1, 2}, 2);

        SavedModel m = SavedModel.load(ck);
        Splits.Split<ImageDataset> im = Splits.images(m.data(), null);
        Map<String, LinearReadout> ro = LinearReadout.train(m.model(), im.train(), im.heldOut(), layers,
                LinearReadout.Options.defaults().withExamples(300, LinearReadout.Options.defaults().testExamples()).withMaxBytes(256L << 20));
        Players p = Players.patches(28, 28, 4, 4, 4, 0);
        List<LayerwiseInteractions.Sample> samples = List.of(InteractionStudy.sample(im.heldOut(), 0, p), InteractionStudy.sample(im.heldOut(), 1, p),
                InteractionStudy.sample(im.heldOut(), 2, p));
        var opt = new LayerwiseInteractions.Options(null, 256, AndOrDecomposition.Options.defaults()
                .withSolver(AndOrDecomposition.Solver.PRIMAL_DUAL).withLr(1e-4).withIterations(40));
        LayerwiseInteractions.Result r = LayerwiseInteractions.run(m.model(), samples, ro, opt);
        assertEquals(3L * 3 * 3 * 16, n); // samples x layers (with the output) x kinds x subsets
        for (Row row : read(out, "interactions")) {
            int s = row.getInt(2), t = row.getInt(7);
            String layer = row.getString(4), kind = row.getString(6);
            LayerwiseInteractions.LayerGame g = r.samples().get(s).get(layer);
            Interactions x = kind.equals("harsanyi") ? g.harsanyi() : g.decomposed();
            double want = kind.equals("or") ? x.or()[t] : x.and()[t];
            assertEquals(want, row.getDouble(9), 0.0, kind + " " + layer + " sample " + s + " subset " + t);
        }
        for (Row row : read(out, "interaction_readouts")) assertEquals(ro.get(row.getString(1)).heldOutAccuracy(), row.getDouble(2), 0.0);
    }
}
