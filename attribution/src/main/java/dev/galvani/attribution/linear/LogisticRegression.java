package dev.galvani.attribution.linear;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Rng;

import java.util.Locale;

/**
 * Multinomial logistic regression (softmax) on standardised features, in double precision: the
 * linear probe of Hayne et al. (2022; docs/methods.md §2.3), the feature-selection classifier of Dhamdhere et al. (2018)
 * and the layerwise readout of Cheng et al. (2024). With no penalty or an L2 penalty
 * ({@code mean CE + (λ/2)|W|²}) it is trained by seeded mini-batch Adam; with an L1 penalty
 * ({@code mean CE + λ Σ|W_cj|}, bias unpenalised) it is solved to the optimum by FISTA
 * ({@link L1Softmax}), full batch, until the gradient mapping is below {@link #L1_TOLERANCE}.
 */
public final class LogisticRegression implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    public enum Penalty {
        NONE, L1, L2;

        public static Penalty parse(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "none" -> NONE;
                case "l1" -> L1;
                case "l2" -> L2;
                default -> throw new GalvaniException("penalty must be none, l1 or l2, got '" + s + "'");
            };
        }
    }

    public record Options(Penalty penalty, double lambda, int epochs, int batch, double lr, long seed) {
        public static Options defaults() {
            return new Options(Penalty.L2, 1e-4, 30, 128, 0.01, 0);
        }

        public Options withPenalty(Penalty p, double l) {
            return new Options(p, l, epochs, batch, lr, seed);
        }

        public Options withEpochs(int e) {
            return new Options(penalty, lambda, e, batch, lr, seed);
        }

        public Options withSeed(long s) {
            return new Options(penalty, lambda, epochs, batch, lr, s);
        }
    }

    /** The L1 solver's stopping rule: every entry of the gradient mapping below this. */
    public static final double L1_TOLERANCE = 1e-5;
    public static final int L1_MAX_ITERATIONS = 50_000;

    private final int d, k;
    private final double[] w;      // [k, d] on standardised features
    private final double[] b;      // [k]
    private final double[] mean, std;
    private final String solver;

    private LogisticRegression(int d, int k, double[] w, double[] b, double[] mean, double[] std, String solver) {
        this.d = d;
        this.k = k;
        this.w = w;
        this.b = b;
        this.mean = mean;
        this.std = std;
        this.solver = solver;
    }

    /** Fits on {@code x} [n, d] row-major with labels in {@code 0..classes-1}. */
    public static LogisticRegression fit(float[] x, int[] y, int d, int classes, Options o) {
        int n = y.length;
        if (n == 0) throw new GalvaniException("logistic regression: no training examples");
        if (x.length != (long) n * d) throw new GalvaniException("logistic regression: " + x.length + " values for " + n + " x " + d + " features");
        double[] mean = new double[d], std = new double[d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) mean[j] += x[i * d + j];
        for (int j = 0; j < d; j++) mean[j] /= n;
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) {
            double e = x[i * d + j] - mean[j];
            std[j] += e * e;
        }
        for (int j = 0; j < d; j++) std[j] = Math.max(Math.sqrt(std[j] / n), 1e-6);
        double[] xs = new double[n * d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) xs[i * d + j] = (x[i * d + j] - mean[j]) / std[j];
        for (int yi : y) if (yi < 0 || yi >= classes) throw new GalvaniException("logistic regression: label " + yi + " outside 0.." + (classes - 1));

        double[] w = new double[k(classes) * d], b = new double[classes];
        if (o.penalty() == Penalty.L1) {
            L1Softmax.Outcome out = L1Softmax.solve(xs, y, n, d, classes, o.lambda(), w, b, L1_MAX_ITERATIONS, L1_TOLERANCE);
            String how = String.format(Locale.ROOT, "FISTA, λ %.3g, %d iterations, gradient mapping %.1e%s", o.lambda(), out.iterations(),
                    out.gradientMapping(), out.converged() ? "" : " (stopped before " + L1_TOLERANCE + ")");
            return new LogisticRegression(d, classes, w, b, mean, std, how);
        }
        double[] mw = new double[w.length], vw = new double[w.length], mb = new double[classes], vb = new double[classes];
        double[] gw = new double[w.length], gb = new double[classes], z = new double[classes];
        Rng rng = new Rng(o.seed());
        int t = 0;
        double b1 = 0.9, b2 = 0.999, eps = 1e-8;
        for (int epoch = 0; epoch < o.epochs(); epoch++) {
            int[] order = rng.permutation(n);
            for (int s = 0; s < n; s += o.batch()) {
                int e = Math.min(n, s + o.batch()), m = e - s;
                java.util.Arrays.fill(gw, 0);
                java.util.Arrays.fill(gb, 0);
                for (int r = s; r < e; r++) {
                    int i = order[r];
                    softmax(xs, i * d, d, classes, w, b, z);
                    z[y[i]] -= 1;                              // dL/dz = p − onehot
                    for (int c = 0; c < classes; c++) {
                        double g = z[c] / m;
                        if (g == 0) continue;
                        gb[c] += g;
                        int wc = c * d, xi = i * d;
                        for (int j = 0; j < d; j++) gw[wc + j] += g * xs[xi + j];
                    }
                }
                if (o.penalty() == Penalty.L2) for (int j = 0; j < w.length; j++) gw[j] += o.lambda() * w[j];
                t++;
                double c1 = 1 - Math.pow(b1, t), c2 = 1 - Math.pow(b2, t);
                for (int j = 0; j < w.length; j++) {
                    mw[j] = b1 * mw[j] + (1 - b1) * gw[j];
                    vw[j] = b2 * vw[j] + (1 - b2) * gw[j] * gw[j];
                    w[j] -= o.lr() * (mw[j] / c1) / (Math.sqrt(vw[j] / c2) + eps);
                }
                for (int c = 0; c < classes; c++) {
                    mb[c] = b1 * mb[c] + (1 - b1) * gb[c];
                    vb[c] = b2 * vb[c] + (1 - b2) * gb[c] * gb[c];
                    b[c] -= o.lr() * (mb[c] / c1) / (Math.sqrt(vb[c] / c2) + eps);
                }
            }
        }
        String how = String.format(Locale.ROOT, "Adam, %s, %d epochs", o.penalty() == Penalty.L2 ? String.format(Locale.ROOT, "L2 λ %.3g", o.lambda()) : "no penalty", o.epochs());
        return new LogisticRegression(d, classes, w, b, mean, std, how);
    }

    /** How the model was fitted (solver, penalty, iterations), for reports. */
    public String solver() {
        return solver;
    }

    /** Bias of class {@code c}. */
    public double bias(int c) {
        return b[c];
    }

    /** Number of non-zero weights (standardised features). */
    public int nonZeroWeights() {
        int nz = 0;
        for (double v : w) if (v != 0) nz++;
        return nz;
    }

    private static int k(int classes) {
        return classes;
    }

    private static void softmax(double[] xs, int off, int d, int k, double[] w, double[] b, double[] z) {
        double mx = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < k; c++) {
            double s = b[c];
            int wc = c * d;
            for (int j = 0; j < d; j++) s += w[wc + j] * xs[off + j];
            z[c] = s;
            mx = Math.max(mx, s);
        }
        double sum = 0;
        for (int c = 0; c < k; c++) {
            z[c] = Math.exp(z[c] - mx);
            sum += z[c];
        }
        for (int c = 0; c < k; c++) z[c] /= sum;
    }

    /** Logits of one example (raw features at {@code x[off..off+d)}). */
    public double[] logits(float[] x, int off) {
        double[] z = new double[k];
        for (int c = 0; c < k; c++) {
            double s = b[c];
            int wc = c * d;
            for (int j = 0; j < d; j++) s += w[wc + j] * ((x[off + j] - mean[j]) / std[j]);
            z[c] = s;
        }
        return z;
    }

    public int predict(float[] x, int off) {
        double[] z = logits(x, off);
        int best = 0;
        for (int c = 1; c < k; c++) if (z[c] > z[best]) best = c;
        return best;
    }

    public double accuracy(float[] x, int[] y) {
        int ok = 0;
        for (int i = 0; i < y.length; i++) if (predict(x, i * d) == y[i]) ok++;
        return (double) ok / y.length;
    }

    /** {@code log p(y)/(1 − p(y)) = z_y − logsumexp_{c≠y} z_c} for each of {@code rows} examples. */
    public double[] logOdds(float[] x, int rows, int y) {
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            double[] z = logits(x, r * d);
            double m = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) if (c != y) m = Math.max(m, z[c]);
            double s = 0;
            for (int c = 0; c < k; c++) if (c != y) s += Math.exp(z[c] - m);
            out[r] = z[y] - (m + Math.log(s));
        }
        return out;
    }

    /** A unit's importance: {@code Σ_c |w_{c,u}|} on standardised features (Hayne et al. 2022; docs/methods.md §2.3). */
    public double[] importance() {
        double[] imp = new double[d];
        for (int c = 0; c < k; c++) for (int j = 0; j < d; j++) imp[j] += Math.abs(w[c * d + j]);
        return imp;
    }

    /** Weight of class {@code c} on feature {@code j} (standardised features). */
    public double weight(int c, int j) {
        return w[c * d + j];
    }

    public int features() {
        return d;
    }

    public int classes() {
        return k;
    }
}
