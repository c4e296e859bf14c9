package dev.galvani.engine;

import dev.galvani.engine.autodiff.Autodiff;
import dev.galvani.engine.autodiff.Node;
import dev.galvani.engine.ops.*;

import java.util.Arrays;

/**
 * A dense float tensor: contiguous row-major data and a shape (strides are implied by the shape;
 * {@link #reshape} is a view that shares the data, other layout changes copy).
 *
 * <p>Autodiff state rides on the tensor:
 * <ul>
 *   <li>{@code node}: the op that produced it, recorded when gradients are enabled and an input
 *       requires them (reverse mode, {@link Autodiff}).</li>
 *   <li>{@code tangent}: its directional derivative, carried along when an input has a tangent
 *       (forward mode: every op computes its JVP as it runs).</li>
 * </ul>
 * The arithmetic methods here are shorthands for the op classes in {@code engine.ops}.
 */
public final class Tensor {
    private final float[] data;
    private final int[] shape;

    private boolean requiresGrad;
    /** Accumulated gradient of a leaf after {@link Autodiff#backward}. */
    public Tensor grad;
    private Node node;
    private Tensor tangent;

    public Tensor(float[] data, int... shape) {
        int n = Shapes.numel(shape);
        if (data.length != n) {
            throw new ShapeException("tensor", "data has " + data.length + " values, shape "
                    + Arrays.toString(shape) + " needs " + n);
        }
        this.data = data;
        this.shape = shape.clone();
    }

    // ---- construction -------------------------------------------------------------------

    public static Tensor of(float[] data, int... shape) {
        return new Tensor(data, shape);
    }

    public static Tensor scalar(float v) {
        return new Tensor(new float[] {v});
    }

    public static Tensor zeros(int... shape) {
        return new Tensor(new float[Shapes.numel(shape)], shape);
    }

    public static Tensor full(float v, int... shape) {
        float[] d = new float[Shapes.numel(shape)];
        Arrays.fill(d, v);
        return new Tensor(d, shape);
    }

    public static Tensor ones(int... shape) {
        return full(1f, shape);
    }

    public static Tensor zerosLike(Tensor t) {
        return zeros(t.shape);
    }

    /** Standard normal entries times {@code std}. */
    public static Tensor randn(Rng rng, float std, int... shape) {
        float[] d = new float[Shapes.numel(shape)];
        for (int i = 0; i < d.length; i++) d[i] = (float) (rng.gaussian() * std);
        return new Tensor(d, shape);
    }

    /** Uniform entries in [lo, hi). */
    public static Tensor uniform(Rng rng, float lo, float hi, int... shape) {
        float[] d = new float[Shapes.numel(shape)];
        for (int i = 0; i < d.length; i++) d[i] = rng.uniform(lo, hi);
        return new Tensor(d, shape);
    }

    public static Tensor arange(int n) {
        float[] d = new float[n];
        for (int i = 0; i < n; i++) d[i] = i;
        return new Tensor(d, n);
    }

    // ---- data and shape -----------------------------------------------------------------

    /** The backing array (row-major). Shared, not copied: treat it as read-only unless you own it. */
    public float[] data() {
        return data;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int dim() {
        return shape.length;
    }

    /** Size of dimension {@code d}; negative counts from the end. */
    public int size(int d) {
        return shape[d < 0 ? shape.length + d : d];
    }

    public int numel() {
        return data.length;
    }

    public float item() {
        if (data.length != 1) {
            throw new ShapeException("item", "tensor of shape " + Arrays.toString(shape) + " is not a scalar");
        }
        return data[0];
    }

    public float get(int... index) {
        return data[Shapes.flatIndex(shape, index)];
    }

    public String shapeString() {
        return Arrays.toString(shape);
    }

    /** A deep copy of the values, outside any graph. */
    public Tensor copy() {
        return new Tensor(data.clone(), shape);
    }

    /** Rows {@code from..to-1} along axis 0 (a copy, outside any graph). */
    public Tensor rows(int from, int to) {
        int per = data.length / shape[0];
        int[] s = shape.clone();
        s[0] = to - from;
        return new Tensor(Arrays.copyOfRange(data, from * per, to * per), s);
    }

    /** The whole tensor repeated {@code times} times along axis 0 (a copy, outside any graph). */
    public Tensor tile(int times) {
        float[] o = new float[data.length * times];
        for (int k = 0; k < times; k++) System.arraycopy(data, 0, o, k * data.length, data.length);
        int[] s = shape.clone();
        s[0] *= times;
        return new Tensor(o, s);
    }

    /** The same values (shared), cut from the graph and from forward mode. */
    public Tensor detach() {
        return new Tensor(data, shape);
    }

    // ---- autodiff state -----------------------------------------------------------------

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Marks a leaf as needing gradients (parameters, or inputs of a gradient check). */
    public Tensor requiresGrad(boolean on) {
        this.requiresGrad = on;
        return this;
    }

    public Node node() {
        return node;
    }

    /** Used by {@link Op#apply} only. */
    public void attach(Node node) {
        this.node = node;
        this.requiresGrad = true;
    }

    /** The forward-mode tangent (directional derivative), or null for zero. */
    public Tensor tangent() {
        return tangent;
    }

    /** Seeds forward mode: every op downstream of this tensor will compute its JVP. */
    public Tensor withTangent(Tensor t) {
        if (t != null && !Arrays.equals(t.shape, shape)) {
            throw new ShapeException("tangent", "tangent shape " + t.shapeString() + " does not match " + shapeString());
        }
        this.tangent = t;
        return this;
    }

    /** Reverse mode from a scalar: accumulates into {@link #grad} of every leaf that requires it. */
    public void backward() {
        Autodiff.backward(this, null);
    }

    public void backward(Tensor upstream) {
        Autodiff.backward(this, upstream);
    }

    // ---- op shorthands ------------------------------------------------------------------

    public Tensor add(Tensor o) { return new Add().apply(this, o); }
    public Tensor sub(Tensor o) { return new Sub().apply(this, o); }
    public Tensor mul(Tensor o) { return new Mul().apply(this, o); }
    public Tensor div(Tensor o) { return new Div().apply(this, o); }
    public Tensor add(float s) { return add(scalar(s)); }
    public Tensor mul(float s) { return mul(scalar(s)); }
    public Tensor neg() { return new Neg().apply(this); }
    public Tensor exp() { return new Exp().apply(this); }
    public Tensor log() { return new Log().apply(this); }
    public Tensor sqrt() { return new Sqrt().apply(this); }
    public Tensor pow(float p) { return new Pow(p).apply(this); }
    public Tensor relu() { return new Relu().apply(this); }
    public Tensor sigmoid() { return new Sigmoid().apply(this); }
    public Tensor tanh() { return new Tanh().apply(this); }
    /** Sum of all elements, a scalar. */
    public Tensor sum() { return new Sum(null, false).apply(this); }
    public Tensor sum(boolean keepDims, int... axes) { return new Sum(axes, keepDims).apply(this); }
    public Tensor mean() { return sum().mul(1f / numel()); }
    public Tensor mean(boolean keepDims, int... axes) {
        int count = 1;
        for (int a : axes) count *= size(a);
        return sum(keepDims, axes).mul(1f / count);
    }
    /** A view with a new shape; one dimension may be -1. */
    public Tensor reshape(int... newShape) { return new Reshape(Shapes.inferReshape(shape, newShape)).apply(this); }
    /** Matrix product of 2-d tensors: [m, k] x [k, n] = [m, n]. */
    public Tensor matmul(Tensor o) { return new MatMul().apply(this, o); }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor").append(Arrays.toString(shape)).append(' ');
        int n = Math.min(data.length, 8);
        sb.append('[');
        for (int i = 0; i < n; i++) sb.append(i > 0 ? ", " : "").append(data[i]);
        if (data.length > n) sb.append(", ...");
        return sb.append(']').toString();
    }
}
