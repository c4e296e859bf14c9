package dev.galvani.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernels of {@link Depthwise} for 'same' layers ({@code 2 ph = dh (kh − 1)}, likewise
 * across), any stride. A plane is copied into a zero-bordered grid (rows of {@code w + 2 pw}), so
 * every tap of every output position is the grid read at a flat shift: sixteen outputs per step,
 * one FMA per tap, no masks. A strided layer is the stride-1 layer's output taken at every
 * {@code s}-th row and column; its transpose (the input gradient) and its weight gradient run on
 * the output gradient spread back onto the full grid with zeros between. The scalar loops in
 * {@link Depthwise} vectorised badly (2-4 GFLOP/s on [64, 96, 14, 14]). Loaded only when
 * {@code jdk.incubator.vector} is present.
 */
final class DepthwiseVector {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private DepthwiseVector() {}

    /** True when the kernels here can run the layer. */
    static boolean applies(Depthwise d) {
        return 2 * d.ph() == d.dh() * (d.kh() - 1) && 2 * d.pw() == d.dw() * (d.kw() - 1) && d.sh() == d.sw()
                && d.ho() == (d.h() - 1) / d.sh() + 1 && d.wo() == (d.w() - 1) / d.sw() + 1;
    }

    /** One thread's buffers for one geometry: the bordered input grid and the output (or gradient) grid. */
    static final class Grid {
        final int h, w, wp, q, taps, stride;
        final int[] offset;
        final float[] in, out;
        final int top;

        Grid(Depthwise d) {
            h = d.h();
            w = d.w();
            wp = w + 2 * d.pw();
            stride = d.sh();
            q = (h * wp + L - 1) / L * L;
            taps = d.kh() * d.kw();
            offset = new int[taps];
            int max = 0;
            for (int t = 0; t < taps; t++) {
                offset[t] = (t / d.kw()) * d.dh() * wp + (t % d.kw()) * d.dw();
                max = Math.max(max, offset[t]);
            }
            in = new float[Math.max((h + 2 * d.ph()) * wp, q + max) + L];
            out = new float[q];
            top = d.ph() * wp + d.pw();
        }

        /** Plane x[xo..] (h x w) into the grid's interior; the border stays zero. */
        void load(float[] x, int xo) {
            for (int r = 0; r < h; r++) System.arraycopy(x, xo + r * w, in, top + r * wp, w);
        }

        /**
         * A gradient plane of the strided output (ho x wo at {@code go}) spread onto the full
         * resolution, value (i, j) at row i s, column j s, zeros between: into the output grid
         * ({@code bordered} false: the weight gradient's operand) or into the input grid's
         * interior (true: the operand of the transposed correlation, the input gradient).
         */
        void spread(float[] g, int go, int ho, int wo, boolean bordered) {
            float[] dst = bordered ? in : out;
            int at = bordered ? top : 0;
            if (stride == 1) {
                if (!bordered) java.util.Arrays.fill(out, 0f); // the grid's last columns
                for (int r = 0; r < h; r++) System.arraycopy(g, go + r * w, dst, at + r * wp, w);
                return;
            }
            java.util.Arrays.fill(dst, 0f);
            for (int i = 0; i < ho; i++) {
                for (int j = 0; j < wo; j++) dst[at + i * stride * wp + j * stride] = g[go + i * wo + j];
            }
        }
    }

    /**
     * {@code out[q] = Σ_t k[t] in[q + offset[t]]} over the grid (k at {@code ko}, mirrored when
     * {@code flip}): the stride-1 'same' correlation of the loaded plane.
     */
    static void correlate(Grid g, float[] k, int ko, boolean flip) {
        float[] in = g.in, out = g.out;
        int taps = g.taps;
        if (taps == 9) {
            correlate3x3(g, k, ko, flip);
            return;
        }
        for (int q0 = 0; q0 < g.q; q0 += L) {
            FloatVector acc = FloatVector.zero(S);
            for (int t = 0; t < taps; t++) {
                float kt = k[ko + (flip ? taps - 1 - t : t)];
                acc = FloatVector.fromArray(S, in, q0 + g.offset[t]).fma(FloatVector.broadcast(S, kt), acc);
            }
            acc.intoArray(out, q0);
        }
    }

    /**
     * {@link #correlate} for 3x3 kernels (MobileNet's), the nine weights and shifts held in
     * registers across the grid instead of re-read for every vector of outputs; the same FMAs in
     * the same tap order, so the same bits.
     */
    private static void correlate3x3(Grid g, float[] k, int ko, boolean flip) {
        float[] in = g.in, out = g.out;
        int[] off = g.offset;
        int o0 = off[0], o1 = off[1], o2 = off[2], o3 = off[3], o4 = off[4], o5 = off[5], o6 = off[6], o7 = off[7], o8 = off[8];
        FloatVector k0 = FloatVector.broadcast(S, k[ko + (flip ? 8 : 0)]), k1 = FloatVector.broadcast(S, k[ko + (flip ? 7 : 1)]);
        FloatVector k2 = FloatVector.broadcast(S, k[ko + (flip ? 6 : 2)]), k3 = FloatVector.broadcast(S, k[ko + (flip ? 5 : 3)]);
        FloatVector k4 = FloatVector.broadcast(S, k[ko + 4]), k5 = FloatVector.broadcast(S, k[ko + (flip ? 3 : 5)]);
        FloatVector k6 = FloatVector.broadcast(S, k[ko + (flip ? 2 : 6)]), k7 = FloatVector.broadcast(S, k[ko + (flip ? 1 : 7)]);
        FloatVector k8 = FloatVector.broadcast(S, k[ko + (flip ? 0 : 8)]);
        for (int q0 = 0; q0 < g.q; q0 += L) {
            FloatVector acc = FloatVector.fromArray(S, in, q0 + o0).fma(k0, FloatVector.zero(S));
            acc = FloatVector.fromArray(S, in, q0 + o1).fma(k1, acc);
            acc = FloatVector.fromArray(S, in, q0 + o2).fma(k2, acc);
            acc = FloatVector.fromArray(S, in, q0 + o3).fma(k3, acc);
            acc = FloatVector.fromArray(S, in, q0 + o4).fma(k4, acc);
            acc = FloatVector.fromArray(S, in, q0 + o5).fma(k5, acc);
            acc = FloatVector.fromArray(S, in, q0 + o6).fma(k6, acc);
            acc = FloatVector.fromArray(S, in, q0 + o7).fma(k7, acc);
            acc = FloatVector.fromArray(S, in, q0 + o8).fma(k8, acc);
            acc.intoArray(out, q0);
        }
    }

    /** The output grid, taken at every s-th row and column, into y (ho x wo at {@code yo}). */
    static void store(Grid g, float[] y, int yo, int ho, int wo) {
        if (g.stride == 1) {
            for (int r = 0; r < ho; r++) System.arraycopy(g.out, r * g.wp, y, yo + r * wo, wo);
            return;
        }
        for (int i = 0; i < ho; i++) {
            for (int j = 0; j < wo; j++) y[yo + i * wo + j] = g.out[i * g.stride * g.wp + j * g.stride];
        }
    }

    /**
     * The gradient plane spread onto the output grid ({@link Grid#spread}, not bordered) correlated, tap by tap,
     * with the loaded input plane: {@code acc[t] += Σ_q out[q] in[q + offset[t]]} (lane sums in
     * float, then added in double).
     */
    static void weightSums(Grid g, double[] acc) {
        float[] in = g.in, out = g.out;
        if (g.taps == 9) {
            weightSums3x3(g, acc);
            return;
        }
        for (int t = 0; t < g.taps; t++) {
            FloatVector s = FloatVector.zero(S);
            int off = g.offset[t];
            for (int q0 = 0; q0 < g.q; q0 += L) s = FloatVector.fromArray(S, out, q0).fma(FloatVector.fromArray(S, in, q0 + off), s);
            acc[t] += laneSum(s);
        }
    }

    /**
     * {@link #weightSums} for 3x3 kernels: the nine taps' sums in one pass over the grid (each
     * gradient vector loaded once, not nine times); each tap's sum adds the same products in the
     * same order as its own pass, so the same bits.
     */
    private static void weightSums3x3(Grid g, double[] acc) {
        float[] in = g.in, out = g.out;
        int[] off = g.offset;
        int o0 = off[0], o1 = off[1], o2 = off[2], o3 = off[3], o4 = off[4], o5 = off[5], o6 = off[6], o7 = off[7], o8 = off[8];
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0, s8 = s0;
        for (int q0 = 0; q0 < g.q; q0 += L) {
            FloatVector d = FloatVector.fromArray(S, out, q0);
            s0 = d.fma(FloatVector.fromArray(S, in, q0 + o0), s0);
            s1 = d.fma(FloatVector.fromArray(S, in, q0 + o1), s1);
            s2 = d.fma(FloatVector.fromArray(S, in, q0 + o2), s2);
            s3 = d.fma(FloatVector.fromArray(S, in, q0 + o3), s3);
            s4 = d.fma(FloatVector.fromArray(S, in, q0 + o4), s4);
            s5 = d.fma(FloatVector.fromArray(S, in, q0 + o5), s5);
            s6 = d.fma(FloatVector.fromArray(S, in, q0 + o6), s6);
            s7 = d.fma(FloatVector.fromArray(S, in, q0 + o7), s7);
            s8 = d.fma(FloatVector.fromArray(S, in, q0 + o8), s8);
        }
        acc[0] += laneSum(s0);
        acc[1] += laneSum(s1);
        acc[2] += laneSum(s2);
        acc[3] += laneSum(s3);
        acc[4] += laneSum(s4);
        acc[5] += laneSum(s5);
        acc[6] += laneSum(s6);
        acc[7] += laneSum(s7);
        acc[8] += laneSum(s8);
    }

    /**
     * The lanes added in lane order. {@code reduceLanes(ADD)} leaves the order of a floating-point
     * reduction unspecified, and the JIT's compiled code and the interpreter do differ: the same
     * call then gave other bits once compiled, so two runs disagreed.
     */
    private static float laneSum(FloatVector v) {
        float sum = 0f;
        for (int i = 0; i < L; i++) sum += v.lane(i);
        return sum;
    }

    /** Copies the output grid (the full-resolution input gradient) into dx, adding (h x w at {@code xo}). */
    static void addInto(Grid g, float[] dx, int xo) {
        for (int r = 0; r < g.h; r++) {
            int src = r * g.wp, dst = xo + r * g.w;
            for (int c = 0; c < g.w; c++) dx[dst + c] += g.out[src + c];
        }
    }
}
