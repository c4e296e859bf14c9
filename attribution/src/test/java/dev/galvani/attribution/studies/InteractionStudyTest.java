package dev.galvani.attribution.studies;

import dev.galvani.attribution.activations.LayerActivations.Pooling;
import dev.galvani.attribution.interactions.AndOrDecomposition;
import dev.galvani.attribution.interactions.AndOrDecomposition.Solver;
import dev.galvani.attribution.interactions.Interactions;
import dev.galvani.attribution.interactions.extract.LayerwiseInteractions;
import dev.galvani.attribution.interactions.extract.LayerwiseInteractions.Sample;
import dev.galvani.attribution.interactions.extract.LinearReadout;
import dev.galvani.attribution.interactions.extract.Players;
import dev.galvani.engine.F;
import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.HookPoint;
import dev.galvani.engine.nn.Module;
import dev.galvani.models.data.ImageDataset;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The interaction study on nets and games whose answers are known by hand. */
class InteractionStudyTest {
    /** logits = [sign · Σ pixels, 0] on a 4x4 image: an additive game over patches; 'feat' is the image itself. */
    static final class SumNet extends Module {
        final Module feat = add("feat", new HookPoint());
        final float sign;

        SumNet(float sign) {
            this.sign = sign;
        }

        @Override protected Tensor forward(Tensor x) {
            Tensor s = feat.call(x).reshape(x.size(0), -1).sum(true, 1).mul(sign);        // [R, 1]
            return F.concat(1, s, s.mul(0f));
        }
    }

    private static final Players CELLS = Players.patches(4, 4, 2, 2, 4, 0);   // the four 2x2 cells

    private static Sample sample(long seed) {
        Rng rng = new Rng(seed);
        float[] px = new float[16];
        for (int i = 0; i < 16; i++) px[i] = (float) (0.5 + rng.uniform());
        return new Sample(Tensor.of(px, 1, 1, 4, 4), 0, CELLS);
    }

    /** A readout at 'feat' with class-0 weight {@code w} on every pixel and class 1 at zero. */
    private static LinearReadout uniform(float w) {
        float[] weight = new float[32];
        for (int k = 0; k < 16; k++) weight[k] = w;
        return LinearReadout.of("feat", Pooling.NONE, weight, new float[2]);
    }

    private static InteractionStudy.Config config(int noiseDraws) {
        AndOrDecomposition.Options d = AndOrDecomposition.Options.defaults().withSolver(Solver.PRIMAL_DUAL).withIterations(4000);
        return new InteractionStudy.Config(null, 16, d, noiseDraws, 0.1, 0.05, 3);
    }

    @Test void aLayerReadingOutWhatTheHeadComputesLosesAndGainsNothing() {
        List<Sample> samples = List.of(sample(1), sample(2));
        // the readout at 'feat' gives v = Σ kept pixels, as the head does: the same games, the same interactions
        InteractionStudy.Result r = InteractionStudy.run(new SumNet(1), null, samples, Map.of("feat", uniform(1)), config(0));
        var ch = r.main().change();
        assertEquals(List.of("feat", LayerwiseInteractions.OUTPUT), r.main().layers());
        assertEquals(1, ch.completeness(0), 1e-9);
        assertEquals(0, ch.redundancy(0), 1e-9);
        assertEquals(0, ch.newInteractions(1), 1e-9);
        assertEquals(0, ch.forgotten(1), 1e-9);
        // an additive game with v(∅) = 0: the optimum is v(N) − β, β = 0.04 v(N) (q = −β v / v(N) shrinks every
        // singleton; λ = e_N is a dual certificate). The optimum is not unique (AND {i,j} + OR {i,j} costs what the two
        // singletons cost), so its value is checked, not which terms carry it.
        for (int i = 0; i < samples.size(); i++) {
            LayerwiseInteractions.LayerGame g = r.main().samples().get(i).get("feat");
            double vN = g.values()[15];
            assertEquals(0.96 * vN, g.decomposition().finalLoss(), 1e-3 * vN, "sample " + i);
        }
        // |v(N) − v(∅)| is the sum of the players' pixels (every pixel belongs to a cell here)
        double range = 0;
        for (Sample s : samples) for (float p : s.x().data()) range += p / samples.size();
        InteractionStudy.LayerRow feat = InteractionStudy.layerRows(r).get(0);
        assertEquals(range, feat.valueRange(), 1e-4);
        assertTrue(feat.features().contains("16 (flattened)"), feat.features());
        assertEquals(4, feat.salientHarsanyi(), 1e-12, "the plain dividends: the four singletons");
    }

    @Test void aLayerReadingOutTheOppositeIsAllRedundantAndAllForgotten() {
        List<Sample> samples = List.of(sample(4));
        // v_feat = −v_out exactly, and the decomposition is odd in v, so every interaction flips sign
        InteractionStudy.Result r = InteractionStudy.run(new SumNet(1), null, samples, Map.of("feat", uniform(-1)), config(0));
        Interactions feat = r.main().decomposed("feat").get(0), out = r.main().decomposed(LayerwiseInteractions.OUTPUT).get(0);
        for (int s = 0; s < feat.subsets(); s++) {
            assertEquals(-out.and()[s], feat.and()[s], 1e-12);
            assertEquals(-out.or()[s], feat.or()[s], 1e-12);
        }
        var ch = r.main().change();
        assertEquals(0, ch.completeness(0), 1e-12);
        assertEquals(1, ch.redundancy(0), 1e-9);
        assertEquals(out.l1(), ch.newInteractions(1), 1e-9);
        assertEquals(feat.l1(), ch.forgotten(1), 1e-9);
    }

    @Test void generalisationIsOneWithTheSameNetAndZeroWithItsOpposite() {
        List<Sample> samples = List.of(sample(5), sample(6));
        InteractionStudy.Result same = InteractionStudy.run(new SumNet(1), new SumNet(1), samples, Map.of(), config(0));
        InteractionStudy.Result opposite = InteractionStudy.run(new SumNet(1), new SumNet(-1), samples, Map.of(), config(0));
        for (int k = 0; k <= 4; k++) {
            if (!Double.isNaN(same.generalisation()[k])) assertEquals(1, same.generalisation()[k], 1e-12, "order " + k);
            if (!Double.isNaN(opposite.generalisation()[k])) assertEquals(0, opposite.generalisation()[k], 1e-12, "order " + k);
        }
        assertFalse(Double.isNaN(same.generalisation()[1]), "singletons carry the game");
    }

    @Test void noiseIsScaledToTheInputAndStabilityIsMeasuredAtEveryLayer() {
        Tensor big = Tensor.randn(new Rng(7), 3f, 1, 1, 100, 100);
        Sample s = new Sample(big, 0, Players.patches(100, 100, 2, 2, 4, 0));
        Tensor noise = InteractionStudy.withNoise(new SumNet(1), s, null, 0.1, new Rng(8)).noise();
        double ss = 0;
        for (float f : noise.data()) ss += (double) f * f;
        assertEquals(0.3, Math.sqrt(ss / noise.numel()), 0.01, "RMS 0.1 x the input's RMS of 3");

        InteractionStudy.Result r = InteractionStudy.run(new SumNet(1), null, List.of(sample(9), sample(10)), Map.of("feat", uniform(1)), config(3));
        assertEquals(List.of("feat", LayerwiseInteractions.OUTPUT), new ArrayList<>(r.stability().keySet()));
        // the singletons are the cells' noisy sums: |mean|/std is large but finite (noise 0.1 of the pixels' RMS)
        for (double[] st : r.stability().values()) assertTrue(st[1] > 3 && Double.isFinite(st[1]), "order-1 stability " + st[1]);
        // the same games at both layers, the same draws: the same stability
        assertArrayEquals(r.salientStability().get("feat"), r.salientStability().get(LayerwiseInteractions.OUTPUT), 1e-9);
    }

    @Test void stabilityGroupsEachSamplesDrawsAndSelectsTheCleanSamplesSalientTerms() {
        // two samples x two draws of a 1-player game: AND {0} = 1, 3 (sample 0) and 10, 10.5 (sample 1)
        List<Map<String, double[]>> values = new ArrayList<>();
        for (double[] v : new double[][] {{0, 1}, {0, 3}, {0, 10}, {0, 10.5}}) values.add(Map.of("l", v));
        AndOrDecomposition.Options o = AndOrDecomposition.Options.defaults().withMerge(AndOrDecomposition.Merge.ORDER_AT_MOST_ONE)
                .withQBound(0).withIterations(1);
        LayerwiseInteractions.Result noisy = new LayerwiseInteractions.Result(List.of("l"), LayerwiseInteractions.decomposeAll(values, o));
        double[] st = InteractionStudy.stabilityByOrder(noisy, null, 2, 0.05).get("l");
        // with p = q = 0 and the merge, AND {0} = v({0}) − v(∅): |mean|/std = 2/√2 and 10.25/(0.5/√2)
        assertEquals((2 / Math.sqrt(2) + 10.25 / (0.5 / Math.sqrt(2))) / 2, st[1], 1e-9);
        assertTrue(Double.isNaN(st[0]), "the empty set never varies here");
    }

    @Test void aFlattenedReadoutLearnsWhereTheEvidenceIsAndPoolingCannot() {
        // class 0: a bright top-left pixel; class 1: a bright bottom-right one; same mean, so pooling loses the class
        int n = 400;
        float[] px = new float[n * 4];
        int[] y = new int[n];
        Rng rng = new Rng(11);
        for (int i = 0; i < n; i++) {
            y[i] = i % 2;
            for (int k = 0; k < 4; k++) px[i * 4 + k] = (float) (0.1 * rng.gaussian());
            px[i * 4 + (y[i] == 0 ? 0 : 3)] += 2;
        }
        ImageDataset data = new ImageDataset("corners", px, y, 2, 2, List.of("top-left", "bottom-right"), 0, 1);
        LinearReadout.Options o = LinearReadout.Options.defaults().withExamples(300, 100).withEpochs(30);
        Module net = new SumNet(1);
        LinearReadout flat = LinearReadout.train(net, data, data, "feat", o);
        assertEquals(Pooling.NONE, flat.pooling());
        assertEquals(4, flat.features());
        assertEquals(1.0, flat.heldOutAccuracy(), 1e-12);
        LinearReadout pooled = LinearReadout.train(net, data, data, "feat", o.withMaxBytes(100));
        assertEquals(Pooling.MEAN, pooled.pooling(), "over the memory bound: the documented fallback");
        assertTrue(pooled.heldOutAccuracy() < 0.7, "pooled accuracy " + pooled.heldOutAccuracy());

        // readout -> v(S): the log-odds of the true class from the readout's own logits
        Tensor x = data.batch(new int[] {0, 1}).x();
        float[] z = flat.logits(x).data();
        double[] v = flat.logOdds(x, 0);
        assertEquals(z[0] - z[1], v[0], 1e-6);
        assertEquals(z[2] - z[3], v[1], 1e-6);
        assertTrue(v[0] > 0 && v[1] < 0, "right: " + v[0] + ", " + v[1]);
    }
}
