package dev.galvani.engine.ops;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.ShapeException;
import dev.galvani.engine.Tensor;
import dev.galvani.kernels.Backend;
import dev.galvani.kernels.Indices;
import dev.galvani.kernels.UnaryOp;

/**
 * Mean cross-entropy of logits [N, C] against integer labels: {@code −(1/N) Σ_n log softmax(z_n)[y_n]}.
 * Gradient {@code (softmax − onehot) / N}; labels are not differentiable.
 */
public final class CrossEntropy extends Op {
    private final int[] labels;
    private Tensor probs;        // softmax of the logits, [N, C]
    private Indices onDevice;    // the labels on the logits' device

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
        Backend be = Storages.backend(z);
        Tensor ls = new LogSoftmax(1).forward(in);
        onDevice = Storages.indices(z, labels);
        Tensor loss = Storages.zeros(z);
        be.crossEntropy(ls.storage(), onDevice, n, c, loss.storage());
        probs = ls; // exp in place: the log-probabilities are not needed again
        be.unary(UnaryOp.EXP, 0f, 0f, ls.storage(), probs.storage());
        return loss;
    }

    @Override protected Tensor[] vjp(Tensor g) {
        int n = labels.length, c = probs.numel() / n;
        Tensor d = Storages.zeros(g, in[0].shape());
        Storages.backend(g).crossEntropyBackward(probs.storage(), onDevice, g.storage(), n, c, d.storage());
        return new Tensor[] {d};
    }

    @Override protected Tensor jvp(Tensor[] t) {
        int n = labels.length, c = probs.numel() / n;
        Tensor s = Storages.zeros(t[0]);
        Storages.backend(t[0]).crossEntropyTangent(probs.storage(), onDevice, t[0].storage(), n, c, s.storage());
        return s;
    }
}
