package dev.galvani.kernels;

/** The CPU reference of the optimiser updates, in place, with L2 weight decay added to the gradient (PyTorch's {@code weight_decay}). */
public final class Optimisers {
    private Optimisers() {}

    /** SGD with heavy-ball momentum (torch.optim.SGD): {@code v = μ v + g + λ w; w −= lr v}. */
    public static void sgd(float[] w, float[] g, float[] v, float lr, float momentum, float weightDecay) {
        for (int i = 0; i < w.length; i++) {
            float gi = g[i] + weightDecay * w[i];
            v[i] = momentum * v[i] + gi;
            w[i] -= lr * v[i];
        }
    }

    /**
     * Adam (Kingma and Ba 2015, Algorithm 1), as torch.optim.Adam: moments m and v, bias
     * corrections {@code c1 = 1 − β1^t}, {@code c2 = 1 − β2^t}.
     */
    public static void adam(float[] w, float[] g, float[] m, float[] v, float lr, float b1, float b2, float eps,
                            float c1, float c2, float weightDecay) {
        for (int i = 0; i < w.length; i++) {
            float gi = g[i] + weightDecay * w[i];
            m[i] = b1 * m[i] + (1 - b1) * gi;
            v[i] = b2 * v[i] + (1 - b2) * gi * gi;
            w[i] -= lr * (m[i] / c1) / ((float) Math.sqrt(v[i] / c2) + eps);
        }
    }
}
