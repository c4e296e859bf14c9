package dev.galvani.engine.ops;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.autodiff.Grad;
import dev.galvani.engine.autodiff.Node;

import java.util.Arrays;

/**
 * A primitive: forward, VJP and JVP side by side in one class.
 *
 * <p>An instance is made per application (its fields hold what the derivatives need, like a
 * PyTorch {@code ctx}); {@link #apply} runs {@link #forward}, records a graph node when gradients
 * are on and an input requires them, and computes the output's tangent when an input carries one.
 * The derivative methods run under {@link Grad#internal()}, so they may use ordinary tensor
 * arithmetic.
 *
 * <p>To add an op: subclass, implement the three methods, add a shorthand where users will look
 * for it, and add a {@code GradCheck} test (a few lines).
 */
public abstract class Op {

    /** The inputs of this application, saved for the derivatives. */
    protected Tensor[] in;
    /** The output of this application (some derivatives are cheaper from it, e.g. exp). */
    protected Tensor out;

    /** The op's name in errors and graph listings, e.g. {@code "conv2d"}. */
    public abstract String name();

    /** Computes the output values from the inputs' values (no graph, no tangents). */
    protected abstract Tensor forward(Tensor[] in);

    /**
     * Vector-Jacobian product: given dL/d(out), returns dL/d(in_i) for each input, each of the
     * input's shape (null where an input is not differentiable, e.g. integer labels).
     */
    protected abstract Tensor[] vjp(Tensor gradOut);

    /**
     * Jacobian-vector product: given the inputs' tangents (null means zero), returns the output's
     * tangent (null if it is zero).
     */
    protected abstract Tensor jvp(Tensor[] tangents);

    public final Tensor apply(Tensor... inputs) {
        for (int i = 1; i < inputs.length; i++) {
            if (inputs[i].device() != inputs[0].device()) {
                throw new GalvaniException(name() + ": input 0 is on " + inputs[0].device() + ", input " + i + " on "
                        + inputs[i].device() + " (move them with Tensor.to or Module.to)");
            }
        }
        this.in = inputs;
        Tensor y;
        try (Grad.Scope s = Grad.internal()) {
            y = forward(inputs);
        }
        this.out = y;
        if (Grad.enabled()) {
            for (Tensor t : inputs) {
                if (t.requiresGrad()) {
                    y.attach(new Node(this, inputs));
                    break;
                }
            }
        }
        if (Grad.tangentsEnabled()) {
            Tensor[] tangents = null;
            for (int i = 0; i < inputs.length; i++) {
                if (inputs[i].tangent() != null) {
                    if (tangents == null) tangents = new Tensor[inputs.length];
                    tangents[i] = inputs[i].tangent();
                }
            }
            if (tangents != null) y.withTangent(jvpChecked(tangents));
        }
        return y;
    }

    /** Runs {@link #vjp} and checks that each gradient has its input's shape. */
    public final Tensor[] vjpChecked(Tensor gradOut) {
        Tensor[] g = vjp(gradOut);
        for (int i = 0; i < g.length; i++) {
            if (g[i] != null && !Arrays.equals(g[i].shape(), in[i].shape())) {
                throw new GalvaniException(name() + ": VJP for input " + i + " has shape " + g[i].shapeString()
                        + ", input has " + in[i].shapeString());
            }
        }
        return g;
    }

    /**
     * Runs {@link #jvp} on this application's saved values (outside any recording) and checks that
     * the tangent has the output's shape; null means zero. Forward mode over a recorded graph
     * ({@code Autodiff.jvp}) calls it again with other tangents, without recomputing the output.
     */
    public final Tensor jvpChecked(Tensor[] tangents) {
        Tensor t;
        try (Grad.Scope s = Grad.internal()) {
            t = jvp(tangents);
        }
        if (t != null && !Arrays.equals(t.shape(), out.shape())) {
            throw new GalvaniException(name() + ": JVP returned " + t.shapeString() + " for output " + out.shapeString());
        }
        return t;
    }

    /** Adds two tangents where either may be null (zero). */
    protected static Tensor addTangents(Tensor a, Tensor b) {
        if (a == null) return b;
        if (b == null) return a;
        return a.add(b);
    }
}
