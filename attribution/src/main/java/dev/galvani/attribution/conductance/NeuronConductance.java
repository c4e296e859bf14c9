package dev.galvani.attribution.conductance;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.autodiff.Autodiff;
import dev.galvani.engine.nn.Module;
import dev.galvani.kernels.Parallel;
import dev.galvani.models.progress.Progress;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Neuron conductance of every selected unit or filter of one layer at once: how much of each
 * unit's conductance flows through each input element (Dhamdhere, Sundararajan, Yan 2018, eq. 2; docs/methods.md §1.5;
 * Captum's {@code NeuronConductance} computes one neuron per call),
 * <pre>  Cond_j(x_i) = (x_i − x'_i) Σ_k w_k ∂F/∂y_j(α_k) · ∂y_j/∂x_i(α_k)</pre>
 * on the method's {@code m} nodes {@code α_k}. A filter is the sum of its units over positions.
 * Summed over {@code i}, a unit's breakdown is {@code Σ_k w_k ∂F/∂y_j · dy_j/dα}: its layer
 * conductance in the exact ({@link Discretisation#JVP}) form with the same nodes and weights.
 *
 * <p>The weights: {@link Discretisation#JVP} uses the method's own weights; {@link Discretisation#CAPTUM}
 * uses Captum 0.8's step sizes ({@link Quadrature#stepSizes}), which is exactly Captum's
 * NeuronConductance. (Captum's LayerConductance differences {@code y(α_{k+1}) − y(α_k)} on
 * {@code m+1} nodes cannot be split over input elements exactly; the breakdown approaches it as
 * {@code m} grows.)
 *
 * <p>All the selected units come out of one call, the cheaper way for the shapes at hand. Both
 * ways record one forward pass of a run of path rows (stopped at the layer: nothing above it runs)
 * and then sweep that recorded graph once per input element or once per unit, so the forward pass
 * is shared by all of them:
 * <ul>
 * <li><b>forward mode</b> over input directions, when the input has fewer elements than units are
 *     selected: per input element {@code i}, a tangent sweep ({@link Autodiff#jvp}) with tangent
 *     {@code e_i} on every row gives {@code ∂y/∂x_i(α_k)} for every unit at once;</li>
 * <li><b>reverse mode</b> over units, when fewer units are selected: per unit, a backward sweep
 *     whose upstream gradient is {@code w_k ∂F/∂y(α_k)} on that unit's slice and zero elsewhere
 *     gives its whole row over the input.</li>
 * </ul>
 * {@code ∂F/∂y} at every node comes from one ordinary pass of the path. Work is cut into pieces of
 * at most {@link #maxRows} rows, run one per core at a time; their sums are added in a fixed order,
 * so the numbers do not depend on the thread count. Memory is bounded by the pieces and the output
 * ({@code units x input} floats per example); examples go one at a time to a {@link Sink}.
 */
public final class NeuronConductance extends PathSettings<NeuronConductance> {
    /** How the Jacobian is taken: chosen from the shapes, or forced. */
    public enum Mode {
        AUTO, FORWARD, REVERSE;

        /** auto, forward or reverse. */
        public static Mode parse(String s) {
            return switch (s.toLowerCase(java.util.Locale.ROOT)) {
                case "auto" -> AUTO;
                case "forward" -> FORWARD;
                case "reverse" -> REVERSE;
                default -> throw new GalvaniException("--autodiff must be auto, forward or reverse, got '" + s + "'");
            };
        }
    }

    /**
     * Selects units or filters as a user writes them: "all", or indices like "0-15,20" (units: flat
     * C-order indices into one example's layer output; filters: channels, axis 1). At most one of
     * the two may be given; neither means all filters.
     */
    public NeuronConductance select(String filters, String units) {
        if (filters != null && units != null) throw new GalvaniException("give --filters or --units, not both");
        if (units != null) {
            if (units.trim().equalsIgnoreCase("all")) return allUnits();
            return units(dev.galvani.models.data.Indices.parse("--units", units, Integer.MAX_VALUE));
        }
        if (filters == null || filters.trim().equalsIgnoreCase("all")) return allFilters();
        return filters(dev.galvani.models.data.Indices.parse("--filters", filters, Integer.MAX_VALUE));
    }

    /** What the indices name: units (elements of one example's layer output) or filters (axis 1, summed over positions). */
    public enum Kind { UNITS, FILTERS }

    /** Receives each example's breakdown, [selected units, ...path start shape], as soon as it is done. */
    @FunctionalInterface
    public interface Sink {
        void accept(int example, Tensor breakdown);
    }

    private String layer;
    private Kind kind = Kind.FILTERS;
    private int[] indices;                 // null: all
    private Integer maxRows;             // null: what the heap allows (RowBudget), at most LayerConductance.DEFAULT_ROWS
    private Mode mode = Mode.AUTO;
    private boolean verbose = true;

    public NeuronConductance(Module model) {
        super(model);
    }

    /** The layer (dotted node name) whose units are broken down. */
    public NeuronConductance layer(String name) {
        model.module(name); // fails early, with the nearest names
        this.layer = name;
        return this;
    }

    /** These filters (indices along axis 1), each the sum of its units over positions. */
    public NeuronConductance filters(int... channels) {
        return select(Kind.FILTERS, channels.clone());
    }

    /** Every filter of the layer. */
    public NeuronConductance allFilters() {
        return select(Kind.FILTERS, null);
    }

    /** These units: flat indices into one example's layer output, C order ({@code (c * H + h) * W + w} for [C, H, W]). */
    public NeuronConductance units(int... flat) {
        return select(Kind.UNITS, flat.clone());
    }

    /** Every unit of the layer. */
    public NeuronConductance allUnits() {
        return select(Kind.UNITS, null);
    }

    private NeuronConductance select(Kind k, int[] idx) {
        if (idx != null && idx.length == 0) throw new GalvaniException("no " + k.name().toLowerCase(Locale.ROOT) + " selected");
        this.kind = k;
        this.indices = idx;
        return this;
    }

    /** Memory bound: the most path rows in one forward pass; unset, what half the free heap holds ({@link RowBudget}), at most 64. */
    public NeuronConductance maxRows(int rows) {
        if (rows < 1) throw new GalvaniException("--max-rows must be at least 1, got " + rows);
        this.maxRows = rows;
        return this;
    }

    public NeuronConductance mode(Mode m) {
        this.mode = m;
        return this;
    }

    /** Whether to log the chosen mode and show progress (default yes). */
    public NeuronConductance verbose(boolean on) {
        this.verbose = on;
        return this;
    }

    /** The nodes' weights: the method's own, or Captum's step sizes in the Captum scheme. */
    private double[] weights() {
        return discretisation == Discretisation.CAPTUM ? method.stepSizes(steps) : method.weights(steps);
    }

    /** Every example's breakdown kept in the result. */
    public NeuronConductanceResult attribute(Tensor x, int[] classes) {
        List<Tensor> all = new ArrayList<>();
        NeuronConductanceResult r = attribute(x, classes, (e, t) -> all.add(t));
        return r.withBreakdowns(all);
    }

    /**
     * Breaks down {@code F} of the given class per example ({@code classes == null}: the predicted
     * class); each example's [units, ...input] tensor goes to {@code sink} and is not kept.
     */
    public NeuronConductanceResult attribute(Tensor x, int[] classes, Sink sink) {
        if (layer == null) throw new GalvaniException("no layer given to break down");
        StraightPath.checkFinite("input", x);
        StraightPath path = new StraightPath(model, pathNode, target);
        List<String> layers = List.of(layer);
        long t0 = System.nanoTime();
        // Evaluation mode: batch statistics would couple the rows of the path.
        try (Module.Mode ev = model.evaluating(); Frozen f = Frozen.parameters(model)) {
            if (maxRows == null) maxRows = RowBudget.rows(model, x.rows(0, 1), Parallel.available(), LayerConductance.DEFAULT_ROWS);
            StraightPath.Pass atX = path.pass(x, null, null, classes, false, layers, false);
            if (classes == null) classes = atX.predicted;
            Tensor start = atX.start.detach();
            Tensor base = StraightPath.baselineFor(start, baseline);
            StraightPath.Pass atBase = path.pass(x, base, null, classes, false, layers, false);
            int n = x.size(0);
            Shape s = shapeOf(atX.layerValues.get(layer), start);
            int[] sel = selection(s);
            Mode m = chosenMode(s, sel.length);
            String reason = reason(m, s, sel.length);
            if (verbose) System.err.println("neuron conductance: " + reason);
            double[] alpha = method.nodes(steps), w = weights();
            long rowsPerExample = steps + (long) steps * (m == Mode.FORWARD ? s.inputs : sel.length);
            double[][] totals = new double[n][];
            try (Progress progress = verbose ? Progress.start("neuron conductance", rowsPerExample * n, "rows") : null) {
                for (int e = 0; e < n; e++) {
                    Example ex = new Example(path, x, start, base, e, classes[e], alpha, w, s, sel, progress);
                    float[] out = m == Mode.FORWARD ? ex.forwardMode() : ex.reverseMode();
                    totals[e] = ex.scaleByInputDifference(out);
                    int[] shape = new int[start.dim()];
                    shape[0] = sel.length;
                    System.arraycopy(start.shape(), 1, shape, 1, start.dim() - 1);
                    sink.accept(e, new Tensor(out, shape));
                }
            }
            int[] layerShape = Arrays.copyOfRange(atX.layerValues.get(layer).shape(), 1, atX.layerValues.get(layer).dim());
            int[] inputShape = Arrays.copyOfRange(start.shape(), 1, start.dim());
            return new NeuronConductanceResult(layer, kind, sel, layerShape, inputShape, m, reason, List.of(), totals,
                    atX.f, atBase.f, classes, steps, method, discretisation, target, (System.nanoTime() - t0) / 1e9);
        }
    }

    /**
     * One neuron the plain way, as Captum's NeuronConductance computes it: per piece of the path a
     * full forward pass and a backward sweep for {@code ∂F/∂y}, then a sweep from the neuron (its
     * upstream {@code w_k ∂F/∂y} on its slice) back to the path. Returns [N, ...path start shape].
     * The reference the all-at-once computation is checked and benchmarked against.
     */
    public Tensor single(Tensor x, int[] classes, int index) {
        if (layer == null) throw new GalvaniException("no layer given to break down");
        StraightPath.checkFinite("input", x);
        StraightPath path = new StraightPath(model, pathNode, target);
        List<String> layers = List.of(layer);
        try (Module.Mode ev = model.evaluating(); Frozen f = Frozen.parameters(model)) {
            if (maxRows == null) maxRows = RowBudget.rows(model, x.rows(0, 1), Parallel.available(), LayerConductance.DEFAULT_ROWS);
            StraightPath.Pass atX = path.pass(x, null, null, classes, false, layers, false);
            if (classes == null) classes = atX.predicted;
            Tensor start = atX.start.detach(), base = StraightPath.baselineFor(start, baseline);
            Shape s = shapeOf(atX.layerValues.get(layer), start);
            int[] unitsOf = s.unitsOf(kind, checkIndex(s, index));
            int n = x.size(0), per = s.inputs;
            double[] alpha = method.nodes(steps), w = weights();
            float[] out = new float[start.numel()];
            int nodesPerPass = Math.min(steps, maxRows);
            for (int e = 0; e < n; e++) {
                double[] sum = new double[per];
                for (int k0 = 0; k0 < steps; k0 += nodesPerPass) {
                    int k1 = Math.min(steps, k0 + nodesPerPass), nk = k1 - k0;
                    Tensor leaf = StraightPath.leaf(start, base, alpha, e, e + 1, k0, k1, false);
                    Tensor raw = path.startsAtInput() ? null : x.rows(e, e + 1).tile(nk);
                    StraightPath.Pass p = path.pass(raw, null, leaf, StraightPath.rowClasses(classes, e, e + 1, nk), true, layers, false);
                    Tensor y = p.layerValues.get(layer);
                    float[] g = p.layerGrads.get(layer).data(), up = new float[y.numel()];
                    for (int k = 0; k < nk; k++) {
                        for (int u : unitsOf) up[k * s.units + u] = (float) (w[k0 + k] * g[k * s.units + u]);
                    }
                    float[] gx = Autodiff.grad(y, new Tensor(up, y.shape()), leaf)[0].data();
                    for (int k = 0; k < nk; k++) for (int i = 0; i < per; i++) sum[i] += gx[k * per + i];
                }
                for (int i = 0; i < per; i++) {
                    int at = e * per + i;
                    out[at] = (float) (sum[i] * ((double) start.data()[at] - base.data()[at]));
                }
            }
            return new Tensor(out, start.shape());
        }
    }

    // ---- shapes and choices -------------------------------------------------------------------

    /** Per example: units of the layer, filters (axis 1) and positions per filter, input elements. */
    private record Shape(int units, int filters, int positions, int inputs) {
        /** The layer units a selected index covers: itself, or a filter's positions. */
        int[] unitsOf(Kind kind, int index) {
            if (kind == Kind.UNITS) return new int[] {index};
            int[] u = new int[positions];
            for (int p = 0; p < positions; p++) u[p] = index * positions + p;
            return u;
        }

        int count(Kind kind) {
            return kind == Kind.UNITS ? units : filters;
        }
    }

    private Shape shapeOf(Tensor y, Tensor start) {
        if (y.dim() < 2) throw new GalvaniException("layer '" + layer + "' outputs " + y.shapeString() + ": no units to break down");
        int n = y.size(0), units = y.numel() / n, filters = y.size(1);
        return new Shape(units, filters, units / filters, start.numel() / start.size(0));
    }

    private int checkIndex(Shape s, int index) {
        int count = s.count(kind);
        if (index < 0 || index >= count) {
            throw new GalvaniException(kind.name().toLowerCase(Locale.ROOT).replaceAll("s$", "") + " " + index
                    + " out of range for '" + layer + "' with " + count + " " + kind.name().toLowerCase(Locale.ROOT));
        }
        return index;
    }

    private int[] selection(Shape s) {
        if (indices == null) {
            int[] all = new int[s.count(kind)];
            for (int i = 0; i < all.length; i++) all[i] = i;
            return all;
        }
        for (int i : indices) checkIndex(s, i);
        return indices;
    }

    private Mode chosenMode(Shape s, int selected) {
        if (mode != Mode.AUTO) return mode;
        return s.inputs < selected ? Mode.FORWARD : Mode.REVERSE;
    }

    private String reason(Mode m, Shape s, int selected) {
        String unit = kind == Kind.UNITS ? "unit" : "filter";
        String cmp = s.inputs < selected ? s.inputs + " input elements < " + selected + " " + unit + "s"
                : selected + " " + unit + "s <= " + s.inputs + " input elements";
        boolean forward = m == Mode.FORWARD;
        return String.format(Locale.ROOT, "%d %ss of '%s', %d steps: %s mode, one %s sweep per %s (%s%s; %d sweeps of %d path rows per example)",
                selected, unit, layer, steps, forward ? "forward" : "reverse", forward ? "tangent" : "backward",
                forward ? "input element" : unit, cmp, mode == Mode.AUTO ? "" : ", forced", forward ? s.inputs : selected, steps);
    }

    // ---- one example ------------------------------------------------------------------------

    /** The work for one example: ∂F/∂y at every node, then the Jacobian pieces, added in a fixed order. */
    private final class Example {
        final StraightPath path;
        final Tensor x, start, base;
        final int e, cls;
        final double[] alpha, w;
        final Shape s;
        final int[] sel;
        final Progress progress;
        final int[][] cover; // the layer units of each selection
        final float[] g;     // ∂F/∂y, [steps, units]

        Example(StraightPath path, Tensor x, Tensor start, Tensor base, int e, int cls, double[] alpha, double[] w,
                Shape s, int[] sel, Progress progress) {
            this.path = path;
            this.x = x;
            this.start = start;
            this.base = base;
            this.e = e;
            this.cls = cls;
            this.alpha = alpha;
            this.w = w;
            this.s = s;
            this.sel = sel;
            this.progress = progress;
            this.cover = new int[sel.length][];
            for (int q = 0; q < sel.length; q++) cover[q] = s.unitsOf(kind, sel[q]);
            this.g = layerGradients();
        }

        /** Path rows of this example at nodes k0..k1-1 (raw model input when the path starts at a node). */
        Tensor raw(int rows) {
            return path.startsAtInput() ? null : x.rows(e, e + 1).tile(rows);
        }

        /** ∂F/∂y at each node: ordinary passes of the path, their backward sweeps stopping at the layer. */
        float[] layerGradients() {
            float[] out = new float[steps * s.units];
            List<Supplier<float[]>> jobs = new ArrayList<>();
            List<int[]> ranges = new ArrayList<>();
            for (int from = 0; from < steps; from += maxRows) {
                int k0 = from, k1 = Math.min(steps, from + maxRows);
                ranges.add(new int[] {k0, k1});
                jobs.add(() -> {
                    Tensor leaf = StraightPath.leaf(start, base, alpha, e, e + 1, k0, k1, false);
                    int[] rc = new int[k1 - k0];
                    Arrays.fill(rc, cls);
                    return path.pass(raw(k1 - k0), null, leaf, rc, true, List.of(layer), false).layerGrads.get(layer).data();
                });
            }
            runInWaves(jobs, (i, part) -> System.arraycopy(part, 0, out, ranges.get(i)[0] * s.units, part.length));
            step(steps);
            return out;
        }

        /**
         * Forward mode. A job is (a run of at most maxRows nodes, a block of input elements): one
         * forward pass of those nodes' rows, stopped at the layer and recorded, then for each input
         * element i one tangent sweep over the recorded graph ({@link Autodiff#jvp}) with tangent
         * e_i on every row: ∂y/∂x_i(α_k) for every unit, contracted with w_k ∂F/∂y(α_k).
         */
        float[] forwardMode() {
            return byBlocks(s.inputs, this::forwardPiece, (part, b0, b1, out) -> {
                int per = s.inputs, k = sel.length;
                for (int i = b0; i < b1; i++) {
                    int row = (i - b0) * k;
                    for (int q = 0; q < k; q++) out[q * per + i] += (float) part[row + q];
                }
            });
        }

        /** Input elements i0..i1-1 over nodes k0..k1-1: returns [i1 − i0, selected] partial sums. */
        double[] forwardPiece(int i0, int i1, int k0, int k1) {
            int nk = k1 - k0, per = s.inputs, k = sel.length;
            Tensor leaf = StraightPath.leaf(start, base, alpha, e, e + 1, k0, k1, false);
            Tensor y = path.untilLayer(raw(nk), leaf, layer);
            double[] part = new double[(i1 - i0) * k];
            if (!y.requiresGrad()) return part; // the layer does not depend on the path
            float[] dir = new float[nk * per];
            for (int i = i0; i < i1; i++) {
                for (int kk = 0; kk < nk; kk++) dir[kk * per + i] = 1f;
                float[] t = Autodiff.jvp(y, new Tensor[] {leaf}, new Tensor[] {new Tensor(dir.clone(), leaf.shape())}).data();
                int row = (i - i0) * k;
                for (int kk = 0; kk < nk; kk++) {
                    dir[kk * per + i] = 0f;
                    int gk = (k0 + kk) * s.units, tr = kk * s.units;
                    double wk = w[k0 + kk];
                    for (int q = 0; q < k; q++) {
                        double acc = 0;
                        for (int u : cover[q]) acc += (double) g[gk + u] * t[tr + u];
                        part[row + q] += wk * acc;
                    }
                }
            }
            return part;
        }

        /**
         * Reverse mode. A job is (a run of at most maxRows nodes, a block of selected units): one
         * forward pass of those nodes' rows, stopped at the layer and recorded, then for each unit
         * of the block one backward sweep to the path leaf with upstream w_k ∂F/∂y(α_k) on the
         * unit's slice and zero elsewhere.
         */
        float[] reverseMode() {
            return byBlocks(sel.length, this::reversePiece, (part, b0, b1, out) -> {
                int per = s.inputs;
                for (int q = b0; q < b1; q++) {
                    for (int i = 0; i < per; i++) out[q * per + i] += (float) part[(q - b0) * per + i];
                }
            });
        }

        /** Selected units q0..q1-1 over nodes k0..k1-1: returns [q1 − q0, input elements] partial sums. */
        double[] reversePiece(int q0, int q1, int k0, int k1) {
            int nk = k1 - k0, per = s.inputs;
            Tensor leaf = StraightPath.leaf(start, base, alpha, e, e + 1, k0, k1, false);
            Tensor y = path.untilLayer(raw(nk), leaf, layer);
            double[] part = new double[(q1 - q0) * per];
            if (!y.requiresGrad()) return part; // the layer does not depend on the path
            float[] up = new float[y.numel()];
            for (int q = q0; q < q1; q++) {
                int[] us = cover[q];
                for (int kk = 0; kk < nk; kk++) {
                    for (int u : us) up[kk * s.units + u] = (float) (w[k0 + kk] * g[(k0 + kk) * s.units + u]);
                }
                float[] gx = Autodiff.grad(y, new Tensor(up.clone(), y.shape()), leaf)[0].data();
                for (int kk = 0; kk < nk; kk++) {
                    for (int u : us) up[kk * s.units + u] = 0f;
                    for (int i = 0; i < per; i++) part[(q - q0) * per + i] += gx[kk * per + i];
                }
            }
            return part;
        }

        /**
         * Cuts {@code count} sweeps (input elements or units) into blocks, and the nodes into runs of
         * at most maxRows; each job (run, block) records one forward pass and runs its block's
         * sweeps. Jobs go one per core at a time; their partial sums are added on this thread with
         * the node runs outermost, so each sum is taken in node order whatever the blocks and threads.
         */
        float[] byBlocks(int count, Piece piece, Adder add) {
            float[] out = new float[sel.length * s.inputs];
            int blocks = Math.min(count, Math.max(1, 2 * Parallel.available()));
            int blockSize = (count + blocks - 1) / blocks;
            List<Supplier<double[]>> jobs = new ArrayList<>();
            List<int[]> pieces = new ArrayList<>();
            for (int from = 0; from < steps; from += maxRows) {
                int k0 = from, k1 = Math.min(steps, from + maxRows);
                for (int b = 0; b < count; b += blockSize) {
                    int b0 = b, b1 = Math.min(count, b + blockSize);
                    pieces.add(new int[] {b0, b1, k1 - k0});
                    jobs.add(() -> piece.run(b0, b1, k0, k1));
                }
            }
            runInWaves(jobs, (j, part) -> {
                int[] pc = pieces.get(j);
                add.add(part, pc[0], pc[1], out);
                step((long) (pc[1] - pc[0]) * pc[2]);
            });
            return out;
        }

        /** Multiplies each selection's row by x − x' and returns its sums over the input (its conductance). */
        double[] scaleByInputDifference(float[] out) {
            int per = s.inputs;
            double[] totals = new double[sel.length];
            float[] sd = start.data(), bd = base.data();
            for (int q = 0; q < sel.length; q++) {
                double t = 0;
                for (int i = 0; i < per; i++) {
                    float v = (float) (out[q * per + i] * ((double) sd[e * per + i] - bd[e * per + i]));
                    out[q * per + i] = v;
                    t += v;
                }
                totals[q] = t;
            }
            return totals;
        }

        private void step(long rows) {
            if (progress != null) progress.step(rows);
        }
    }

    /** The sweeps b0..b1-1 over nodes k0..k1-1 of one job. */
    @FunctionalInterface
    private interface Piece {
        double[] run(int b0, int b1, int k0, int k1);
    }

    /** Adds a job's partial sums for sweeps b0..b1-1 into the output. */
    @FunctionalInterface
    private interface Adder {
        void add(double[] part, int b0, int b1, float[] out);
    }

    /** Job results, consumed on this thread in job order. */
    @FunctionalInterface
    private interface Consumer<T> {
        void accept(int job, T result);
    }

    /** Runs the jobs {@link Parallel#available()} at a time and hands their results over in job order. */
    private static <T> void runInWaves(List<Supplier<T>> jobs, Consumer<T> consume) {
        int wave = Parallel.available();
        for (int j0 = 0; j0 < jobs.size(); j0 += wave) {
            List<T> results = Parallel.map(jobs.subList(j0, Math.min(jobs.size(), j0 + wave)));
            for (int i = 0; i < results.size(); i++) consume.accept(j0 + i, results.get(i));
        }
    }
}
