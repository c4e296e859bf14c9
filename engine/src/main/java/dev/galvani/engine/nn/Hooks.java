package dev.galvani.engine.nn;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;

import java.util.Arrays;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The hooks that caching, ablation, patching and attribution share. Units are indices along axis 1
 * (channels of a conv output, neurons of a dense one); masks broadcast over the other axes, or
 * have a leading batch axis for per-example edits.
 */
public final class Hooks {
    private Hooks() {}

    /** Stores the node's output under its name (the tensor itself: its graph and tangent included). */
    public static Hook cache(Map<String, Tensor> into) {
        return (name, x) -> {
            into.put(name, x);
            return x;
        };
    }

    public static Hook scale(float s) {
        return (name, x) -> x.mul(s);
    }

    public static Hook zero() {
        return scale(0f);
    }

    /** Multiplies by a mask that broadcasts against the output ([N, C, 1, 1] for per-example edits). */
    public static Hook multiply(Tensor mask) {
        return (name, x) -> x.mul(mask);
    }

    /** Zeroes the given units (axis 1) for every example. */
    public static Hook zeroUnits(int... units) {
        return (name, x) -> x.mul(unitMask(name, x, units, 0f, 1f));
    }

    /** Multiplies each unit (axis 1) by its factor. */
    public static Hook scaleUnits(float[] factors) {
        return (name, x) -> {
            checkUnits(name, x, factors.length);
            return x.mul(new Tensor(factors.clone(), broadcastShape(x, factors.length)));
        };
    }

    /** Replaces the whole output by a given tensor (activation patching). */
    public static Hook replace(Tensor patch) {
        return (name, x) -> {
            if (!Arrays.equals(patch.shape(), x.shape())) {
                throw new GalvaniException("patch for '" + name + "' has shape " + patch.shapeString()
                        + ", the node outputs " + x.shapeString());
            }
            return x.mul(0f).add(patch);
        };
    }

    /**
     * Replaces the given units by their values in {@code source} (same shape as the output, or a
     * per-unit value broadcast over the batch, e.g. a dataset mean of shape [1, C, ...]).
     */
    public static Hook patchUnits(Tensor source, int... units) {
        return (name, x) -> {
            Tensor keep = unitMask(name, x, units, 0f, 1f), take = unitMask(name, x, units, 1f, 0f);
            return x.mul(keep).add(source.mul(take));
        };
    }

    /** Replaces the output by any function of it. */
    public static Hook replaceWith(UnaryOperator<Tensor> f) {
        return (name, x) -> f.apply(x);
    }

    private static Tensor unitMask(String name, Tensor x, int[] units, float on, float off) {
        int c = x.size(1);
        float[] m = new float[c];
        Arrays.fill(m, off);
        for (int u : units) {
            if (u < 0 || u >= c) throw new GalvaniException("unit " + u + " out of range for '" + name + "' with " + c + " units");
            m[u] = on;
        }
        return new Tensor(m, broadcastShape(x, c));
    }

    private static void checkUnits(String name, Tensor x, int n) {
        if (x.dim() < 2 || x.size(1) != n) {
            throw new GalvaniException("'" + name + "' has " + (x.dim() < 2 ? 0 : x.size(1)) + " units, got " + n + " values");
        }
    }

    private static int[] broadcastShape(Tensor x, int c) {
        int[] s = new int[x.dim()];
        Arrays.fill(s, 1);
        s[1] = c;
        return s;
    }
}
