package dev.galvani.kernels;

/**
 * The CPU reference of softmax, log-softmax and cross-entropy along one axis of a tensor seen as
 * [outer, n, inner] (the axis in the middle), with their derivative products. Sums over the axis
 * are taken in double.
 */
public final class Softmaxes {
    private Softmaxes() {}

    /** {@code y = x − max − log Σ exp(x − max)} along the axis. */
    public static void logSoftmax(float[] x, int outer, int n, int inner, float[] y) {
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * n * inner + i;
                float m = Float.NEGATIVE_INFINITY;
                for (int k = 0; k < n; k++) m = Math.max(m, x[base + k * inner]);
                double s = 0;
                for (int k = 0; k < n; k++) s += Math.exp(x[base + k * inner] - m);
                float lse = m + (float) Math.log(s);
                for (int k = 0; k < n; k++) y[base + k * inner] = x[base + k * inner] - lse;
            }
        }
    }

    /** {@code r = p (v − Σ p v)}: the softmax Jacobian (symmetric) times v, given {@code p = softmax(x)}. */
    public static void softmaxJacobian(float[] p, float[] vd, int outer, int n, int inner, float[] r) {
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * n * inner + i;
                double s = 0;
                for (int k = 0; k < n; k++) s += (double) p[base + k * inner] * vd[base + k * inner];
                for (int k = 0; k < n; k++) {
                    int j = base + k * inner;
                    r[j] = (float) (p[j] * (vd[j] - s));
                }
            }
        }
    }

    /** {@code v − p Σ v} (transpose: the VJP) or {@code v − Σ p v} (the JVP), with {@code p = exp(y)}, y the log-softmax. */
    public static void logSoftmaxDerivative(float[] y, float[] vd, int outer, int n, int inner, boolean transpose, float[] r) {
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * n * inner + i;
                double s = 0;
                for (int k = 0; k < n; k++) {
                    int j = base + k * inner;
                    s += transpose ? vd[j] : Math.exp(y[j]) * vd[j];
                }
                for (int k = 0; k < n; k++) {
                    int j = base + k * inner;
                    r[j] = (float) (vd[j] - (transpose ? Math.exp(y[j]) * s : s));
                }
            }
        }
    }

    /** {@code loss[0] = −(1/n) Σ_i ls[i, labels[i]]} for log-probabilities ls [n, c]. */
    public static void crossEntropy(float[] ls, int[] labels, int n, int c, float[] loss) {
        double s = 0;
        for (int i = 0; i < n; i++) s -= ls[i * c + labels[i]];
        loss[0] = (float) (s / n);
    }

    /** {@code dx = (probs − onehot(labels)) g[0] / n}. */
    public static void crossEntropyBackward(float[] probs, int[] labels, float[] g, int n, int c, float[] d) {
        float scale = g[0] / n;
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < c; k++) d[i * c + k] = probs[i * c + k] * scale;
            d[i * c + labels[i]] -= scale;
        }
    }

    /** {@code out[0] = (1/n) Σ_i (Σ_k probs[i,k] t[i,k] − t[i, labels[i]])}. */
    public static void crossEntropyTangent(float[] probs, int[] labels, float[] td, int n, int c, float[] out) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            double e = 0;
            for (int k = 0; k < c; k++) e += probs[i * c + k] * td[i * c + k];
            s += e - td[i * c + labels[i]];
        }
        out[0] = (float) (s / n);
    }
}
