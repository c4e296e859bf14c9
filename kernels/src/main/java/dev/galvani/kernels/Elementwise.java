package dev.galvani.kernels;

import java.util.Arrays;

/**
 * The CPU reference of the elementwise primitives: functions of one value and their derivatives,
 * functions of two broadcast values, sums and maxima over broadcast axes, and broadcasting itself.
 * Broadcasting is NumPy's, shapes aligned at the last axis; {@link #broadcastIndex} maps each flat
 * index of the larger shape to the flat index of the smaller.
 */
public final class Elementwise {
    /** Elements below which ReLU's passes run on one thread (the hottest elementwise op; split over elements, each computed once). */
    private static final long PARALLEL_WORK = 1L << 16;

    private Elementwise() {}

    /** {@code y[i] = f(x[i])}. */
    public static void unary(UnaryOp op, float p, float q, float[] x, float[] y) {
        int n = x.length;
        switch (op) {
            case RELU -> Parallel.split(n, n, PARALLEL_WORK, (i0, i1) -> {
                for (int i = i0; i < i1; i++) y[i] = Math.max(x[i], 0f);
            });
            case RELU6 -> Parallel.split(n, n, PARALLEL_WORK, (i0, i1) -> {
                for (int i = i0; i < i1; i++) y[i] = Math.min(Math.max(x[i], 0f), 6f);
            });
            case SIGMOID -> { for (int i = 0; i < n; i++) y[i] = (float) (1 / (1 + Math.exp(-x[i]))); }
            case TANH -> { for (int i = 0; i < n; i++) y[i] = (float) Math.tanh(x[i]); }
            case EXP -> { for (int i = 0; i < n; i++) y[i] = (float) Math.exp(x[i]); }
            case LOG -> { for (int i = 0; i < n; i++) y[i] = (float) Math.log(x[i]); }
            case NEG -> { for (int i = 0; i < n; i++) y[i] = -x[i]; }
            case SQRT -> { for (int i = 0; i < n; i++) y[i] = (float) Math.sqrt(x[i]); }
            case POW -> { for (int i = 0; i < n; i++) y[i] = (float) Math.pow(x[i], p); }
            case CLIP -> { for (int i = 0; i < n; i++) { float v = x[i]; y[i] = v < p ? p : (v > q ? q : v); } }
        }
    }

    /** {@code r[i] = v[i] f'(x[i])}, where the derivative may use {@code y = f(x)}. */
    public static void derivative(UnaryOp op, float p, float q, float[] x, float[] y, float[] v, float[] r) {
        int n = x.length;
        switch (op) {
            case RELU -> passWhereInside(x, v, Float.POSITIVE_INFINITY, r);
            case RELU6 -> passWhereInside(x, v, Math.nextDown(6f), r);  // 0 < x < 6
            case SIGMOID -> { for (int i = 0; i < n; i++) r[i] = v[i] * (y[i] * (1 - y[i])); }
            case TANH -> { for (int i = 0; i < n; i++) r[i] = v[i] * (1 - y[i] * y[i]); }
            case EXP -> { for (int i = 0; i < n; i++) r[i] = v[i] * y[i]; }
            case LOG -> { for (int i = 0; i < n; i++) r[i] = v[i] * (1f / x[i]); }
            case NEG -> { for (int i = 0; i < n; i++) r[i] = v[i] * -1f; }
            case SQRT -> { for (int i = 0; i < n; i++) r[i] = v[i] * (0.5f / y[i]); }
            case POW -> { for (int i = 0; i < n; i++) r[i] = v[i] * (p == 0 ? 0f : (float) (p * Math.pow(x[i], p - 1))); }
            case CLIP -> { for (int i = 0; i < n; i++) r[i] = v[i] * (x[i] >= p && x[i] <= q ? 1f : 0f); }
        }
    }

    /**
     * {@code r[i] = d[i]} where {@code 0 < x[i] <= upper}, else 0 (NaN: 0), without a branch. On real
     * activations {@code x > 0} is a coin flip, and the branch a ternary compiles to mispredicts
     * half the time: this mask on the bits runs about six times faster (JDK 25, 600k elements).
     * Positive floats order like their bits as ints, so {@code 0 < x <= upper} is
     * {@code 0 < bits(x) <= bits(upper)}, and each test is a sign bit. With the Vector API it is a
     * compare and a blend instead ({@link ElementwiseVector}), four times faster again.
     */
    static void passWhereInside(float[] x, float[] d, float upper, float[] r) {
        int top = Float.floatToRawIntBits(upper) + 1;
        boolean vector = Gemm.vectorApi();
        Parallel.split(x.length, x.length, PARALLEL_WORK, (i0, i1) -> {
            if (vector) {
                ElementwiseVector.passWhereInside(x, d, upper, r, i0, i1);
                return;
            }
            for (int i = i0; i < i1; i++) {
                int b = Float.floatToRawIntBits(x[i]);
                int inside = ((-b & ~b) & (b - top)) >> 31; // all ones when 0 < b < top, as signed ints
                r[i] = Float.intBitsToFloat(Float.floatToRawIntBits(d[i]) & inside);
            }
        });
    }

    private static float apply(BinaryOp op, float a, float b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
        };
    }

    /** {@code o = a op b} with o of the broadcast shape {@code so}. */
    public static void binary(BinaryOp op, float[] x, int[] sa, float[] y, int[] sb, float[] o, int[] so) {
        if (Arrays.equals(sa, sb)) {
            switch (op) {
                case ADD -> { for (int i = 0; i < o.length; i++) o[i] = x[i] + y[i]; }
                case SUB -> { for (int i = 0; i < o.length; i++) o[i] = x[i] - y[i]; }
                case MUL -> { for (int i = 0; i < o.length; i++) o[i] = x[i] * y[i]; }
                case DIV -> { for (int i = 0; i < o.length; i++) o[i] = x[i] / y[i]; }
            }
        } else if (y.length == 1 && Arrays.equals(so, sa)) {
            float s = y[0];
            for (int i = 0; i < o.length; i++) o[i] = apply(op, x[i], s);
        } else if (x.length == 1 && Arrays.equals(so, sb)) {
            float s = x[0];
            for (int i = 0; i < o.length; i++) o[i] = apply(op, s, y[i]);
        } else {
            int[] ia = broadcastIndex(sa, so), ib = broadcastIndex(sb, so);
            for (int i = 0; i < o.length; i++) o[i] = apply(op, x[ia[i]], y[ib[i]]);
        }
    }

    /**
     * {@code o[kept index of i] += x[i]}: x of shape {@code s} summed down to {@code kept} (1 on each
     * summed axis, or fewer leading axes), in flat order (each output's terms are added in the order
     * they lie in x), walking at most three nested loops ({@link BroadcastWalk}).
     */
    public static void sumTo(float[] x, int[] s, float[] o, int[] kept) {
        BroadcastWalk w = BroadcastWalk.of(kept, s);
        int[] n = w.size(), st = w.stride();
        switch (w.levels()) {
            case 1 -> {
                for (int a = 0; a < n[0]; a++) o[a * st[0]] += x[a];
            }
            case 2 -> {
                for (int a = 0, f = 0; a < n[0]; a++) {
                    int ia = a * st[0];
                    if (st[1] == 0) {
                        float sum = o[ia];
                        for (int b = 0; b < n[1]; b++) sum += x[f++];
                        o[ia] = sum;
                    } else {
                        for (int b = 0; b < n[1]; b++) o[ia + b * st[1]] += x[f++];
                    }
                }
            }
            case 3 -> {
                for (int a = 0, f = 0; a < n[0]; a++) {
                    for (int b = 0; b < n[1]; b++) {
                        int ib = a * st[0] + b * st[1];
                        for (int c = 0; c < n[2]; c++) o[ib + c * st[2]] += x[f++];
                    }
                }
            }
            default -> {
                int[] idx = broadcastIndex(kept, s);
                for (int i = 0; i < x.length; i++) o[idx[i]] += x[i];
            }
        }
    }

    /** {@code o[i] = x[index of i]}: x broadcast up to shape {@code so}, walking at most three nested loops. */
    public static void broadcastTo(float[] x, int[] s, float[] o, int[] so) {
        BroadcastWalk w = BroadcastWalk.of(s, so);
        int[] n = w.size(), st = w.stride();
        switch (w.levels()) {
            case 1 -> {
                for (int a = 0; a < n[0]; a++) o[a] = x[a * st[0]];
            }
            case 2 -> {
                for (int a = 0, f = 0; a < n[0]; a++, f += n[1]) {
                    int ia = a * st[0];
                    if (st[1] == 0) Arrays.fill(o, f, f + n[1], x[ia]);
                    else for (int b = 0; b < n[1]; b++) o[f + b] = x[ia + b * st[1]];
                }
            }
            case 3 -> {
                for (int a = 0, f = 0; a < n[0]; a++) {
                    for (int b = 0; b < n[1]; b++, f += n[2]) {
                        int ib = a * st[0] + b * st[1];
                        if (st[2] == 0) Arrays.fill(o, f, f + n[2], x[ib]);
                        else for (int c = 0; c < n[2]; c++) o[f + c] = x[ib + c * st[2]];
                    }
                }
            }
            default -> {
                int[] idx = broadcastIndex(s, so);
                for (int i = 0; i < o.length; i++) o[i] = x[idx[i]];
            }
        }
    }

    /**
     * The maximum over the axes where {@code kept} is 1, into {@code o}, and the flat index of each
     * maximum's first occurrence into {@code argmax} (ties go to the lowest flat index).
     */
    public static void maxTo(float[] x, int[] s, float[] o, int[] kept, int[] argmax) {
        Arrays.fill(o, Float.NEGATIVE_INFINITY);
        Arrays.fill(argmax, -1);
        int block = trailingBlock(s, kept);
        if (block > 0) {
            // max over trailing axes (max over time): each output's terms are one contiguous run,
            // visited in the same order as below, so the same maximum and the same first position
            for (int j = 0, start = 0; j < o.length; j++, start += block) {
                float m = x[start];
                int arg = start;
                for (int i = start + 1; i < start + block; i++) {
                    if (x[i] > m) {
                        m = x[i];
                        arg = i;
                    }
                }
                o[j] = m;
                argmax[j] = arg;
            }
            return;
        }
        int[] idx = broadcastIndex(kept, s);
        for (int i = 0; i < x.length; i++) {
            int j = idx[i];
            if (argmax[j] < 0 || x[i] > o[j]) {
                o[j] = x[i];
                argmax[j] = i;
            }
        }
    }

    /**
     * When {@code kept} is {@code s} with its trailing axes (at least one) reduced to 1, the number
     * of elements each output gathers (one contiguous run of x); else 0.
     */
    static int trailingBlock(int[] s, int[] kept) {
        if (kept.length != s.length) return 0;
        int a = s.length;
        while (a > 0 && kept[a - 1] == 1) a--;
        if (a == s.length) return 0;
        for (int i = 0; i < a; i++) if (kept[i] != s[i]) return 0;
        int block = 1;
        for (int i = a; i < s.length; i++) block *= s[i];
        return block;
    }

    /**
     * For each flat index of {@code out}, the flat index into a tensor of shape {@code in}
     * broadcast to {@code out}. Used by the broadcasting ops; cheap relative to their work.
     */
    public static int[] broadcastIndex(int[] in, int[] out) {
        long count = 1;
        for (int d : out) count *= d;
        int n = (int) count;
        int[] idx = new int[n];
        int r = out.length;
        int[] inStr = new int[r];
        int[] st = new int[in.length];
        for (int i = in.length - 1, s = 1; i >= 0; i--) {
            st[i] = s;
            s *= in[i];
        }
        for (int i = 0; i < r; i++) {
            int j = i - (r - in.length);
            inStr[i] = (j < 0 || in[j] == 1) ? 0 : st[j];
        }
        int[] ctr = new int[r];
        int pos = 0;
        for (int f = 0; f < n; f++) {
            idx[f] = pos;
            for (int d = r - 1; d >= 0; d--) {
                ctr[d]++;
                pos += inStr[d];
                if (ctr[d] < out[d]) break;
                pos -= inStr[d] * out[d];
                ctr[d] = 0;
            }
        }
        return idx;
    }
}
