package dev.galvani.engine;

import dev.galvani.kernels.Elementwise;

import java.util.Arrays;

/** Shape arithmetic shared by every op (and by every backend): counts, strides, broadcasting. */
public final class Shapes {
    private Shapes() {}

    public static int numel(int[] shape) {
        long n = 1;
        for (int s : shape) {
            if (s < 0) throw new ShapeException("shape", "negative dimension in " + Arrays.toString(shape));
            n = Math.min(n * s, (long) Integer.MAX_VALUE + 1); // saturates: never wraps, a zero dimension still gives 0
        }
        if (n > Integer.MAX_VALUE) throw new ShapeException("shape", "too many elements: " + Arrays.toString(shape));
        return (int) n;
    }

    public static int[] strides(int[] shape) {
        int[] st = new int[shape.length];
        int s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            st[i] = s;
            s *= shape[i];
        }
        return st;
    }

    public static int flatIndex(int[] shape, int[] index) {
        if (index.length != shape.length) {
            throw new ShapeException("index", "index " + Arrays.toString(index) + " for shape " + Arrays.toString(shape));
        }
        int f = 0;
        for (int i = 0; i < shape.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) {
                throw new ShapeException("index", "index " + Arrays.toString(index) + " out of bounds for shape " + Arrays.toString(shape));
            }
            f = f * shape[i] + index[i];
        }
        return f;
    }

    /** Normalises a possibly negative axis. */
    public static int axis(int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) throw new ShapeException("axis", "axis " + axis + " out of range for rank " + rank);
        return a;
    }

    /** NumPy broadcasting of two shapes. */
    public static int[] broadcast(String op, int[] a, int[] b) {
        int r = Math.max(a.length, b.length);
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int da = i < r - a.length ? 1 : a[i - (r - a.length)];
            int db = i < r - b.length ? 1 : b[i - (r - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new ShapeException(op, "cannot broadcast " + Arrays.toString(a) + " with " + Arrays.toString(b));
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /**
     * For each flat index of {@code out}, the flat index into a tensor of shape {@code in}
     * broadcast to {@code out}. Used by the broadcasting ops; cheap relative to their work.
     */
    public static int[] broadcastIndex(int[] in, int[] out) {
        return Elementwise.broadcastIndex(in, out);
    }

    /** Resolves one -1 in a reshape target and checks the element count. */
    public static int[] inferReshape(int[] from, int[] to) {
        int n = numel(from);
        int[] s = to.clone();
        int free = -1, known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (free >= 0) throw new ShapeException("reshape", "more than one -1 in " + Arrays.toString(to));
                free = i;
            } else {
                known *= s[i];
            }
        }
        if (free >= 0) {
            if (known == 0 || n % known != 0) {
                throw new ShapeException("reshape", "cannot reshape " + Arrays.toString(from) + " to " + Arrays.toString(to));
            }
            s[free] = n / known;
        }
        if (numel(s) != n) {
            throw new ShapeException("reshape", "cannot reshape " + Arrays.toString(from) + " to " + Arrays.toString(to));
        }
        return s;
    }
}
