package dev.galvani.attribution.ablation;

import dev.galvani.attribution.conductance.RowBudget;
import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.autodiff.Grad;
import dev.galvani.engine.nn.Hook;
import dev.galvani.engine.nn.Module;

import java.util.Arrays;
import java.util.Locale;

/**
 * Ablation and patching of units (channels along axis 1) of a named node, through the engine's
 * hooks. A unit is replaced by zero, by its mean over a data set, by its value on another input
 * (patching), or by its value at the attribution baseline {@code x'} (the value conductance's path
 * starts from, so that the change asks conductance's own question). Many ablations run as one
 * batched forward: the input is repeated once per ablation and a per-example mask selects which
 * units each copy loses.
 */
public final class Ablation {
    public enum Mode {
        ZERO, MEAN, PATCH, BASELINE;

        public static Mode parse(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "zero" -> ZERO;
                case "mean" -> MEAN;
                case "patch" -> PATCH;
                case "baseline" -> BASELINE;
                default -> throw new GalvaniException("unknown ablation mode '" + s + "'; use zero, mean, patch or baseline");
            };
        }
    }

    private final Module model;
    private final String layer;
    private Mode mode = Mode.ZERO;
    private Tensor source;           // MEAN, BASELINE: [1, C, ...]; PATCH: [N, C, ...] values from another input
    /** The most ablated copies' rows in one forward pass when none is set and the heap allows (measured on 28x28 nets, a pass of 512 rows costs little more per row than larger ones). */
    public static final int DEFAULT_ROWS = 512;
    private Integer maxRows;         // null: what the heap allows (RowBudget), at most DEFAULT_ROWS
    private int units = -1;          // the layer's unit count, from the first input seen

    public Ablation(Module model, String layer) {
        this.model = model;
        this.layer = layer;
        model.module(layer);
    }

    /** Zero ablation (the default). */
    public Ablation zero() {
        this.mode = Mode.ZERO;
        this.source = null;
        return this;
    }

    /** Mean ablation: units take their mean over {@code data} (computed here, in batches). */
    public Ablation mean(Tensor data) {
        Tensor act = activations(data);              // [M, C, ...]
        int m = act.size(0), per = act.numel() / m;
        float[] mean = new float[per];
        float[] d = act.toHost().data();
        for (int i = 0; i < m; i++) for (int j = 0; j < per; j++) mean[j] += d[i * per + j];
        for (int j = 0; j < per; j++) mean[j] /= m;
        int[] s = act.shape();
        s[0] = 1;
        this.mode = Mode.MEAN;
        this.source = new Tensor(mean, s).to(model.device());
        return this;
    }

    /** Patching: units take their values on {@code other} (same batch size as the inputs ablated). */
    public Ablation patchFrom(Tensor other) {
        this.mode = Mode.PATCH;
        this.source = activations(other);
        return this;
    }

    /**
     * Baseline patching: units take their value at {@code baseline} (one input, [1, ...]; for
     * images the all-zero input of conductance's default path).
     */
    public Ablation baseline(Tensor baseline) {
        if (baseline.size(0) != 1) throw new GalvaniException("the baseline is one input, got " + baseline.size(0));
        this.mode = Mode.BASELINE;
        this.source = activations(baseline);
        return this;
    }

    /**
     * Baseline patching at the all-zero input shaped as one example of {@code x}: the black image
     * of an image model (conductance's default baseline), the padding ids of a text model.
     */
    public Ablation zeroBaseline(Tensor x) {
        int[] shape = x.shape();
        shape[0] = 1;
        return baseline(Tensor.zeros(shape));
    }

    public Mode mode() {
        return mode;
    }

    public String layer() {
        return layer;
    }

    /** Memory bound: the most rows (ablated copies x examples) in one forward pass; unset, what half the free heap holds ({@code RowBudget}), at most {@value #DEFAULT_ROWS}. */
    public Ablation maxRows(int rows) {
        this.maxRows = Math.max(1, rows);
        return this;
    }

    /** The node's output on {@code x}, in evaluation mode, outside any graph. */
    public Tensor activations(Tensor x) {
        try (Module.Mode e = model.evaluating(); Grad.Scope s = Grad.off()) {
            return model.runWithCache(x.to(model.device()), layer).get(layer).detach();
        }
    }

    /** Logits with the given units ablated for every example. */
    public Tensor logitsWithout(Tensor x, int... units) {
        boolean[][] masks = new boolean[1][];
        masks[0] = unitSet(x, units);
        return run(x, masks)[0];
    }

    /**
     * Logits with each example's own units ablated ({@code units[i]} for example i), in one pass;
     * when patching, example i takes the values of example i of the source.
     */
    public Tensor logitsWithout(Tensor x, int[][] units) {
        if (units.length != x.size(0)) throw new GalvaniException(units.length + " unit sets for " + x.size(0) + " examples");
        boolean[][] each = new boolean[units.length][];
        for (int i = 0; i < units.length; i++) each[i] = unitSet(x, units[i]);
        return run(x, 1, (set, i) -> each[i])[0];
    }

    /**
     * For every unit {@code u}: the target logit of each example with {@code u} alone ablated,
     * [units][N]. Runs {@code units x N} rows in batched passes.
     */
    public float[][] singleUnitScores(Tensor x, int[] classes) {
        int[] all = new int[unitCount(x)];
        for (int u = 0; u < all.length; u++) all[u] = u;
        return singleUnitScores(x, classes, all);
    }

    /**
     * For each of the given units: the target logit of each example with that unit alone ablated,
     * [units.length][N] (a slice of {@link #singleUnitScores(Tensor, int[])}, with the same numbers).
     */
    public float[][] singleUnitScores(Tensor x, int[] classes, int[] units) {
        boolean[][] masks = new boolean[units.length][];
        for (int k = 0; k < units.length; k++) masks[k] = unitSet(x, new int[] {units[k]});
        return pick(run(x, masks), classes);
    }

    /** The number of units (channels) of the ablated node. */
    public int units(Tensor x) {
        return unitCount(x);
    }

    /**
     * For {@code k = 0..order.length}: the target logits with the first {@code k} units of
     * {@code order} ablated together (cumulative top-k), [k][N].
     */
    public float[][] cumulativeScores(Tensor x, int[] classes, int[] order) {
        int units = unitCount(x);
        boolean[][] masks = new boolean[order.length + 1][units];
        for (int k = 1; k <= order.length; k++) {
            masks[k] = masks[k - 1].clone();
            masks[k][order[k - 1]] = true;
        }
        return pick(run(x, masks), classes);
    }

    /** Predicted class per example with the first k units of {@code order} ablated, [k][N]. */
    public int[][] cumulativePredictions(Tensor x, int[] order) {
        int units = unitCount(x);
        boolean[][] masks = new boolean[order.length + 1][units];
        for (int k = 1; k <= order.length; k++) {
            masks[k] = masks[k - 1].clone();
            masks[k][order[k - 1]] = true;
        }
        Tensor[] logits = run(x, masks);
        int[][] out = new int[logits.length][];
        for (int k = 0; k < logits.length; k++) out[k] = dev.galvani.engine.F.argmax(logits[k]);
        return out;
    }

    private int unitCount(Tensor x) {
        if (units < 0) units = activations(x.rows(0, 1)).size(1);
        return units;
    }

    private boolean[] unitSet(Tensor x, int[] units) {
        int c = unitCount(x);
        boolean[] s = new boolean[c];
        for (int u : units) {
            if (u < 0 || u >= c) throw new GalvaniException("unit " + u + " out of range for '" + layer + "' with " + c + " units");
            s[u] = true;
        }
        return s;
    }

    /** Logits per ablation set: row block {@code a} of the batched pass is the input under mask {@code a}. */
    private Tensor[] run(Tensor x, boolean[][] masks) {
        return run(x, masks.length, (set, i) -> masks[set]);
    }

    /** Which units of example {@code i} ablation set {@code set} removes. */
    private interface Masks {
        boolean[] of(int set, int example);
    }

    private Tensor[] run(Tensor x, int a, Masks masks) {
        if (mode == Mode.PATCH && source.size(0) != x.size(0)) {
            throw new GalvaniException("patching needs one source example per input: " + source.size(0) + " sources for " + x.size(0) + " inputs");
        }
        int n = x.size(0);
        if (maxRows == null) {
            try (Module.Mode e = model.evaluating()) {                 // the probe pass must not touch batch statistics
                maxRows = RowBudget.rows(model, x.rows(0, 1), 1, DEFAULT_ROWS);
            }
        }
        int perPass = Math.max(1, maxRows / n);
        Tensor[] out = new Tensor[a];
        try (Module.Mode e = model.evaluating(); Grad.Scope s = Grad.off()) {
            for (int a0 = 0; a0 < a; a0 += perPass) {
                int a1 = Math.min(a, a0 + perPass), rows = (a1 - a0) * n;
                Tensor xs = x.to(model.device()).tile(a1 - a0);
                int c = masks.of(0, 0).length;
                float[] keep = new float[rows * c];
                for (int b = a0; b < a1; b++) {
                    for (int i = 0; i < n; i++) {
                        boolean[] m = masks.of(b, i);
                        for (int u = 0; u < c; u++) keep[((b - a0) * n + i) * c + u] = m[u] ? 0f : 1f;
                    }
                }
                Tensor src = source == null ? null : (mode == Mode.PATCH ? source.tile(a1 - a0) : source);
                Hook edit = (name, v) -> {
                    int[] ms = new int[v.dim()];
                    Arrays.fill(ms, 1);
                    ms[0] = rows;
                    ms[1] = c;
                    Tensor keepT = new Tensor(keep, ms).to(v.device());
                    Tensor kept = v.mul(keepT);
                    if (src == null) return kept;
                    Tensor take = Tensor.full(v.device(), 1f, ms).sub(keepT);
                    return kept.add(src.mul(take));
                };
                Tensor logits = model.runWithHooks(xs, edit.at(layer)).toHost(); // the scores are results
                int k = logits.size(1);
                for (int b = a0; b < a1; b++) {
                    out[b] = new Tensor(Arrays.copyOfRange(logits.data(), (b - a0) * n * k, (b - a0 + 1) * n * k), n, k);
                }
            }
        }
        return out;
    }

    private static float[][] pick(Tensor[] logits, int[] classes) {
        float[][] out = new float[logits.length][classes.length];
        for (int a = 0; a < logits.length; a++) {
            int k = logits[a].size(1);
            for (int i = 0; i < classes.length; i++) out[a][i] = logits[a].data()[i * k + classes[i]];
        }
        return out;
    }



}
