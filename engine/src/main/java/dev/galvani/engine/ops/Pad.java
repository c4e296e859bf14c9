package dev.galvani.engine.ops;

import dev.galvani.engine.ShapeException;
import dev.galvani.engine.Shapes;
import dev.galvani.engine.Tensor;

import java.util.Arrays;

/**
 * Padding of any axes (ONNX {@code Pad}, {@code torch.nn.functional.pad}): {@code before[a]} and
 * {@code after[a]} elements added at each end of axis {@code a} (negative values crop). The new
 * elements are a constant, the mirror image without the edge ({@code reflect}) or copies of the
 * edge ({@code edge}). Every output element is a copy of one input element or the constant, so the
 * VJP adds each output's gradient into its source and the JVP pads the tangent with zeros.
 */
public final class Pad extends Op {
    public enum Mode { CONSTANT, REFLECT, EDGE }

    private final int[] before, after;
    private final Mode mode;
    private final float value;
    private dev.galvani.kernels.Indices source; // per output element: flat input index, or -1 for the constant

    public Pad(int[] before, int[] after, Mode mode, float value) {
        this.before = before.clone();
        this.after = after.clone();
        this.mode = mode;
        this.value = value;
    }

    @Override public String name() { return "pad"; }

    @Override protected Tensor forward(Tensor[] in) {
        int[] s = in[0].shape();
        if (before.length != s.length || after.length != s.length) {
            throw new ShapeException(name(), "pads for " + before.length + " axes, input " + in[0].shapeString() + " has " + s.length);
        }
        int[] os = new int[s.length];
        for (int a = 0; a < s.length; a++) {
            os[a] = s[a] + before[a] + after[a];
            if (os[a] < 0) throw new ShapeException(name(), "pads " + before[a] + "/" + after[a] + " crop axis " + a + " of " + in[0].shapeString() + " below zero");
            if (mode != Mode.CONSTANT && os[a] > 0 && s[a] == 0) throw new ShapeException(name(), mode + " padding of an empty axis " + a);
            if (mode == Mode.REFLECT && (before[a] >= s[a] || after[a] >= s[a]) && (before[a] > 0 || after[a] > 0)) {
                throw new ShapeException(name(), "reflect pads " + before[a] + "/" + after[a] + " must be smaller than axis " + a + " of " + in[0].shapeString());
            }
        }
        source = Storages.indices(in[0], sources(s, os));
        return gather(in[0], os, value);
    }

    /** For each output element, the flat index of its input element (-1: the constant). */
    private int[] sources(int[] s, int[] os) {
        int n = Shapes.numel(os), r = s.length;
        int[] st = Shapes.strides(s), src = new int[n], ctr = new int[r];
        for (int f = 0; f < n; f++) {
            int flat = 0;
            for (int a = 0; a < r && flat >= 0; a++) {
                int i = ctr[a] - before[a];
                if (i < 0 || i >= s[a]) {
                    switch (mode) {
                        case CONSTANT -> i = -1;
                        case EDGE -> i = i < 0 ? 0 : s[a] - 1;
                        case REFLECT -> i = i < 0 ? -i : 2 * (s[a] - 1) - i;
                    }
                }
                flat = i < 0 ? -1 : flat + i * st[a];
            }
            src[f] = flat;
            for (int a = r - 1; a >= 0; a--) {
                if (++ctr[a] < os[a]) break;
                ctr[a] = 0;
            }
        }
        return src;
    }

    private Tensor gather(Tensor x, int[] shape, float fill) {
        Tensor o = Storages.zeros(x, shape);
        Storages.backend(x).gather(x.storage(), source, 1, fill, o.storage());
        return o;
    }

    @Override protected Tensor[] vjp(Tensor g) {
        Tensor dx = Storages.zeros(g, in[0].shape());
        Storages.backend(g).scatterAdd(g.storage(), source, 1, dx.storage());
        return new Tensor[] {dx};
    }

    @Override protected Tensor jvp(Tensor[] t) {
        return gather(t[0], out.shape(), 0f);
    }

    @Override public String toString() {
        return "pad " + mode + " " + Arrays.toString(before) + "/" + Arrays.toString(after);
    }
}
