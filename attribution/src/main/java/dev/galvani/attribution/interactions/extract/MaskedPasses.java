package dev.galvani.attribution.interactions.extract;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.autodiff.Grad;
import dev.galvani.engine.nn.CachedRun;
import dev.galvani.engine.nn.Hook;
import dev.galvani.engine.nn.Module;
import dev.galvani.engine.nn.NamedHook;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * All {@code 2^n} masked samples of one example as batched forward passes (docs/methods.md §3.1): masking
 * is a graph transformation, not a copy of the input per subset in user code. The example is
 * repeated per subset and a hook on the masking node (the input, or a named node such as a text
 * model's embedding) replaces its value by {@code b + m_T ⊙ (v − b)}. Every requested layer's
 * output is captured in the same passes, position-pooled (mean over spatial or time positions)
 * to one feature per unit, so the layerwise classifiers all reuse one sweep.
 */
public final class MaskedPasses {
    private MaskedPasses() {}

    /** Pooled features per layer, [2^n, units] row-major by subset bitmask, and the final logits. */
    public record Features(int players, Map<String, float[]> perLayer, Map<String, Integer> units, float[] logits, int classes) {}

    /**
     * @param x        one example, [1, ...]
     * @param maskNode null to mask the model input; else a node whose output is [1, positions, ...]
     *                 (text: the embedding, [1, T, D]) — masked positions get the baseline (zero)
     * @param maxRows  most subsets per forward pass (the memory bound)
     */
    public static Features run(Module model, Tensor x, Players players, String maskNode, List<String> layers, int maxRows,
                               long maxBytes) {
        int n = players.count();
        long subsets = 1L << n;
        Map<String, float[]> feats = new LinkedHashMap<>();
        Map<String, Integer> units = new LinkedHashMap<>();
        float[] logits = null;
        int classes = 0;
        try (Module.Mode e = model.evaluating(); Grad.Scope g = Grad.off()) {
            for (long s0 = 0; s0 < subsets; s0 += maxRows) {
                long s1 = Math.min(subsets, s0 + maxRows);
                int rows = (int) (s1 - s0);
                Tensor input;
                NamedHook[] mask = {};
                if (maskNode == null) {
                    input = maskInput(x.toHost(), players, s0, s1).to(model.device());
                } else {
                    input = x.to(model.device()).tile(rows);
                    long from = s0, to = s1;
                    Hook masking = (name, v) -> maskPositions(v, players, from, to);
                    mask = new NamedHook[] {masking.at(maskNode)};
                }
                CachedRun run = model.runWithCache(input, layers, mask);
                Map<String, Tensor> cache = run.cache();
                Tensor out = run.output();
                if (logits == null) {
                    classes = out.size(1);
                    long need = subsets * 4L * classes;
                    for (String l : layers) {
                        int u = cache.get(l).size(1);
                        units.put(l, u);
                        need += subsets * 4L * u;
                    }
                    if (need > maxBytes) {
                        throw new GalvaniException(n + " variables need " + (need >> 20) + " MiB of features for " + subsets
                                + " masked samples, more than the memory bound of " + (maxBytes >> 20) + " MiB; use fewer variables or raise --max-memory");
                    }
                    logits = new float[(int) (subsets * classes)];
                    for (String l : layers) feats.put(l, new float[(int) (subsets * units.get(l))]);
                }
                System.arraycopy(out.toHost().data(), 0, logits, (int) (s0 * classes), rows * classes);
                for (String l : layers) {
                    float[] pooled = dev.galvani.attribution.activations.LayerActivations.pool(cache.get(l), dev.galvani.attribution.activations.LayerActivations.Pooling.MEAN);
                    System.arraycopy(pooled, 0, feats.get(l), (int) (s0 * units.get(l)), pooled.length);
                }
            }
        }
        return new Features(n, feats, units, logits, classes);
    }

    /** x [1, C, H, W] to [rows, C, H, W] with masked players at zero (the baseline, in normalised space). */
    static Tensor maskInput(Tensor x, Players players, long s0, long s1) {
        int rows = (int) (s1 - s0), c = x.size(1), hw = x.numel() / c;
        float[] keep = players.keepMasks(s0, s1, hw);
        float[] d = x.data(), o = new float[rows * c * hw];
        for (int r = 0; r < rows; r++) {
            for (int ch = 0; ch < c; ch++) {
                int src = ch * hw, dst = (r * c + ch) * hw;
                for (int p = 0; p < hw; p++) o[dst + p] = d[src + p] * keep[r * hw + p];
            }
        }
        int[] s = x.shape();
        s[0] = rows;
        return new Tensor(o, s);
    }

    /** A node output [rows, T, ...]: positions along axis 1 of masked players become zero (the padding embedding). */
    static Tensor maskPositions(Tensor v, Players players, long s0, long s1) {
        int rows = (int) (s1 - s0), t = v.size(1), per = v.numel() / (rows * t);
        float[] keep = players.keepMasks(s0, s1, t);
        int[] ms = new int[v.dim()];
        java.util.Arrays.fill(ms, 1);
        ms[0] = rows;
        ms[1] = t;
        return v.mul(new Tensor(keep, ms).to(v.device()));
    }

}
