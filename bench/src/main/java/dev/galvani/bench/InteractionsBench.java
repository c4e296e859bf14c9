package dev.galvani.bench;

import dev.galvani.attribution.interactions.AndOrDecomposition;
import dev.galvani.attribution.interactions.Moebius;
import dev.galvani.attribution.interactions.extract.LayerwiseInteractions;
import dev.galvani.attribution.interactions.extract.LinearReadout;
import dev.galvani.attribution.interactions.extract.MaskedPasses;
import dev.galvani.attribution.interactions.extract.Players;
import dev.galvani.attribution.activations.LayerActivations;
import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.autodiff.Grad;
import dev.galvani.engine.nn.Module;
import dev.galvani.models.ModelZoo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The two costs of an interaction study, each against a peer timed in the same run:
 * <ul>
 * <li>the {@code 2^n} masked passes of one sample read out at three layers (flattened features)
 * and at the output, against one plain batched forward of {@code 2^n} samples;</li>
 * <li>the AND-OR decomposition of one game with the fast transforms, against the reference
 * implementation's dense {@code 2^n x 2^n} matrix products (per SGD iteration; the dense loop is
 * timed over fewer iterations), and the primal-dual solver over as many iterations.</li>
 * </ul>
 */
public final class InteractionsBench {
    private InteractionsBench() {}

    public record Row(int players, double forwardSeconds, double passesSeconds, int iterations, double decompositionSeconds,
                      double fastIterationSeconds, double denseIterationSeconds, double primalDualSeconds) {}

    public static Row run(int n, int iterations, int maxRows) {
        Module net = ModelZoo.create("inception", Map.of());
        net.eval();
        Tensor x = Tensor.randn(new Rng(0), 1f, 1, 1, 28, 28);
        Players p = Players.patches(28, 28, 4, 4, n, 0);
        Map<String, LinearReadout> ro = new LinkedHashMap<>();
        Rng rng = new Rng(1);
        // random flattened readouts stand in for trained ones: the same cost
        Map<String, Integer> features = Map.of("inception3a", 112 * 14 * 14, "inception3b", 160 * 14 * 14, "inception4a", 224 * 7 * 7);
        for (String l : List.of("inception3a", "inception3b", "inception4a")) {
            float[] w = new float[10 * features.get(l)];
            for (int i = 0; i < w.length; i++) w[i] = (float) (0.01 * rng.gaussian());
            ro.put(l, LinearReadout.of(l, LayerActivations.Pooling.NONE, w, new float[10]));
        }
        int rows = 1 << n;
        Tensor all = x.tile(rows);
        forward(net, all, maxRows);                                     // warm-up
        MaskedPasses.games(net, x, 3, p, null, null, ro, maxRows);
        long t0 = System.nanoTime();
        forward(net, all, maxRows);
        double fwd = (System.nanoTime() - t0) / 1e9;
        t0 = System.nanoTime();
        Map<String, double[]> games = MaskedPasses.games(net, x, 3, p, null, null, ro, maxRows);
        double passes = (System.nanoTime() - t0) / 1e9;

        double[] v = games.get(LayerwiseInteractions.OUTPUT);
        AndOrDecomposition.Options o = AndOrDecomposition.Options.defaults().withIterations(iterations);
        AndOrDecomposition.decompose(v, o.withIterations(Math.min(iterations, 2000)));   // warm-up
        t0 = System.nanoTime();
        AndOrDecomposition.decompose(v, o);
        double dec = (System.nanoTime() - t0) / 1e9;
        AndOrDecomposition.Options pd = o.withSolver(AndOrDecomposition.Solver.PRIMAL_DUAL);
        AndOrDecomposition.decompose(v, pd.withIterations(Math.min(iterations, 2000)));  // warm-up
        t0 = System.nanoTime();
        AndOrDecomposition.decompose(v, pd);
        double primalDual = (System.nanoTime() - t0) / 1e9;
        int denseIterations = Math.max(1, Math.min(iterations, (int) (2e9 / (4.0 * rows * rows))));
        denseLoop(v, Math.max(1, denseIterations / 10));                 // warm-up
        t0 = System.nanoTime();
        denseLoop(v, denseIterations);
        double dense = (System.nanoTime() - t0) / 1e9 / denseIterations;
        return new Row(n, fwd, passes, iterations, dec, dec / iterations, dense, primalDual);
    }

    /** The reference's iteration with dense matrices: two products for the interactions, two transposed for the gradient. */
    static double denseLoop(double[] v, int iterations) {
        int size = v.length;
        double[][] and = dense(size, true), or = dense(size, false);
        double[] p = new double[size], q = new double[size], a = new double[size], b = new double[size];
        double[] ia = new double[size], io = new double[size], ga = new double[size], go = new double[size];
        double loss = 0;
        for (int it = 0; it < iterations; it++) {
            for (int t = 0; t < size; t++) {
                a[t] = 0.5 * (v[t] + q[t]) + p[t];
                b[t] = 0.5 * (v[t] + q[t]) - p[t];
            }
            times(and, a, ia);
            times(or, b, io);
            loss = 0;
            for (int s = 0; s < size; s++) loss += Math.abs(ia[s]) + Math.abs(io[s]);
            for (int s = 0; s < size; s++) {
                ia[s] = Math.signum(ia[s]);
                io[s] = Math.signum(io[s]);
            }
            transposeTimes(and, ia, ga);
            transposeTimes(or, io, go);
            for (int t = 0; t < size; t++) {
                p[t] -= 1e-5 * (ga[t] - go[t]);
                q[t] -= 1e-5 * 0.5 * (ga[t] + go[t]);
            }
        }
        return loss;
    }

    /** The AND (or OR) transform as a dense matrix, column by column from the fast transform of unit vectors. */
    private static double[][] dense(int size, boolean and) {
        double[][] m = new double[size][size];
        double[] e = new double[size];
        for (int t = 0; t < size; t++) {
            java.util.Arrays.fill(e, 0);
            e[t] = 1;
            if (and) Moebius.subset(e);
            else Moebius.or(e, e);
            for (int s = 0; s < size; s++) m[s][t] = e[s];
        }
        return m;
    }

    private static void times(double[][] m, double[] x, double[] y) {
        for (int i = 0; i < m.length; i++) {
            double s = 0;
            double[] row = m[i];
            for (int j = 0; j < x.length; j++) s += row[j] * x[j];
            y[i] = s;
        }
    }

    private static void transposeTimes(double[][] m, double[] x, double[] y) {
        java.util.Arrays.fill(y, 0);
        for (int i = 0; i < m.length; i++) {
            double xi = x[i];
            double[] row = m[i];
            for (int j = 0; j < y.length; j++) y[j] += row[j] * xi;
        }
    }

    private static void forward(Module net, Tensor all, int maxRows) {
        try (Grad.Scope g = Grad.off()) {
            for (int s = 0; s < all.size(0); s += maxRows) net.call(all.rows(s, Math.min(all.size(0), s + maxRows)));
        }
    }

    /**
     * Rows as JSON: per player count, the masked passes against one batched forward, and the
     * decomposition's fast transforms against the dense matrices and the primal-dual solver; with the machine.
     */
    public static Map<String, Object> json(List<Row> rows, int iterations) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("benchmark", "interactions");
        j.put("iterations", iterations);
        j.put("machine", Machine.describe());
        List<Object> out = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("players", r.players());
            m.put("samples", 1 << r.players());
            m.put("forward_seconds", r.forwardSeconds());
            m.put("passes_seconds", r.passesSeconds());
            m.put("passes_ratio", r.passesSeconds() / r.forwardSeconds());
            m.put("decomposition_seconds", r.decompositionSeconds());
            m.put("fast_iteration_seconds", r.fastIterationSeconds());
            m.put("dense_iteration_seconds", r.denseIterationSeconds());
            m.put("dense_over_fast", r.denseIterationSeconds() / r.fastIterationSeconds());
            m.put("primal_dual_seconds", r.primalDualSeconds());
            out.add(m);
        }
        j.put("rows", out);
        return j;
    }

    public static String format(Row r) {
        return String.format(Locale.ROOT, "n = %d: masked passes read out at 3 layers + output %.2f s vs one batched forward of %d samples %.2f s "
                        + "(ratio %.2f); AND-OR decomposition, %d iterations: %.2f s, %.1f µs per iteration vs %.1f µs with dense matrices "
                        + "(%.0fx faster); primal-dual, as many iterations: %.2f s (jdk %s)",
                r.players(), r.passesSeconds(), 1 << r.players(), r.forwardSeconds(), r.passesSeconds() / r.forwardSeconds(), r.iterations(),
                r.decompositionSeconds(), r.fastIterationSeconds() * 1e6, r.denseIterationSeconds() * 1e6,
                r.denseIterationSeconds() / r.fastIterationSeconds(), r.primalDualSeconds(), Runtime.version());
    }
}
