package dev.galvani.attribution.conductance;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.ShapeException;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.autodiff.Autodiff;
import dev.galvani.engine.autodiff.Grad;
import dev.galvani.engine.nn.CachedRun;
import dev.galvani.engine.nn.Hook;
import dev.galvani.engine.nn.Module;
import dev.galvani.engine.nn.NamedHook;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A model seen along the straight path {@code x(α) = x' + α (x − x')}: where the path starts (the
 * model input, or a named node's output such as a text model's embedding), and the scalar {@code F}
 * the attribution explains. It lays out path rows as graph leaves, runs passes through the
 * unmodified model with thread-confined hooks, and is shared by {@link LayerConductance} and
 * {@link NeuronConductance}, so both see exactly the same path and the same {@code F}.
 */
final class StraightPath {
    private final Module model;
    private final String node;      // null: the path starts at the model input
    private final TargetKind target;

    StraightPath(Module model, String node, TargetKind target) {
        this.model = model;
        this.node = node;
        this.target = target;
    }

    boolean startsAtInput() {
        return node == null;
    }

    /** What one forward/backward pass yields. */
    static final class Pass {
        final Map<String, Tensor> layerValues = new LinkedHashMap<>();
        final Map<String, Tensor> layerGrads = new LinkedHashMap<>();
        Tensor start;        // the path start node's value (input or named node)
        Tensor leafGrad;     // ∂F/∂(path leaf), when asked for
        float[] f;           // F per row
        int[] predicted;
    }

    /**
     * One pass. {@code raw} is the model input; when {@code leaf} is given it replaces the path
     * start (the input itself, or the named node's output); when {@code startOverride} is given
     * (baseline pass) it replaces the start's value without a graph leaf. With {@code wantGrads}
     * (or a leaf), one backward sweep gives {@code ∂F/∂y} for every layer, and {@code ∂F/∂start}
     * too when {@code gradAtStart}; without it the sweep stops at the deepest layer.
     */
    Pass pass(Tensor raw, Tensor startOverride, Tensor leaf, int[] classes, boolean wantGrads,
              List<String> layers, boolean gradAtStart) {
        Pass p = new Pass();
        List<NamedHook> hooks = new ArrayList<>();
        Tensor[] startBox = new Tensor[1];
        // A path pass that needs no gradient below the layers records no graph below them: the
        // rows start without one, and the layers reached without one become the graph's leaves.
        boolean cut = leaf != null && !wantGrads && !gradAtStart && !layers.isEmpty();
        if (cut) leaf = leaf.detach().withTangent(leaf.tangent());
        Tensor input = startOf(raw, leaf != null ? leaf : startOverride, wantGrads, startBox, hooks);
        Grad.Scope[] stop = new Grad.Scope[1];
        if (cut) hooks.addAll(belowLayers(layers, startBox, leaf.tangent() != null, stop));
        CachedRun run;
        try {
            run = model.runWithCache(input, layers, hooks.toArray(new NamedHook[0]));
        } finally {
            if (stop[0] != null) stop[0].close();
        }
        Map<String, Tensor> cache = run.cache();
        Tensor logits = run.output();
        if (logits.dim() != 2) throw new ShapeException("attribution", "model output " + logits.shapeString() + " is not [N, classes]");
        int nc = logits.size(1);
        if (classes == null) classes = dev.galvani.engine.F.argmax(logits);
        p.predicted = classes;
        for (int c : classes) {
            if (c < 0 || c >= nc) throw new GalvaniException("target class " + c + " out of range for " + nc + " classes");
        }
        Tensor fRows = targetRows(logits, classes);
        p.f = fRows.toHost().data().clone(); // F per row: a result
        p.start = startBox[0];
        checkFinite("model output", logits);
        boolean grads = wantGrads || leaf != null;
        if (grads && fRows.requiresGrad()) {
            Tensor[] wrt = new Tensor[layers.size() + (gradAtStart ? 1 : 0)];
            for (int i = 0; i < layers.size(); i++) wrt[i] = cache.get(layers.get(i));
            if (gradAtStart) wrt[layers.size()] = p.start;
            Tensor[] g = Autodiff.grad(fRows.sum(), null, wrt);
            for (int i = 0; i < layers.size(); i++) p.layerGrads.put(layers.get(i), g[i]);
            if (gradAtStart) p.leafGrad = g[layers.size()];
        }
        for (String l : layers) p.layerValues.put(l, cache.get(l));
        return p;
    }

    /**
     * Hooks on the layers of a pass that wants {@code ∂F/∂y} at the layers only. The pass starts
     * without a graph; a layer reached without one (the first, and any beside it rather than above
     * it) becomes a leaf that requires gradients, keeping its tangent, so nothing below the layers
     * is held for the backward sweep, and every layer's gradient flows back to it. When the pass
     * carries tangents, once every layer has its tangent the rest of the forward pass runs without
     * them (conductance needs {@code dy/dα} at the layers only, docs/methods.md §1).
     */
    private static List<NamedHook> belowLayers(List<String> layers, Tensor[] startBox, boolean tangents, Grad.Scope[] stop) {
        Set<String> seen = new HashSet<>();
        List<NamedHook> hooks = new ArrayList<>();
        Set<String> distinct = new LinkedHashSet<>(layers);
        for (String layer : distinct) {
            Hook h = (name, v) -> {
                if (startBox[0] == null) return v; // before the path starts: does not depend on it
                if (stop[0] != null) {
                    throw new GalvaniException("layer '" + layer + "' runs again after every layer was computed: a layer"
                            + " called more than once per forward pass cannot be attributed");
                }
                Tensor out = v.requiresGrad() ? v : v.detach().requiresGrad(true).withTangent(v.tangent());
                seen.add(layer);
                if (tangents && seen.size() == distinct.size()) stop[0] = Grad.tangentsOff();
                return out;
            };
            hooks.add(h.at(layer));
        }
        return hooks;
    }

    /**
     * The layer's output for the path rows in {@code leaf}, with its graph back to the leaf (when
     * the leaf requires gradients) and its tangent (when the leaf carries one). The forward pass
     * stops once the layer is computed: what lies above it is never run.
     */
    Tensor untilLayer(Tensor raw, Tensor leaf, String layer) {
        List<NamedHook> hooks = new ArrayList<>();
        Tensor[] startBox = new Tensor[1];
        Tensor input = startOf(raw, leaf, false, startBox, hooks);
        Hook stop = (name, v) -> {
            if (startBox[0] == null) {
                throw new GalvaniException("layer '" + layer + "' is computed before the path starts at '" + node + "': it does not depend on the path");
            }
            throw new LayerReached(v);
        };
        hooks.add(stop.at(layer));
        try {
            model.runWithHooks(input, hooks.toArray(new NamedHook[0]));
        } catch (LayerReached r) {
            return r.value;
        }
        throw new GalvaniException("layer '" + layer + "' was not reached by the forward pass");
    }

    /** Carries a layer's value out of a forward pass that need not go further (no stack trace). */
    private static final class LayerReached extends RuntimeException {
        final transient Tensor value;

        LayerReached(Tensor value) {
            super(null, null, false, false);
            this.value = value;
        }
    }

    /** The model input for a pass, plus a hook that swaps the path node's output when the path starts there. */
    private Tensor startOf(Tensor raw, Tensor replacement, boolean wantGrads, Tensor[] startBox, List<NamedHook> hooks) {
        if (node == null) {
            Tensor input = replacement != null ? replacement : raw.detach().requiresGrad(wantGrads);
            startBox[0] = input;
            return input;
        }
        Hook swap = (name, v) -> {
            Tensor r = replacement != null ? replacement : v.detach().requiresGrad(wantGrads);
            if (!Arrays.equals(r.shape(), v.shape())) {
                throw new ShapeException("path", "path node value " + r.shapeString() + " does not match node output " + v.shapeString());
            }
            startBox[0] = r;
            return r;
        };
        hooks.add(swap.at(node));
        return raw;
    }

    /**
     * The path rows for examples {@code e0..e1-1} at nodes {@code k0..k1-1}, step-major (row
     * {@code k * ne + i}): {@code x' + α_k (x − x')}, a leaf that requires gradients and, when
     * {@code withTangent}, carries the tangent {@code x − x'}.
     */
    static Tensor leaf(Tensor start, Tensor base, double[] alpha, int e0, int e1, int k0, int k1, boolean withTangent) {
        int ne = e1 - e0, nk = k1 - k0, rows = ne * nk, per = start.numel() / start.size(0);
        float[] a = new float[nk];
        for (int k = 0; k < nk; k++) a[k] = (float) alpha[k0 + k];
        int[] shape = start.shape();
        shape[0] = rows;
        Tensor path = Tensor.zeros(start.device(), shape), tangent = withTangent ? Tensor.zeros(start.device(), shape) : null;
        start.device().backend().pathRows(start.storage(), base.storage(), a, e0, ne, per, path.storage(),
                tangent == null ? null : tangent.storage());
        Tensor leaf = path.requiresGrad(true);
        if (tangent != null) leaf.withTangent(tangent);
        return leaf;
    }

    /** The target class of each path row (step-major). */
    static int[] rowClasses(int[] classes, int e0, int e1, int nk) {
        int ne = e1 - e0;
        int[] out = new int[ne * nk];
        for (int k = 0; k < nk; k++) for (int i = 0; i < ne; i++) out[k * ne + i] = classes[e0 + i];
        return out;
    }

    /** The baseline per example: zeros, the given one, or one given baseline broadcast over the examples. */
    static Tensor baselineFor(Tensor start, Tensor baseline) {
        if (baseline == null) return Tensor.zerosLike(start);
        int[] s = start.shape(), b = baseline.shape();
        if (Arrays.equals(s, b)) return baseline.to(start.device());
        return Tensor.zerosLike(start).add(baseline.to(start.device()));
    }

    /** {@code F} per row: the target class's logit, probability or log-probability. */
    Tensor targetRows(Tensor logits, int[] classes) {
        int rows = logits.size(0), nc = logits.size(1);
        float[] onehot = new float[rows * nc];
        for (int r = 0; r < rows; r++) onehot[r * nc + classes[r]] = 1f;
        Tensor mask = new Tensor(onehot, rows, nc).to(logits.device());
        Tensor z = logits;
        if (target != TargetKind.LOGIT) {
            // log-softmax, stabilised by a constant (detached) row max
            Tensor shift = dev.galvani.engine.F.max(logits.detach(), true, 1);
            Tensor shifted = logits.sub(shift);
            z = shifted.sub(shifted.exp().sum(true, 1).log());
            if (target == TargetKind.PROBABILITY) z = z.exp();
        }
        return z.mul(mask).sum(false, 1);
    }

    static void checkFinite(String what, Tensor t) {
        float[] d = t.toHost().data();
        for (int i = 0; i < d.length; i++) {
            if (!Float.isFinite(d[i])) {
                throw new GalvaniException(what + " has a non-finite value (" + d[i] + ") at flat index " + i);
            }
        }
    }
}
