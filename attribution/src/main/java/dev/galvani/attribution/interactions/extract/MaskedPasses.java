package dev.galvani.attribution.interactions.extract;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.autodiff.Grad;
import dev.galvani.engine.nn.CachedRun;
import dev.galvani.engine.nn.Hook;
import dev.galvani.engine.nn.Module;
import dev.galvani.engine.nn.NamedHook;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * All {@code 2^n} masked samples of one example as batched forward passes (docs/methods.md
 * §3.1), read out at every layer in the same passes: masking is a graph transformation, not a
 * copy of the input per subset in user code. The example is repeated per subset and a hook on the
 * masking node (the input, or a named node such as a text model's embedding) replaces its value
 * by {@code m_T ⊙ (x + ε)}: the baseline is zero there (the normalised input's mean, or the
 * padding embedding), and {@code ε} is optional Gaussian noise for the stability test. Each
 * layer's output in a chunk goes straight through its readout, so no layer's features for all
 * {@code 2^n} samples are ever held. The passes run on the model's device; the masks are built,
 * and the readouts read, on the host.
 */
public final class MaskedPasses {
    private MaskedPasses() {}

    /**
     * The values {@code v^(l)(x_T)} of one example for every subset {@code T} (bitmask index),
     * per readout layer in map order and then at the net's own output ({@link LayerwiseInteractions#OUTPUT}).
     *
     * @param x        one example, [1, ...]
     * @param maskNode null to mask the model input; else a node whose output is [1, positions, ...]
     *                 (text: the embedding, [1, T, D]) — masked positions get zero
     * @param noise    added to the masking node's value of the example before masking, or null; [1, ...] like that value
     * @param maxRows  most subsets per forward pass (the memory bound)
     */
    public static Map<String, double[]> games(Module model, Tensor x, int label, Players players, String maskNode, Tensor noise,
                                              Map<String, ? extends Readout> readouts, int maxRows) {
        if (maxRows < 1) throw new GalvaniException("--max-rows must be at least 1, got " + maxRows);
        int subsets = 1 << players.count();
        Map<String, double[]> values = new LinkedHashMap<>();
        for (String l : readouts.keySet()) values.put(l, new double[subsets]);
        double[] output = new double[subsets];
        try (Module.Mode mode = model.evaluating(); Grad.Scope g = Grad.off()) {
            for (int s0 = 0; s0 < subsets; s0 += maxRows) {
                int s1 = Math.min(subsets, s0 + maxRows);
                Tensor input;
                NamedHook[] mask = {};
                if (maskNode == null) {
                    input = mask(noise == null ? x.toHost() : x.toHost().add(noise), players, s0, s1, 2).to(model.device());
                } else {
                    input = x.to(model.device()).tile(s1 - s0);
                    int from = s0, to = s1;
                    Hook masking = (name, v) -> { // the masks are built on the host from one example's value
                        Tensor one = v.rows(0, 1).toHost();   // every row holds the same example
                        checkNoise(noise, one, maskNode);
                        return mask(noise == null ? one : one.add(noise), players, from, to, 1).to(v.device());
                    };
                    mask = new NamedHook[] {masking.at(maskNode)};
                }
                CachedRun run = model.runWithCache(input, readouts.keySet(), mask);
                for (Map.Entry<String, ? extends Readout> e : readouts.entrySet()) {
                    double[] v = e.getValue().logOdds(run.get(e.getKey()).toHost(), label); // readouts run on the host
                    System.arraycopy(v, 0, values.get(e.getKey()), s0, v.length);
                }
                double[] z = Readout.logits().logOdds(run.output().toHost(), label);
                System.arraycopy(z, 0, output, s0, z.length);
            }
        }
        values.put(LayerwiseInteractions.OUTPUT, output);
        for (Map.Entry<String, double[]> e : values.entrySet()) {
            for (int t = 0; t < subsets; t++) {
                if (!Double.isFinite(e.getValue()[t])) {
                    throw new GalvaniException("layer '" + e.getKey() + "': v(x_T) is " + e.getValue()[t] + " for subset " + t
                            + " (the readout's log-odds overflowed)");
                }
            }
        }
        return values;
    }

    private static void checkNoise(Tensor noise, Tensor one, String node) {
        if (noise != null && !Arrays.equals(noise.shape(), one.shape())) {
            throw new GalvaniException("noise of shape " + noise.shapeString() + " does not fit node '" + node + "' of shape " + one.shapeString());
        }
    }

    /**
     * One example [1, A, B, ...] repeated for the subsets {@code from..to-1}, with the positions of
     * absent players set to zero. Positions run over the axes from {@code positionAxis} on, after
     * the channel axis of an image ({@code positionAxis} 2: [1, C, H, W], positions H·W) or before
     * the feature axis of a sequence ({@code positionAxis} 1: [1, T, D], positions T).
     */
    static Tensor mask(Tensor one, Players players, int from, int to, int positionAxis) {
        int rows = to - from, numel = one.numel();
        int[] shape = one.shape();
        int size, inner, outer;
        if (positionAxis == 2) {               // [1, C, positions...]: each channel's plane
            outer = shape[1];
            size = numel / outer;
            inner = 1;
        } else {                                // [1, T, D...]: each position a row of D
            outer = 1;
            size = shape[1];
            inner = numel / size;
        }
        float[] keep = players.keepMasks(from, to, size);
        float[] d = one.data(), o = new float[rows * numel];
        for (int r = 0; r < rows; r++) {
            int base = r * numel;
            for (int c = 0; c < outer; c++) {
                for (int p = 0; p < size; p++) {
                    float k = keep[r * size + p];
                    int at = (c * size + p) * inner;
                    for (int j = 0; j < inner; j++) o[base + at + j] = d[at + j] * k;
                }
            }
        }
        shape[0] = rows;
        return new Tensor(o, shape);
    }
}
