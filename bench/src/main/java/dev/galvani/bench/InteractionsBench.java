package dev.galvani.bench;

import dev.galvani.attribution.conductance.RowBudget;
import dev.galvani.attribution.interactions.AndOrDecomposition;
import dev.galvani.attribution.interactions.extract.MaskedPasses;
import dev.galvani.attribution.interactions.extract.LayerwiseInteractions;
import dev.galvani.attribution.interactions.extract.Players;
import dev.galvani.attribution.interactions.extract.Readout;
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
 * The whole interaction extraction for one sample (2^n masked passes capturing three layers,
 * readouts, AND-OR decomposition at every layer) against one plain batched forward of 2^n samples,
 * timed in the same run. Goal of the issue: the extraction costs at most 1.2x that forward.
 */
public final class InteractionsBench {
    private InteractionsBench() {}

    public record Row(int players, double forwardSeconds, double extractionSeconds, double ratio) {}

    public static Row run(int n, int iterations, int maxRows) {
        Module net = ModelZoo.create("inception", Map.of());
        net.eval();
        Tensor x = Tensor.randn(new Rng(0), 1f, 1, 1, 28, 28);
        Players p = Players.patches(28, 28, 4, 4, n, 0);
        List<String> layers = List.of("inception3a", "inception3b", "inception4a");
        Map<String, Readout> ro = new LinkedHashMap<>();
        Rng rng = new Rng(1);
        for (String l : layers) {
            // a fixed random linear readout stands in for a trained one: same cost
            float[] w = new float[1024 * 10];
            for (int i = 0; i < w.length; i++) w[i] = (float) rng.gaussian();
            ro.put(l, (f, rows, y) -> {
                int d = f.length / rows;
                float[] z = new float[rows * 10];
                for (int r = 0; r < rows; r++) for (int c = 0; c < 10; c++) {
                    float s = 0;
                    for (int j = 0; j < d; j++) s += f[r * d + j] * w[c * d + j % 1024];
                    z[r * 10 + c] = s * 0.01f;
                }
                return Readout.logits().logOdds(z, rows, y);
            });
        }
        var opt = new LayerwiseInteractions.Options(null, maxRows, 4L << 30, AndOrDecomposition.Options.defaults().withIterations(iterations).withLr(1e-4));
        if (maxRows <= 0) maxRows = RowBudget.rows(net, x, 1, MaskedPasses.DEFAULT_ROWS);   // as the extraction derives it
        int rows = 1 << n;
        Tensor all = x.tile(rows);
        // warm-up both
        forward(net, all, maxRows);
        LayerwiseInteractions.run(net, List.of(new LayerwiseInteractions.Sample(x, 3, p)), layers, ro, opt);
        long t0 = System.nanoTime();
        forward(net, all, maxRows);
        double fwd = (System.nanoTime() - t0) / 1e9;
        t0 = System.nanoTime();
        LayerwiseInteractions.run(net, List.of(new LayerwiseInteractions.Sample(x, 3, p)), layers, ro, opt);
        double ext = (System.nanoTime() - t0) / 1e9;
        return new Row(n, fwd, ext, ext / fwd);
    }

    private static void forward(Module net, Tensor all, int maxRows) {
        try (Grad.Scope g = Grad.off()) {
            for (int s = 0; s < all.size(0); s += maxRows) net.call(all.rows(s, Math.min(all.size(0), s + maxRows)));
        }
    }

    /** Rows as JSON: per player count, the batched forward's and the extraction's seconds and their ratio, and the machine. */
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
            m.put("extraction_seconds", r.extractionSeconds());
            m.put("ratio", r.ratio());
            out.add(m);
        }
        j.put("rows", out);
        return j;
    }

    public static String format(Row r) {
        return String.format(Locale.ROOT, "n = %d: one batched forward of %d samples %.2f s, whole extraction (3 layers + output) %.2f s, ratio %.2f (jdk %s)",
                r.players(), 1 << r.players(), r.forwardSeconds(), r.extractionSeconds(), r.ratio(), Runtime.version());
    }
}
