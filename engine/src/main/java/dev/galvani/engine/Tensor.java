package dev.galvani.engine;

import dev.galvani.engine.autodiff.Autodiff;
import dev.galvani.engine.autodiff.Node;
import dev.galvani.engine.ops.*;
import dev.galvani.kernels.Device;
import dev.galvani.kernels.HostStorage;
import dev.galvani.kernels.Storage;

import java.util.Arrays;

/**
 * A dense float tensor: contiguous row-major data and a shape (strides are implied by the shape;
 * {@link #reshape} is a view that shares the data, other layout changes copy).
 *
 * <p>The values sit in a {@link Storage} on a {@link Device}. On the host (the default)
 * {@link #data()} is the backing array itself. On another device the values stay there: ops run
 * on the device's backend, and values reach the host only when asked for, through
 * {@link #toHost()} or {@link #to(Device)} (results, checkpoints, reports).
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
    private Storage storage;
    /** The host array of {@link #storage}, or null when the values live on a device. */
    private float[] data;
    private final int[] shape;
    private final int numel;

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
        this.storage = new HostStorage(data);
        this.shape = shape.clone();
        this.numel = n;
    }

    /** A tensor over a storage on any device (shared, not copied). */
    public Tensor(Storage storage, int... shape) {
        int n = Shapes.numel(shape);
        if (storage.length() != n) {
            throw new ShapeException("tensor", "storage has " + storage.length() + " values, shape "
                    + Arrays.toString(shape) + " needs " + n);
        }
        this.storage = storage;
        this.data = storage instanceof HostStorage h ? h.array() : null;
        this.shape = shape.clone();
        this.numel = n;
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

    /** Zeros of {@code t}'s shape, on {@code t}'s device. */
    public static Tensor zerosLike(Tensor t) {
        return zeros(t.device(), t.shape);
    }

    /** Zeros on a device. */
    public static Tensor zeros(Device device, int... shape) {
        if (device.isHost()) return zeros(shape);
        return new Tensor(device.backend().allocate(Shapes.numel(shape)), shape);
    }

    /** {@code v} everywhere, on a device. */
    public static Tensor full(Device device, float v, int... shape) {
        if (device.isHost()) return full(v, shape);
        Storage s = device.backend().allocate(Shapes.numel(shape));
        if (v != 0f) device.backend().fill(s, v);
        return new Tensor(s, shape);
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

    /**
     * The backing array (row-major) of a host tensor. Shared, not copied: treat it as read-only
     * unless you own it. A tensor on a device has none: {@link #toHost()} copies its values over.
     */
    public float[] data() {
        if (data == null) {
            throw new IllegalStateException("tensor " + Arrays.toString(shape) + " lives on " + storage.device()
                    + ": its values reach the host only through toHost()");
        }
        return data;
    }

    /** The values' storage (shared). */
    public Storage storage() {
        return storage;
    }

    /** Where the values live. */
    public Device device() {
        return storage.device();
    }

    /** True when the values live in host memory ({@link #data()} is the array). */
    public boolean isHost() {
        return data != null;
    }

    /**
     * The same values on {@code device}: this tensor when they are there already, else a copy
     * (outside any graph, as {@link #detach()}).
     */
    public Tensor to(Device device) {
        if (device == storage.device()) return this;
        return new Tensor(transfer(storage, device), shape);
    }

    /** The values in host memory: this tensor when they are there, else a copy (the one way values leave a device). */
    public Tensor toHost() {
        return to(Device.CPU);
    }

    /**
     * Moves the values to {@code device} in place, with the accumulated gradient: a module's
     * parameters and buffers keep their identity (the layers hold them) while their storage moves.
     */
    public Tensor moveTo(Device device) {
        if (device != storage.device()) {
            storage = transfer(storage, device);
            data = storage instanceof HostStorage h ? h.array() : null;
        }
        if (grad != null) grad = grad.to(device);
        return this;
    }

    /** Overwrites this tensor's values with {@code src}'s (same number of values, any device). */
    public void copyFrom(Tensor src) {
        if (src.numel != numel) {
            throw new ShapeException("copy", "cannot copy " + src.numel + " values into " + Arrays.toString(shape));
        }
        Tensor s = src.to(device());
        device().backend().copy(s.storage, 0, storage, 0, numel);
    }

    private static Storage transfer(Storage s, Device to) {
        float[] host = s instanceof HostStorage h ? h.array() : s.device().backend().toHost(s);
        if (to.isHost()) return s instanceof HostStorage ? new HostStorage(host.clone()) : new HostStorage(host);
        return to.backend().fromHost(host);
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
        return numel;
    }

    /** The value of a one-element tensor (copied to the host if it lives on a device). */
    public float item() {
        if (numel != 1) {
            throw new ShapeException("item", "tensor of shape " + Arrays.toString(shape) + " is not a scalar");
        }
        return toHost().data[0];
    }

    /** One value (the whole tensor is copied to the host if it lives on a device). */
    public float get(int... index) {
        return toHost().data[Shapes.flatIndex(shape, index)];
    }

    public String shapeString() {
        return Arrays.toString(shape);
    }

    /** A deep copy of the values (on the same device), outside any graph. */
    public Tensor copy() {
        if (data != null) return new Tensor(data.clone(), shape);
        Storage s = storage.device().backend().allocate(numel);
        storage.device().backend().copy(storage, 0, s, 0, numel);
        return new Tensor(s, shape);
    }

    /** Rows {@code from..to-1} along axis 0 (a copy on the same device, outside any graph). */
    public Tensor rows(int from, int to) {
        int per = numel / shape[0];
        int[] s = shape.clone();
        s[0] = to - from;
        if (data != null) return new Tensor(Arrays.copyOfRange(data, from * per, to * per), s);
        Storage o = storage.device().backend().allocate((to - from) * per);
        storage.device().backend().copy(storage, from * per, o, 0, (to - from) * per);
        return new Tensor(o, s);
    }

    /** The whole tensor repeated {@code times} times along axis 0 (a copy on the same device, outside any graph). */
    public Tensor tile(int times) {
        int[] s = shape.clone();
        s[0] *= times;
        if (data != null) {
            float[] o = new float[data.length * times];
            for (int k = 0; k < times; k++) System.arraycopy(data, 0, o, k * data.length, data.length);
            return new Tensor(o, s);
        }
        Storage o = storage.device().backend().allocate(numel * times);
        for (int k = 0; k < times; k++) storage.device().backend().copy(storage, 0, o, k * numel, numel);
        return new Tensor(o, s);
    }

    /** The same values (shared), cut from the graph and from forward mode. */
    public Tensor detach() {
        return new Tensor(storage, shape);
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
    public Tensor add(float s) { return add(full(device(), s)); }
    public Tensor mul(float s) { return mul(full(device(), s)); }
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
        if (data == null) return sb.append("on ").append(device()).toString(); // printing copies nothing
        int n = Math.min(data.length, 8);
        sb.append('[');
        for (int i = 0; i < n; i++) sb.append(i > 0 ? ", " : "").append(data[i]);
        if (data.length > n) sb.append(", ...");
        return sb.append(']').toString();
    }
}
