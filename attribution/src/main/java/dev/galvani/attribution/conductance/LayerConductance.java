package dev.galvani.attribution.conductance;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.ShapeException;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.autodiff.Autodiff;
import dev.galvani.engine.nn.CachedRun;
import dev.galvani.engine.nn.Hook;
import dev.galvani.engine.nn.Module;
import dev.galvani.engine.nn.NamedHook;
import dev.galvani.kernels.Parallel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Conductance of hidden units (Dhamdhere, Sundararajan, Yan 2018; docs/methods.md §1), and in the same
 * pass its peers: integrated gradients at the path's start node (optional: without them the
 * backward sweep stops at the deepest layer asked for), internal influence, activation and
 * gradient*activation.
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
public final class LayerConductance {
    private final Module model;
    private final List<String> layers = new ArrayList<>();
    private int steps = 50;
    private Quadrature method = Quadrature.GAUSS_LEGENDRE;
    private Discretisation discretisation = Discretisation.JVP;
    private TargetKind target = TargetKind.LOGIT;
    private String pathNode;
    private Tensor baseline;
    // Measured (Inception-style net, 16 images x 50 steps, 2-core AVX-512, JDK 25, passes in parallel):
    // 51-64 rows per pass is best (Captum-style 10.2/9.9, JVP 7.4/7.6 attributions/s); 16 rows 7.9/6.1,
    // 128 rows 7.6/4.8, one pass of all 816 rows about half the default: larger passes overflow the caches.
    private int maxRows = 64;
    private boolean integratedGradients = true;

    public LayerConductance(Module model) {
        this.model = model;
    }

    /** Layers (dotted node names) to attribute; several come out of the same pass. */
    public LayerConductance layers(String... names) {
        for (String n : names) model.module(n); // fails early, with the nearest names
        layers.addAll(Arrays.asList(names));
        return this;
    }

    /** Number of path steps {@code m} (Captum's {@code n_steps}). */
    public LayerConductance steps(int m) {
        if (m < 1) throw new GalvaniException("--steps must be at least 1, got " + m);
        this.steps = m;
        return this;
    }

    public LayerConductance method(Quadrature q) {
        this.method = q;
        return this;
    }

    public LayerConductance discretisation(Discretisation d) {
        this.discretisation = d;
        return this;
    }

    public LayerConductance target(TargetKind t) {
        this.target = t;
        return this;
    }

    /** Start the path at this node's output instead of the model input. */
    public LayerConductance pathFrom(String node) {
        model.module(node);
        this.pathNode = node;
        return this;
    }

    /** The baseline {@code x'} (input space, or the path node's space), broadcastable per example; default zeros. */
    public LayerConductance baseline(Tensor b) {
        this.baseline = b;
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
     * Memory bound: the most rows (steps x examples) in one forward/backward pass. Passes run one
     * per core at a time, so peak memory is about {@code Parallel.threads()} passes' worth.
     */
    public LayerConductance maxRows(int rows) {
        if (rows < 2) throw new GalvaniException("--max-rows must be at least 2, got " + rows);
        this.maxRows = rows;
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
        int n = x.size(0);
        // Evaluation mode: batch statistics would couple the rows of the path.
        try (Module.Mode e = model.evaluating(); Frozen f = Frozen.parameters(model)) {
            // 1. One pass at x and one at the baseline: F(x), F(x'), y(x), dF/dy(x), the start point.
            Pass atX = pass(x, null, null, classes == null ? null : classes, true);
            if (classes == null) classes = atX.predicted;
            Tensor start = atX.start.detach();            // path start node value at x, [N, ...]
            Tensor base = baselineFor(start);              // [N, ...]
            Pass atBase = pass(x, base, null, classes, false);

            // 2. The path, chunked.
            Map<String, float[]> cond = new LinkedHashMap<>(), influence = new LinkedHashMap<>();
            for (String l : layers) {
                cond.put(l, new float[atX.layerValues.get(l).numel()]);
                influence.put(l, new float[atX.layerValues.get(l).numel()]);
            }
            float[] ig = new float[start.numel()];
            integrate(x, start, base, classes, cond, influence, ig);

            // 3. Assemble.
            Map<String, AttributionResult.Layer> out = new LinkedHashMap<>();
            for (String l : layers) {
                Tensor y = atX.layerValues.get(l);
                Tensor g = atX.layerGrads.get(l);
                out.put(l, new AttributionResult.Layer(l,
                        new Tensor(cond.get(l), y.shape()),
                        new Tensor(influence.get(l), y.shape()),
                        y.detach(),
                        y.detach().mul(g)));
            }
            Tensor igTensor = null;
            if (integratedGradients) {
                float[] igFull = ig.clone(), d = start.sub(base).data();
                for (int i = 0; i < igFull.length; i++) igFull[i] *= d[i];
                igTensor = new Tensor(igFull, start.shape());
            }
            return new AttributionResult(out, igTensor, atX.f, atBase.f, classes, steps, method, discretisation, target);
        }
    }

    /**
     * Neuron conductance (Dhamdhere et al., eq. 2; Captum's {@code NeuronConductance}): how much of
     * filter {@code channel} of {@code layer}'s conductance flows through each input element,
     * {@code (x_i − x'_i) Σ_k w_k ∂F/∂y(α_k) · ∂y/∂x_i(α_k)} summed over the filter's positions,
     * with the method's nodes and weights. Two sweeps per chunk: one for ∂F/∂y, one from the
     * filter (weighted by it) back to the path. Returns [N, ...path start shape].
     */
    public Tensor neuronConductance(Tensor x, int[] classes, String layer, int channel) {
        checkFinite("input", x);
        model.module(layer);
        List<String> saved = new ArrayList<>(layers);
        layers.clear();
        layers.add(layer);
        try (Module.Mode e = model.evaluating(); Frozen f = Frozen.parameters(model)) {
            Pass atX = pass(x, null, null, classes, false);
            if (classes == null) classes = atX.predicted;
            Tensor start = atX.start.detach(), base = baselineFor(start);
            int n = x.size(0), per = start.numel() / n, nodes = steps;
            double[] alpha = method.nodes(nodes), w = method.weights(nodes);
            float[] out = new float[start.numel()];
            int perPass = Math.max(1, maxRows / nodes);
            for (int e0 = 0; e0 < n; e0 += perPass) {
                int e1 = Math.min(n, e0 + perPass), ne = e1 - e0, rows = ne * nodes;
                Tensor leaf = pathLeaf(start, base, alpha, e0, e1, 0, nodes, false);
                int[] rowClass = rowClasses(classes, e0, e1, nodes);
                Tensor raw = pathNode == null ? null : x.rows(e0, e1).tile(nodes);
                Pass p = pass(raw, null, leaf, rowClass, true);
                Tensor y = p.layerValues.get(layer), g = p.layerGrads.get(layer);
                if (channel < 0 || y.dim() < 2 || channel >= y.size(1)) {
                    throw new GalvaniException("unit " + channel + " out of range for '" + layer + "' with " + (y.dim() < 2 ? 0 : y.size(1)) + " units");
                }
                int c = y.size(1), pos = y.numel() / (rows * c);
                float[] up = new float[y.numel()];
                for (int r = 0; r < rows; r++) {
                    float wk = (float) w[r / ne];
                    int off = (r * c + channel) * pos;
                    for (int q = 0; q < pos; q++) up[off + q] = wk * g.data()[off + q];
                }
                Tensor gx = Autodiff.grad(y, new Tensor(up, y.shape()), leaf)[0];
                for (int k = 0; k < nodes; k++) for (int i = 0; i < ne; i++) {
                    for (int j = 0; j < per; j++) {
                        int dst = (e0 + i) * per + j;
                        out[dst] += gx.data()[(k * ne + i) * per + j] * (start.data()[dst] - base.data()[dst]);
                    }
                }
            }
            return new Tensor(out, start.shape());
        } finally {
            layers.clear();
            layers.addAll(saved);
        }
    }

    /** Path nodes: {@code m+1} for the Captum difference scheme, {@code m} for JVP quadrature. */
    private int nodeCount() {
        return discretisation == Discretisation.CAPTUM ? steps + 1 : steps;
    }

    /** One piece of the path: examples {@code e0..e1-1} at nodes {@code k0..k1-1}. */
    private record Chunk(int e0, int e1, int k0, int k1) {}

    private void integrate(Tensor x, Tensor start, Tensor base, int[] classes,
                           Map<String, float[]> cond, Map<String, float[]> influence, float[] ig) {
        int n = x.size(0);
        int nodes = nodeCount();
        double[] alpha = method.nodes(nodes), w = method.weights(nodes);
        boolean captum = discretisation == Discretisation.CAPTUM;
        // Chunk: examples per pass, and steps per pass (Captum chunks overlap by one node).
        int examplesPerPass = Math.max(1, Math.min(n, maxRows / Math.max(1, Math.min(nodes, maxRows))));
        int nodesPerPass = Math.max(captum ? 2 : 1, Math.min(nodes, maxRows / examplesPerPass));
        List<Chunk> chunks = new ArrayList<>();
        for (int e0 = 0; e0 < n; e0 += examplesPerPass) {
            int e1 = Math.min(n, e0 + examplesPerPass);
            int k0 = 0;
            while (k0 < (captum ? nodes - 1 : nodes)) {
                int k1 = Math.min(nodes, k0 + nodesPerPass); // nodes k0..k1-1 in this pass
                chunks.add(new Chunk(e0, e1, k0, k1));
                k0 = captum ? k1 - 1 : k1;
            }
        }
        // The chunks' passes are independent, so they run Parallel.available() at a time (one per
        // core, each with hooks of its own); their sums are added on this thread in chunk order, so
        // the numbers do not depend on how many threads there are.
        int wave = Parallel.available();
        for (int c0 = 0; c0 < chunks.size(); c0 += wave) {
            List<Chunk> part = chunks.subList(c0, Math.min(chunks.size(), c0 + wave));
            List<Supplier<Pass>> jobs = new ArrayList<>();
            for (Chunk ch : part) jobs.add(() -> chunkPass(x, start, base, classes, ch, alpha, captum));
            List<Pass> passes = Parallel.map(jobs);
            for (int i = 0; i < part.size(); i++) {
                accumulate(part.get(i), passes.get(i), start, alpha, w, captum, cond, influence, ig);
            }
        }
    }

    /** The forward and backward pass of one chunk (the path leaf carries the tangent in JVP mode). */
    private Pass chunkPass(Tensor x, Tensor start, Tensor base, int[] classes, Chunk ch, double[] alpha, boolean captum) {
        int nk = ch.k1 - ch.k0;
        Tensor leaf = pathLeaf(start, base, alpha, ch.e0, ch.e1, ch.k0, ch.k1, !captum);
        int[] rowClass = rowClasses(classes, ch.e0, ch.e1, nk);
        Tensor raw = pathNode == null ? null : x.rows(ch.e0, ch.e1).tile(nk);
        return pass(raw, null, leaf, rowClass, false);
    }

    /** Adds one chunk's pass to the running sums of conductance, internal influence and IG. */
    private void accumulate(Chunk ch, Pass p, Tensor start, double[] alpha, double[] w, boolean captum,
                            Map<String, float[]> cond, Map<String, float[]> influence, float[] ig) {
        int e0 = ch.e0, k0 = ch.k0, ne = ch.e1 - ch.e0, nk = ch.k1 - ch.k0, rows = ne * nk;
        int per = start.numel() / start.size(0);

        // Accumulate per layer: rows are step-major, so row (k, i) is at k * ne + i.
        for (String l : layers) {
            Tensor y = p.layerValues.get(l), g = p.layerGrads.get(l);
            int u = y.numel() / rows;
            float[] yd = y.data(), gd = g.data(), c = cond.get(l), inf = influence.get(l);
            float[] td = captum ? null : tangentOf(y).data();
            for (int k = 0; k < nk; k++) {
                double wk = w[k0 + k];
                boolean hasNext = k + 1 < nk;
                for (int i = 0; i < ne; i++) {
                    int r = (k * ne + i) * u, dst = (e0 + i) * u;
                    // Internal influence: ∫ ∂F/∂y dα (docs/methods.md §1.6). In Captum mode the last node of
                    // a chunk is the first of the next: count it once.
                    boolean countNode = !captum || hasNext || k0 + k == alpha.length - 1;
                    if (countNode) for (int j = 0; j < u; j++) inf[dst + j] += (float) (wk * gd[r + j]);
                    if (captum) {
                        if (!hasNext) continue;
                        // Cond ≈ Σ_k ∂F/∂y(α_k) · (y(α_{k+1}) − y(α_k))   (Captum 0.8 LayerConductance)
                        int rn = ((k + 1) * ne + i) * u;
                        for (int j = 0; j < u; j++) c[dst + j] += gd[r + j] * (yd[rn + j] - yd[r + j]);
                    } else {
                        // Cond = ∫ ∂F/∂y · dy/dα dα with dy/dα exact from forward mode.
                        for (int j = 0; j < u; j++) c[dst + j] += (float) (wk * gd[r + j] * td[r + j]);
                    }
                }
            }
        }
        if (!integratedGradients) return;
        // Integrated gradients at the path start: Σ_k w_k ∂F/∂x(α_k) (times x − x' at the end).
        float[] gl = p.leafGrad.data();
        for (int k = 0; k < nk; k++) {
            if (captum && k + 1 == nk && k0 + k != alpha.length - 1) continue;
            double wk = w[k0 + k];
            for (int i = 0; i < ne; i++) {
                int r = (k * ne + i) * per, dst = (e0 + i) * per;
                for (int j = 0; j < per; j++) ig[dst + j] += (float) (wk * gl[r + j]);
            }
        }
    }

    /**
     * The path rows for examples {@code e0..e1-1} at nodes {@code k0..k1-1}, step-major (row
     * {@code k * ne + i}): {@code x' + α_k (x − x')}, a leaf that requires gradients and, for the
     * JVP discretisation, carries the tangent {@code x − x'}.
     */
    private static Tensor pathLeaf(Tensor start, Tensor base, double[] alpha, int e0, int e1, int k0, int k1, boolean withTangent) {
        int ne = e1 - e0, nk = k1 - k0, rows = ne * nk, per = start.numel() / start.size(0);
        float[] s = start.data(), b = base.data();
        float[] path = new float[rows * per], tangent = withTangent ? new float[rows * per] : null;
        for (int k = 0; k < nk; k++) {
            float a = (float) alpha[k0 + k];
            for (int i = 0; i < ne; i++) {
                int src = (e0 + i) * per, dst = (k * ne + i) * per;
                for (int j = 0; j < per; j++) {
                    float bj = b[src + j], dj = s[src + j] - bj;
                    path[dst + j] = bj + a * dj;
                    if (tangent != null) tangent[dst + j] = dj;
                }
            }
        }
        int[] shape = start.shape();
        shape[0] = rows;
        Tensor leaf = new Tensor(path, shape).requiresGrad(true);
        if (tangent != null) leaf.withTangent(new Tensor(tangent, shape));
        return leaf;
    }

    /** The target class of each path row (step-major). */
    private static int[] rowClasses(int[] classes, int e0, int e1, int nk) {
        int ne = e1 - e0;
        int[] out = new int[ne * nk];
        for (int k = 0; k < nk; k++) for (int i = 0; i < ne; i++) out[k * ne + i] = classes[e0 + i];
        return out;
    }

    private static Tensor tangentOf(Tensor y) {
        if (y.tangent() == null) {
            // The layer does not depend on the path (e.g. before the path node): dy/dα = 0.
            return Tensor.zeros(y.shape());
        }
        return y.tangent();
    }

    /** What one forward/backward pass yields. */
    private static final class Pass {
        Map<String, Tensor> layerValues = new LinkedHashMap<>();
        Map<String, Tensor> layerGrads = new LinkedHashMap<>();
        Tensor start;        // the path start node's value (input or named node)
        Tensor leafGrad;     // ∂F/∂(path leaf)
        float[] f;           // F per row
        int[] predicted;
    }

    /**
     * One pass. {@code raw} is the model input; when {@code leaf} is given it replaces the path
     * start (the input itself, or the named node's output); when {@code startOverride} is given
     * (baseline pass) it replaces the start's value without a graph leaf.
     */
    private Pass pass(Tensor raw, Tensor startOverride, Tensor leaf, int[] classes, boolean wantGrads) {
        Pass p = new Pass();
        Tensor[] startBox = new Tensor[1];
        Tensor replacement = leaf != null ? leaf : startOverride;
        Tensor input;
        NamedHook[] startHook = {};
        if (pathNode == null) {
            input = replacement != null ? replacement : raw.detach().requiresGrad(wantGrads);
            startBox[0] = input;
        } else {
            input = raw;
            Tensor firstLeaf = replacement;
            Hook swap = (name, v) -> {
                Tensor r = firstLeaf != null ? firstLeaf : v.detach().requiresGrad(wantGrads);
                if (!Arrays.equals(r.shape(), v.shape())) {
                    throw new ShapeException("path", "path node value " + r.shapeString() + " does not match node output " + v.shapeString());
                }
                startBox[0] = r;
                return r;
            };
            startHook = new NamedHook[] {swap.at(pathNode)};
        }
        CachedRun run = model.runWithCache(input, layers, startHook);
        Map<String, Tensor> cache = run.cache();
        Tensor logits = run.output();
        if (logits.dim() != 2) throw new ShapeException("attribution", "model output " + logits.shapeString() + " is not [N, classes]");
        int rows = logits.size(0), nc = logits.size(1);
        if (classes == null) classes = dev.galvani.engine.F.argmax(logits);
        p.predicted = classes;
        for (int c : classes) {
            if (c < 0 || c >= nc) throw new GalvaniException("target class " + c + " out of range for " + nc + " classes");
        }
        Tensor fRows = targetRows(logits, classes);
        p.f = fRows.data().clone();
        p.start = startBox[0];
        checkFinite("model output", logits);
        boolean grads = wantGrads || leaf != null;
        if (grads && fRows.requiresGrad()) {
            // Without integrated gradients the sweep stops at the deepest requested layer.
            Tensor[] wrt = new Tensor[layers.size() + (integratedGradients ? 1 : 0)];
            for (int i = 0; i < layers.size(); i++) wrt[i] = cache.get(layers.get(i));
            if (integratedGradients) wrt[layers.size()] = p.start;
            Tensor[] g = Autodiff.grad(fRows.sum(), null, wrt);
            for (int i = 0; i < layers.size(); i++) p.layerGrads.put(layers.get(i), g[i]);
            if (integratedGradients) p.leafGrad = g[layers.size()];
        }
        for (String l : layers) p.layerValues.put(l, cache.get(l));
        return p;
    }

    /** {@code F} per row: the target class's logit, probability or log-probability. */
    private Tensor targetRows(Tensor logits, int[] classes) {
        int rows = logits.size(0), nc = logits.size(1);
        float[] onehot = new float[rows * nc];
        for (int r = 0; r < rows; r++) onehot[r * nc + classes[r]] = 1f;
        Tensor mask = new Tensor(onehot, rows, nc);
        Tensor z = logits;
        if (target != TargetKind.LOGIT) {
            // log-softmax, stabilised by a constant (detached) row max
            float[] mx = new float[rows];
            float[] l = logits.data();
            for (int r = 0; r < rows; r++) {
                float m = Float.NEGATIVE_INFINITY;
                for (int c = 0; c < nc; c++) m = Math.max(m, l[r * nc + c]);
                mx[r] = m;
            }
            Tensor shift = new Tensor(mx, rows, 1);
            Tensor shifted = logits.sub(shift);
            z = shifted.sub(shifted.exp().sum(true, 1).log());
            if (target == TargetKind.PROBABILITY) z = z.exp();
        }
        return z.mul(mask).sum(false, 1);
    }

    private Tensor baselineFor(Tensor start) {
        if (baseline == null) return Tensor.zerosLike(start);
        int[] s = start.shape(), b = baseline.shape();
        if (Arrays.equals(s, b)) return baseline;
        // broadcast one baseline over the examples
        return Tensor.zeros(s).add(baseline);
    }




    static void checkFinite(String what, Tensor t) {
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            if (!Float.isFinite(d[i])) {
                throw new GalvaniException(what + " has a non-finite value (" + d[i] + ") at flat index " + i);
            }
        }
    }
}
