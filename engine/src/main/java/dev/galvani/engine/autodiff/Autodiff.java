package dev.galvani.engine.autodiff;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.ShapeException;
import dev.galvani.engine.Tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Collections;

/**
 * Reverse mode: one topological sort of the recorded graph and one reverse sweep that adds each
 * op's VJP into its inputs' gradients (micrograd's {@code backward}, over tensors).
 */
public final class Autodiff {
    private Autodiff() {}

    /**
     * Gradients of {@code root} (weighted by {@code upstream}, or 1 for a scalar root) with respect
     * to any tensors of its graph, leaves or intermediates. Leaves' {@code grad} fields are untouched.
     * A tensor that does not influence the root gets a zero gradient.
     */
    public static Tensor[] grad(Tensor root, Tensor upstream, Tensor... wrt) {
        Map<Tensor, Tensor> grads = sweep(root, upstream, wrt);
        Tensor[] out = new Tensor[wrt.length];
        for (int i = 0; i < wrt.length; i++) {
            Tensor g = grads.get(wrt[i]);
            out[i] = g != null ? g : Tensor.zerosLike(wrt[i]);
        }
        return out;
    }

    /** Accumulates into {@code grad} of every leaf that requires gradients. */
    public static void backward(Tensor root, Tensor upstream) {
        Map<Tensor, Tensor> grads = sweep(root, upstream, null);
        for (Map.Entry<Tensor, Tensor> e : grads.entrySet()) {
            Tensor t = e.getKey();
            if (t.node() == null && t.requiresGrad()) {
                t.grad = t.grad == null ? e.getValue() : accumulate(t.grad, e.getValue());
            }
        }
    }

    private static Map<Tensor, Tensor> sweep(Tensor root, Tensor upstream, Tensor[] keep) {
        if (!root.requiresGrad()) {
            throw new GalvaniException("backward: the output does not depend on any tensor that requires gradients");
        }
        if (upstream == null) {
            if (root.numel() != 1) {
                throw new ShapeException("backward", "output of shape " + root.shapeString()
                        + " is not a scalar: give the upstream gradient");
            }
            upstream = Tensor.full(root.device(), 1f, root.shape());
        } else if (!Arrays.equals(upstream.shape(), root.shape())) {
            throw new ShapeException("backward", "upstream gradient " + upstream.shapeString()
                    + " does not match output " + root.shapeString());
        }
        List<Tensor> order = topologicalOrder(root);
        Set<Tensor> keepSet = Collections.newSetFromMap(new IdentityHashMap<>());
        if (keep != null) keepSet.addAll(Arrays.asList(keep));
        Set<Tensor> leadsToWanted = keep == null ? null : leadingTo(order, keepSet);
        Map<Tensor, Tensor> grads = new IdentityHashMap<>();
        grads.put(root, upstream);
        try (Grad.Scope s = Grad.internal()) {
            for (int i = order.size() - 1; i >= 0; i--) {
                Tensor t = order.get(i);
                Node node = t.node();
                // An intermediate's gradient is read only here, by its own VJP: unless it was asked
                // for, it leaves the map now, so a sweep holds the gradients of the frontier between
                // done and not-yet-done ops rather than of the whole graph (PyTorch frees them too).
                boolean release = node != null && t != root && (keep == null || !keepSet.contains(t));
                Tensor g = release ? grads.remove(t) : grads.get(t);
                // A VJP is linear in its upstream: an all-zero one gives nothing (a branch that an
                // upstream masked to one unit's slice never reaches), so its VJP is skipped.
                if (g == null || node == null || allZero(g)) continue;
                if (leadsToWanted != null && !anyIn(node.inputs(), leadsToWanted)) continue; // nothing asked for below
                Tensor[] gin = node.op().vjpChecked(g);
                Tensor[] inputs = node.inputs();
                for (int j = 0; j < inputs.length; j++) {
                    Tensor in = inputs[j];
                    if (gin[j] == null || !in.requiresGrad()) continue;
                    Tensor prev = grads.get(in);
                    grads.put(in, prev == null ? gin[j] : accumulate(prev, gin[j]));
                }
            }
        }
        return grads;
    }

    /**
     * Forward mode over an already recorded graph (JAX's {@code linearize}): the tangent of
     * {@code root} when the tensors {@code from} (leaves or intermediates of its graph) move along
     * {@code tangents}, pushed through each recorded op's JVP in topological order. No value is
     * recomputed, so one recorded forward pass serves any number of directions, each costing only
     * its tangent arithmetic (about half of a forward pass that carries a tangent). A tensor not
     * reached from {@code from} has a zero tangent; so has the root, if none of them reaches it.
     */
    public static Tensor jvp(Tensor root, Tensor[] from, Tensor[] tangents) {
        if (from.length != tangents.length) throw new IllegalArgumentException(from.length + " tensors, " + tangents.length + " tangents");
        Map<Tensor, Tensor> tan = new IdentityHashMap<>();
        for (int i = 0; i < from.length; i++) {
            if (tangents[i] != null && !Arrays.equals(tangents[i].shape(), from[i].shape())) {
                throw new ShapeException("jvp", "tangent " + tangents[i].shapeString() + " does not match " + from[i].shapeString());
            }
            tan.put(from[i], tangents[i]);
        }
        List<Tensor> order = topologicalOrder(root);
        // How many recorded ops still read each tensor's tangent: freed after its last reader.
        Map<Tensor, Integer> readers = new IdentityHashMap<>();
        for (Tensor t : order) {
            if (t.node() != null && !tan.containsKey(t)) for (Tensor in : t.node().inputs()) readers.merge(in, 1, Integer::sum);
        }
        for (Tensor t : order) {
            Node node = t.node();
            if (node == null || tan.containsKey(t)) continue; // a leaf, or a tensor whose tangent was given
            Tensor[] inputs = node.inputs();
            Tensor[] ts = null;
            for (int j = 0; j < inputs.length; j++) {
                Tensor ti = tan.get(inputs[j]);
                if (ti != null) {
                    if (ts == null) ts = new Tensor[inputs.length];
                    ts[j] = ti;
                }
            }
            for (Tensor in : inputs) {
                if (readers.merge(in, -1, Integer::sum) == 0 && in != root) tan.remove(in);
            }
            if (ts != null) tan.put(t, node.op().jvpChecked(ts));
        }
        Tensor out = tan.get(root);
        return out != null ? out : Tensor.zerosLike(root);
    }

    /**
     * The tensors of the graph from which a wanted tensor can be reached going towards the inputs
     * (the wanted ones included): a node none of whose inputs is among them needs no VJP, so a
     * sweep for a deep layer's gradient stops at that layer instead of running down to the input.
     */
    private static Set<Tensor> leadingTo(List<Tensor> order, Set<Tensor> wanted) {
        Set<Tensor> out = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Tensor t : order) { // inputs before outputs
            if (wanted.contains(t) || (t.node() != null && anyIn(t.node().inputs(), out))) out.add(t);
        }
        return out;
    }

    private static boolean allZero(Tensor t) {
        if (!t.isHost()) return false; // a check on a device would cost a copy: run the VJP
        for (float v : t.data()) if (v != 0f) return false;
        return true;
    }

    private static boolean anyIn(Tensor[] ts, Set<Tensor> set) {
        for (Tensor t : ts) if (set.contains(t)) return true;
        return false;
    }

    private static Tensor accumulate(Tensor a, Tensor b) {
        if (!a.isHost()) return a.add(b);
        float[] x = a.data(), d = b.data(), s = new float[x.length];
        dev.galvani.kernels.Parallel.split(s.length, s.length, 1L << 16, (i0, i1) -> {
            for (int i = i0; i < i1; i++) s[i] = x[i] + d[i];
        });
        return new Tensor(s, a.shape());
    }

    /** Tensors of the graph below {@code root}, inputs before outputs (iterative DFS). */
    static List<Tensor> topologicalOrder(Tensor root) {
        List<Tensor> order = new ArrayList<>();
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {root, 0});
        seen.add(root);
        while (!stack.isEmpty()) {
            Object[] top = stack.peek();
            Tensor t = (Tensor) top[0];
            int next = (Integer) top[1];
            Tensor[] inputs = t.node() == null ? new Tensor[0] : t.node().inputs();
            if (next < inputs.length) {
                top[1] = next + 1;
                Tensor in = inputs[next];
                if (in.requiresGrad() && seen.add(in)) stack.push(new Object[] {in, 0});
            } else {
                stack.pop();
                order.add(t);
            }
        }
        return order;
    }
}
