package dev.galvani.attribution.conductance;

import dev.galvani.engine.GalvaniException;

import java.util.Locale;

/**
 * Nodes {@code α_k} and weights {@code w_k} on [0, 1] for the path integral of conductance and
 * integrated gradients (docs/methods.md §1.4).
 *
 * <p>{@link #nodes} equals Captum 0.8's {@code alphas_func(n)} for every rule. {@link #weights}
 * are each rule's own weights, summing to 1: for Gauss-Legendre and the left, right and middle
 * rules they equal Captum's {@code step_sizes_func(n)}, but for the trapezoid rule they are the
 * textbook {@code 1/(n−1)} (halved at both ends), where Captum uses {@code 1/n} (halved at both
 * ends, summing to {@code 1 − 1/n}). {@link #stepSizes} gives Captum's.
 */
public enum Quadrature {
    RIEMANN_LEFT, RIEMANN_RIGHT, RIEMANN_MIDDLE, RIEMANN_TRAPEZOID, GAUSS_LEGENDRE;

    /** Parses the command-line spelling: left, right, middle, trapezoid, gausslegendre. */
    public static Quadrature parse(String s) {
        switch (s.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "").replace("riemann", "")) {
            case "left": return RIEMANN_LEFT;
            case "right": return RIEMANN_RIGHT;
            case "middle": return RIEMANN_MIDDLE;
            case "trapezoid": return RIEMANN_TRAPEZOID;
            case "gausslegendre": case "gl": return GAUSS_LEGENDRE;
            default: throw new GalvaniException("unknown --method '" + s + "'; use left, right, middle, trapezoid or gausslegendre");
        }
    }

    /** Captum's name for the rule ({@code method=} of its attribute calls): riemann_left, ..., gausslegendre. */
    public String captumName() {
        return this == GAUSS_LEGENDRE ? "gausslegendre" : name().toLowerCase(Locale.ROOT);
    }

    /** The {@code n} nodes, ascending. */
    public double[] nodes(int n) {
        check(n);
        double[] a = new double[n];
        switch (this) {
            case RIEMANN_TRAPEZOID -> linspace(a, 0, 1);
            case RIEMANN_LEFT -> linspace(a, 0, 1 - 1.0 / n);
            case RIEMANN_RIGHT -> linspace(a, 1.0 / n, 1);
            case RIEMANN_MIDDLE -> linspace(a, 1.0 / (2 * n), 1 - 1.0 / (2 * n));
            case GAUSS_LEGENDRE -> {
                double[][] nw = legendre(n);
                for (int i = 0; i < n; i++) a[i] = 0.5 * (1 + nw[0][i]);
            }
        }
        return a;
    }

    /** The {@code n} weights (step sizes), summing to 1. */
    public double[] weights(int n) {
        check(n);
        double[] w = new double[n];
        switch (this) {
            case RIEMANN_TRAPEZOID -> {
                if (n == 1) {
                    w[0] = 1;
                } else {
                    java.util.Arrays.fill(w, 1.0 / (n - 1));
                    w[0] = w[n - 1] = 0.5 / (n - 1);
                }
            }
            case RIEMANN_LEFT, RIEMANN_RIGHT, RIEMANN_MIDDLE -> java.util.Arrays.fill(w, 1.0 / n);
            case GAUSS_LEGENDRE -> {
                double[][] nw = legendre(n);
                for (int i = 0; i < n; i++) w[i] = 0.5 * nw[1][i];
            }
        }
        return w;
    }

    /**
     * Captum 0.8's {@code step_sizes_func(n)} ({@code captum/attr/_utils/approximation_methods.py}):
     * {@code 1/n} each for the Riemann rules, the trapezoid's first and last halved; Gauss-Legendre's
     * own weights. Like Captum, the Riemann rules need {@code n > 1}.
     */
    public double[] stepSizes(int n) {
        check(n);
        if (this == GAUSS_LEGENDRE) return weights(n);
        if (n < 2) throw new GalvaniException("Captum's " + name().toLowerCase(Locale.ROOT) + " step sizes need at least 2 steps, got " + n);
        double[] w = new double[n];
        java.util.Arrays.fill(w, 1.0 / n);
        if (this == RIEMANN_TRAPEZOID) {
            w[0] /= 2;
            w[n - 1] /= 2;
        }
        return w;
    }

    private static void check(int n) {
        if (n < 1) throw new GalvaniException("steps must be at least 1, got " + n);
    }

    private static void linspace(double[] a, double lo, double hi) {
        int n = a.length;
        if (n == 1) {
            a[0] = lo;
            return;
        }
        for (int i = 0; i < n; i++) a[i] = lo + (hi - lo) * i / (n - 1);
    }

    /** Gauss-Legendre nodes (ascending) and weights on [-1, 1] by Newton's method on P_n. */
    static double[][] legendre(int n) {
        double[] x = new double[n], w = new double[n];
        for (int i = 0; i < (n + 1) / 2; i++) {
            double z = Math.cos(Math.PI * (i + 0.75) / (n + 0.5));
            double pp = 0;
            for (int it = 0; it < 100; it++) {
                double p1 = 1, p2 = 0;
                for (int j = 1; j <= n; j++) {
                    double p3 = p2;
                    p2 = p1;
                    p1 = ((2 * j - 1) * z * p2 - (j - 1) * p3) / j;
                }
                pp = n * (z * p1 - p2) / (z * z - 1);
                double dz = p1 / pp;
                z -= dz;
                if (Math.abs(dz) < 1e-15) break;
            }
            x[i] = -z;
            x[n - 1 - i] = z;
            w[i] = w[n - 1 - i] = 2 / ((1 - z * z) * pp * pp);
        }
        if (n % 2 == 1) x[n / 2] = 0;
        return new double[][] {x, w};
    }
}
