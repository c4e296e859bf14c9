package dev.galvani.attribution.conductance;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.Module;
import dev.galvani.kernels.Backend;
import dev.galvani.kernels.Parallel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Conductance of hidden units (Dhamdhere, Sundararajan, Yan 2018; docs/methods.md §1), and in the
 * same pass its peers: integrated gradients at the path's start node (optional: without
 * them the backward sweep stops at the deepest layer asked for), internal influence, activation
 * and gradient*activation. {@link NeuronConductance} breaks each unit's conductance down over the
 * input.
 *
 * <p>The path integral is a transformation of the model's graph, not a copy of its code: the
 * straight path {@code x(α) = x' + α (x − x')} is laid out as one batch of {@code steps x examples}
 * rows (step-major, as Captum lays it out), pushed through the unmodified model once, with caching
 * hooks on every requested layer; one backward sweep then gives {@code ∂F/∂y} for all layers at
 * once. In {@link Discretisation#JVP} mode the path leaf also carries the tangent {@code x − x'},
 * so every layer's {@code dy/dα} comes out of the same forward pass. Batches are chunked over
 * examples and steps so that no pass exceeds {@link #maxRows(int)} rows; the chunks run one per
 * core at a time ({@link Parallel}), each pass with its own thread-confined hooks.
 *
 * <p>By default the path starts at the model input. {@link #pathFrom(String)} starts it at a named
 * node instead (a text model's embedding output, whose baseline is the padding embedding, zero):
 * the raw input is repeated per step and a hook swaps the node's output for the path.
 */
public final class LayerConductance extends PathSettings<LayerConductance> {
    private final List<String> layers = new ArrayList<>();
    // Measured (Inception-style net, 16 images x 50 steps, 2-core AVX-512, JDK 25, passes in parallel):
    // 51-64 rows per pass is best (Captum-style 10.2/9.9, JVP 7.4/7.6 attributions/s); 16 rows 7.9/6.1,
    // 128 rows 7.6/4.8, one pass of all 816 rows about half the default: larger passes overflow the caches.
    private Integer maxRows;          // null: what the heap allows (RowBudget), at most DEFAULT_ROWS
    static final int DEFAULT_ROWS = 64;
    /** The cap on a device: one pass at a time, as large as its memory allows (a GPU wants thousands of rows). */
    static final int DEVICE_ROWS = 4096;
    private boolean integratedGradients = true;
    private boolean captumExact;
    private boolean pathIntegral = true;

    public LayerConductance(Module model) {
        super(model);
    }

    /** Layers (dotted node names) to attribute; several come out of the same pass. */
    public LayerConductance layers(String... names) {
        for (String n : names) model.module(n); // fails early, with the nearest names
        layers.addAll(Arrays.asList(names));
        return this;
    }

    /**
     * Whether to compute integrated gradients at the path start too (default yes). Without them
     * each backward sweep stops at the deepest requested layer instead of running down to the
     * input: for a layer near the output, most of the backward pass is skipped.
     */
    public LayerConductance integratedGradients(boolean compute) {
        this.integratedGradients = compute;
        return this;
    }

    /**
     * Whether to integrate along the path at all (default yes). Off, only the passes at x and at the
     * baseline run: activations and gradient x activation (at x), F(x) and F(x'); conductance,
     * internal influence and integrated gradients are then not computed.
     */
    public LayerConductance pathIntegral(boolean on) {
        this.pathIntegral = on;
        return this;
    }

    /**
     * Memory bound: the most rows (steps x examples) in one forward/backward pass. Passes run one
     * per core at a time, so peak memory is about {@code Parallel.threads()} passes' worth. Unset,
     * it is what half the free heap holds ({@link RowBudget}), at most 64.
     */
    public LayerConductance maxRows(int rows) {
        if (rows < 2) throw new GalvaniException("--max-rows must be at least 2, got " + rows);
        this.maxRows = rows;
        return this;
    }

    /**
     * Everything exactly as Captum 0.8 computes it for the same {@code n_steps} and method (default
     * off): Captum's step sizes as weights ({@link Quadrature#stepSizes}: for the trapezoid rule
     * {@code 1/m} each, halved at both ends, not the rule's own weights), and, in the
     * {@link Discretisation#CAPTUM} scheme, integrated gradients and internal influence on Captum's
     * {@code m} nodes (as its IntegratedGradients and InternalInfluence do) rather than on the
     * {@code m+1} nodes of the conductance pass, which costs a second pass along the path.
     */
    public LayerConductance captumExact(boolean on) {
        this.captumExact = on;
        return this;
    }

    /** Attributes the predicted class of each example. */
    public AttributionResult attribute(Tensor x) {
        return attribute(x, null);
    }

    /**
     * Attributes {@code F} of the given class per example ({@code classes == null}: the predicted
     * class). {@code x} is the model input, [N, ...].
     */
    public AttributionResult attribute(Tensor x, int[] classes) {
        checkFinite("input", x);
        x = x.to(model.device()); // the path runs where the model lives
        StraightPath path = new StraightPath(model, pathNode, target);
        // Evaluation mode: batch statistics would couple the rows of the path.
        try (Module.Mode e = model.evaluating(); Frozen f = Frozen.parameters(model)) {
            // 1. One pass at x and one at the baseline: F(x), F(x'), y(x), dF/dy(x), the start point.
            StraightPath.Pass atX = path.pass(x, null, null, classes, true, layers, false);
            if (classes == null) classes = atX.predicted;
            Tensor start = atX.start.detach();                          // path start node value at x, [N, ...]
            Tensor base = StraightPath.baselineFor(start, baseline);    // [N, ...]
            StraightPath.Pass atBase = path.pass(x, base, null, classes, false, layers, false);

            // 2. The path, chunked: one sweep, or in Captum-exact mode of the Captum scheme two
            //    (conductance on m+1 nodes, IG and internal influence on m).
            Map<String, Tensor> cond = new LinkedHashMap<>(), influence = new LinkedHashMap<>();
            for (String l : layers) {
                cond.put(l, Tensor.zerosLike(atX.layerValues.get(l)));
                influence.put(l, Tensor.zerosLike(atX.layerValues.get(l)));
            }
            Tensor ig = Tensor.zerosLike(start);
            if (pathIntegral) {
                int rows = maxRows != null ? maxRows : RowBudget.rows(model, x.rows(0, 1), passesAtOnce(x), x.isHost() ? DEFAULT_ROWS : DEVICE_ROWS);
                for (Plan plan : plans()) integrate(path, plan, x, start, base, classes, cond, influence, ig, rows);
            }

            // 3. Assemble: the results come to the host.
            Map<String, AttributionResult.Layer> out = new LinkedHashMap<>();
            for (String l : layers) {
                Tensor y = atX.layerValues.get(l);
                Tensor g = atX.layerGrads.get(l);
                out.put(l, new AttributionResult.Layer(l,
                        pathIntegral ? cond.get(l).toHost() : null,
                        pathIntegral ? influence.get(l).toHost() : null,
                        y.detach().toHost(),
                        y.detach().mul(g).toHost()));
            }
            Tensor igTensor = null;
            if (integratedGradients && pathIntegral) igTensor = ig.mul(start.sub(base)).toHost(); // Σ w_k ∂F/∂x(α_k) ⊙ (x − x')
            return new AttributionResult(out, igTensor, atX.f, atBase.f, classes, steps, method, discretisation, target);
        }
    }

    /**
     * A layer's value {@code y(α_k)} and {@code ∂F/∂y(α_k)} at each path node, [nodes, N, ...]
     * (node-major, as the passes lay them out), with the nodes: what the path sum is made of.
     */
    public record PathValues(double[] alpha, Tensor values, Tensor gradients) {}

    /**
     * The integrand along the path, for inspection rather than attribution: per layer, its value and
     * {@code ∂F/∂y} at every node of the configured discretisation (the Captum scheme's {@code m+1}
     * nodes, else {@code m}), computed by the same passes as {@link #attribute(Tensor, int[])}. In
     * the Captum scheme the conductance of a unit is {@code Σ_k g_k (y_{k+1} − y_k)} of these rows.
     * Where {@code ∂F/∂y} jumps between neighbouring nodes (a ReLU or a max-pooling window above
     * the layer switching), float32 rounding can move the switch to another node (docs/onnx.md).
     * Holds {@code 2 x nodes x N} copies of each layer: for a few examples.
     */
    public Map<String, PathValues> pathValues(Tensor x, int[] classes) {
        checkFinite("input", x);
        x = x.to(model.device()); // the path runs where the model lives
        StraightPath path = new StraightPath(model, pathNode, target);
        try (Module.Mode e = model.evaluating(); Frozen f = Frozen.parameters(model)) {
            StraightPath.Pass atX = path.pass(x, null, null, classes, false, layers, false);
            if (classes == null) classes = atX.predicted;
            Tensor start = atX.start.detach();
            Tensor base = StraightPath.baselineFor(start, baseline);
            double[] alpha = plans().get(0).alpha;
            Plan plan = new Plan(alpha, null, false, false, false, false);
            int n = x.size(0), nodes = alpha.length;
            int rows = maxRows != null ? maxRows : RowBudget.rows(model, x.rows(0, 1), 1, DEFAULT_ROWS);
            int nodesPerPass = Math.max(1, rows / n);
            Map<String, float[]> values = new LinkedHashMap<>(), grads = new LinkedHashMap<>();
            for (String l : layers) {
                values.put(l, new float[nodes * atX.layerValues.get(l).numel()]);
                grads.put(l, new float[nodes * atX.layerValues.get(l).numel()]);
            }
            for (int k0 = 0; k0 < nodes; k0 += nodesPerPass) {
                Chunk ch = new Chunk(0, n, k0, Math.min(nodes, k0 + nodesPerPass));
                StraightPath.Pass p = chunkPass(path, plan, x, start, base, classes, ch);
                for (String l : layers) {
                    float[] y = p.layerValues.get(l).toHost().data(), g = p.layerGrads.get(l).toHost().data();
                    int at = k0 * atX.layerValues.get(l).numel();
                    System.arraycopy(y, 0, values.get(l), at, y.length);
                    System.arraycopy(g, 0, grads.get(l), at, g.length);
                }
            }
            Map<String, PathValues> out = new LinkedHashMap<>();
            for (String l : layers) {
                int[] shape = atX.layerValues.get(l).shape(), s = new int[shape.length + 1];
                s[0] = nodes;
                System.arraycopy(shape, 0, s, 1, shape.length);
                out.put(l, new PathValues(alpha.clone(), new Tensor(values.get(l), s), new Tensor(grads.get(l), s)));
            }
            return out;
        }
    }

    /**
     * One sweep along the path: its nodes and weights, whether conductance is taken by Captum's
     * differences between consecutive nodes (else from the exact {@code dy/dα}, a tangent), and
     * which of conductance, internal influence and integrated gradients it adds to.
     */
    private record Plan(double[] alpha, double[] w, boolean differences, boolean cond, boolean influence, boolean ig) {
        boolean tangent() {
            return cond && !differences;
        }
    }

    /**
     * The sweeps for the configured discretisation. Captum scheme: {@code m+1} nodes of the method
     * (Captum 0.8 LayerConductance); JVP: {@code m} nodes. In Captum-exact mode the weights are
     * Captum's step sizes, and the Captum scheme's IG and internal influence get their own sweep
     * over {@code m} nodes.
     */
    private List<Plan> plans() {
        boolean captum = discretisation == Discretisation.CAPTUM;
        int nodes = captum ? steps + 1 : steps;
        double[] alpha = method.nodes(nodes);
        if (!captumExact) return List.of(new Plan(alpha, method.weights(nodes), captum, true, true, integratedGradients));
        if (!captum) return List.of(new Plan(alpha, method.stepSizes(nodes), false, true, true, integratedGradients));
        return List.of(new Plan(alpha, null, true, true, false, false),
                new Plan(method.nodes(steps), method.stepSizes(steps), false, false, true, integratedGradients));
    }

    /** One piece of the path: examples {@code e0..e1-1} at nodes {@code k0..k1-1}. */
    private record Chunk(int e0, int e1, int k0, int k1) {}

    /**
     * Passes run at once: one per core on the host; one on a device, whose kernels already fill it
     * (rows per pass come from its free memory instead, {@link RowBudget}).
     */
    private static int passesAtOnce(Tensor x) {
        return x.isHost() ? Parallel.available() : 1;
    }

    private void integrate(StraightPath path, Plan plan, Tensor x, Tensor start, Tensor base, int[] classes,
                           Map<String, Tensor> cond, Map<String, Tensor> influence, Tensor ig, int maxRows) {
        int n = x.size(0);
        int nodes = plan.alpha.length;
        boolean overlap = plan.differences;
        // Chunk: examples per pass, and steps per pass (Captum-scheme chunks overlap by one node).
        int examplesPerPass = Math.max(1, Math.min(n, maxRows / Math.max(1, Math.min(nodes, maxRows))));
        int nodesPerPass = Math.max(overlap ? 2 : 1, Math.min(nodes, maxRows / examplesPerPass));
        List<Chunk> chunks = new ArrayList<>();
        for (int e0 = 0; e0 < n; e0 += examplesPerPass) {
            int e1 = Math.min(n, e0 + examplesPerPass);
            int k0 = 0;
            while (k0 < (overlap ? nodes - 1 : nodes)) {
                int k1 = Math.min(nodes, k0 + nodesPerPass); // nodes k0..k1-1 in this pass
                chunks.add(new Chunk(e0, e1, k0, k1));
                k0 = overlap ? k1 - 1 : k1;
            }
        }
        // The chunks' passes are independent, so they run Parallel.available() at a time (one per
        // core, each with hooks of its own); their sums are added on this thread in chunk order, so
        // the numbers do not depend on how many threads there are.
        int wave = passesAtOnce(x);
        for (int c0 = 0; c0 < chunks.size(); c0 += wave) {
            List<Chunk> part = chunks.subList(c0, Math.min(chunks.size(), c0 + wave));
            List<Supplier<StraightPath.Pass>> jobs = new ArrayList<>();
            for (Chunk ch : part) jobs.add(() -> chunkPass(path, plan, x, start, base, classes, ch));
            List<StraightPath.Pass> passes = Parallel.map(jobs);
            for (int i = 0; i < part.size(); i++) {
                accumulate(plan, part.get(i), passes.get(i), start, cond, influence, ig);
            }
        }
    }

    /** The forward and backward pass of one chunk (the path leaf carries the tangent when the plan needs dy/dα). */
    private StraightPath.Pass chunkPass(StraightPath path, Plan plan, Tensor x, Tensor start, Tensor base, int[] classes, Chunk ch) {
        int nk = ch.k1 - ch.k0;
        Tensor leaf = StraightPath.leaf(start, base, plan.alpha, ch.e0, ch.e1, ch.k0, ch.k1, plan.tangent());
        int[] rowClass = StraightPath.rowClasses(classes, ch.e0, ch.e1, nk);
        Tensor raw = path.startsAtInput() ? null : x.rows(ch.e0, ch.e1).tile(nk);
        return path.pass(raw, null, leaf, rowClass, false, layers, plan.ig);
    }

    /** Adds one chunk's pass to the running sums of conductance, internal influence and IG. */
    private void accumulate(Plan plan, Chunk ch, StraightPath.Pass p, Tensor start,
                            Map<String, Tensor> cond, Map<String, Tensor> influence, Tensor ig) {
        int e0 = ch.e0, k0 = ch.k0, ne = ch.e1 - ch.e0, nk = ch.k1 - ch.k0, rows = ne * nk;
        int per = start.numel() / start.size(0), last = plan.alpha.length - 1;
        // Where chunks overlap (the Captum scheme) the last node of a chunk is the first of the
        // next: internal influence and IG count it once, in the chunk where it is the path's last.
        int counted = plan.differences && k0 + nk - 1 != last ? nk - 1 : nk;
        double[] w = java.util.Arrays.copyOfRange(plan.w == null ? new double[last + 1] : plan.w, k0, k0 + counted);
        Backend be = start.device().backend();

        // Per layer: rows are step-major, so row (k, i) is at k * ne + i; the sums run on the device.
        for (String l : layers) {
            if (!plan.cond && !plan.influence) break;
            Tensor y = p.layerValues.get(l), g = p.layerGrads.get(l);
            int u = y.numel() / rows;
            // Internal influence: ∫ ∂F/∂y dα (docs/methods.md §1.6).
            if (plan.influence) be.pathWeightedSum(w, ne, u, g.storage(), null, influence.get(l).storage(), e0 * u);
            if (!plan.cond) continue;
            if (plan.differences) {
                // Cond ≈ Σ_k ∂F/∂y(α_k) · (y(α_{k+1}) − y(α_k))   (Captum 0.8 LayerConductance)
                be.pathDifferenceSum(nk, ne, u, g.storage(), y.storage(), cond.get(l).storage(), e0 * u);
            } else {
                // Cond = ∫ ∂F/∂y · dy/dα dα with dy/dα exact from forward mode.
                double[] wc = java.util.Arrays.copyOfRange(plan.w, k0, k0 + nk);
                be.pathWeightedSum(wc, ne, u, g.storage(), tangentOf(y).storage(), cond.get(l).storage(), e0 * u);
            }
        }
        if (!plan.ig) return;
        // Integrated gradients at the path start: Σ_k w_k ∂F/∂x(α_k) (times x − x' at the end).
        be.pathWeightedSum(w, ne, per, p.leafGrad.storage(), null, ig.storage(), e0 * per);
    }

    private static Tensor tangentOf(Tensor y) {
        if (y.tangent() == null) {
            // The layer does not depend on the path (e.g. before the path node): dy/dα = 0.
            return Tensor.zerosLike(y);
        }
        return y.tangent();
    }

    static void checkFinite(String what, Tensor t) {
        StraightPath.checkFinite(what, t);
    }
}
