package dev.galvani.engine.ops;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.ShapeException;
import dev.galvani.engine.Tensor;

/**
 * Mean cross-entropy of logits [N, C] against integer labels: {@code −(1/N) Σ_n log softmax(z_n)[y_n]}.
 * Gradient {@code (softmax − onehot) / N}; labels are not differentiable.
 */
public final class CrossEntropy extends Op {
    private final int[] labels;
    private float[] probs;

    public CrossEntropy(int[] labels) {
        this.labels = labels;
    }

    @Override public String name() { return "cross_entropy"; }

    @Override protected Tensor forward(Tensor[] in) {
        Tensor z = in[0];
        if (z.dim() != 2 || z.size(0) != labels.length) {
            throw new ShapeException(name(), "logits " + z.shapeString() + " for " + labels.length + " labels");
        }
        int n = z.size(0), c = z.size(1);
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0 || labels[i] >= c) {
                throw new GalvaniException("cross_entropy: label " + labels[i] + " of example " + i + " is outside 0.." + (c - 1));
            }
        }
        float[] ls = new LogSoftmax(1).forward(in).data();
        probs = new float[ls.length];
        double loss = 0;
        for (int i = 0; i < n; i++) loss -= ls[i * c + labels[i]];
        for (int i = 0; i < ls.length; i++) probs[i] = (float) Math.exp(ls[i]);
        return Tensor.scalar((float) (loss / n));
    }

    @Override protected Tensor[] vjp(Tensor g) {
        int n = labels.length, c = probs.length / n;
        float scale = g.item() / n;
        float[] d = new float[probs.length];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < c; k++) d[i * c + k] = probs[i * c + k] * scale;
            d[i * c + labels[i]] -= scale;
        }
        return new Tensor[] {new Tensor(d, in[0].shape())};
    }

    @Override protected Tensor jvp(Tensor[] t) {
        int n = labels.length, c = probs.length / n;
        float[] td = t[0].data();
        double s = 0;
        for (int i = 0; i < n; i++) {
            double e = 0;
            for (int k = 0; k < c; k++) e += probs[i * c + k] * td[i * c + k];
            s += e - td[i * c + labels[i]];
        }
        return Tensor.scalar((float) (s / n));
    }
}
