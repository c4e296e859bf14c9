package dev.galvani.models.train;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * SGD with momentum, Adam and Adadelta, with L2 weight decay added to the gradient (PyTorch's
 * {@code weight_decay} for all three, i.e. Adam, not AdamW), applied in place.
 */
public abstract class Optimizer {
    protected final List<Tensor> params;
    protected final float weightDecay;
    protected float lr;

    protected Optimizer(List<Tensor> params, float lr, float weightDecay) {
        this.params = params;
        this.lr = lr;
        this.weightDecay = weightDecay;
    }

    public static Optimizer create(String name, List<Tensor> params, float lr, float weightDecay) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "sgd" -> new Sgd(params, lr, 0.9f, weightDecay);
            case "adam" -> new Adam(params, lr, weightDecay);
            case "adadelta" -> new Adadelta(params, lr, 0.95f, 1e-6f, weightDecay);
            default -> throw new GalvaniException("unknown optimizer '" + name + "'; use sgd, adam or adadelta");
        };
    }

    public void setLearningRate(float lr) {
        this.lr = lr;
    }

    public float learningRate() {
        return lr;
    }

    /** One update from the parameters' accumulated {@code grad}; then clears them. */
    public abstract void step();

    public void zeroGrad() {
        for (Tensor p : params) p.grad = null;
    }

    /** SGD with (heavy-ball) momentum, as torch.optim.SGD; the update runs on each parameter's device. */
    public static final class Sgd extends Optimizer {
        private final float momentum;
        private final Map<Tensor, Tensor> velocity = new IdentityHashMap<>();

        public Sgd(List<Tensor> params, float lr, float momentum, float weightDecay) {
            super(params, lr, weightDecay);
            this.momentum = momentum;
        }

        @Override
        public void step() {
            for (Tensor p : params) {
                if (p.grad == null) continue;
                Tensor v = velocity.computeIfAbsent(p, Tensor::zerosLike);
                p.device().backend().sgdStep(p.storage(), p.grad.storage(), v.storage(), lr, momentum, weightDecay);
            }
            zeroGrad();
        }
    }

    /** Adam (Kingma and Ba), as torch.optim.Adam with betas (0.9, 0.999), eps 1e-8; the update runs on each parameter's device. */
    public static final class Adam extends Optimizer {
        private final float b1 = 0.9f, b2 = 0.999f, eps = 1e-8f;
        private final Map<Tensor, Tensor[]> state = new IdentityHashMap<>();
        private int t;

        public Adam(List<Tensor> params, float lr, float weightDecay) {
            super(params, lr, weightDecay);
        }

        @Override
        public void step() {
            t++;
            float c1 = (float) (1 - Math.pow(b1, t)), c2 = (float) (1 - Math.pow(b2, t));
            for (Tensor p : params) {
                if (p.grad == null) continue;
                Tensor[] s = state.computeIfAbsent(p, k -> new Tensor[] {Tensor.zerosLike(k), Tensor.zerosLike(k)});
                p.device().backend().adamStep(p.storage(), p.grad.storage(), s[0].storage(), s[1].storage(), lr, b1, b2, eps,
                        c1, c2, weightDecay);
            }
            zeroGrad();
        }
    }

    /**
     * Adadelta (Zeiler 2012), as torch.optim.Adadelta: {@code E[g²] ← ρE[g²] + (1−ρ)g²},
     * {@code Δ = −sqrt(E[Δ²] + ε) / sqrt(E[g²] + ε) · g}, {@code E[Δ²] ← ρE[Δ²] + (1−ρ)Δ²},
     * {@code w ← w + lr·Δ}. Kim (2014) trains the text CNN with ρ = 0.95, ε = 1e-6 (lr 1).
     */
    public static final class Adadelta extends Optimizer {
        private final float rho, eps;
        private final Map<Tensor, float[][]> state = new IdentityHashMap<>();

        public Adadelta(List<Tensor> params, float lr, float rho, float eps, float weightDecay) {
            super(params, lr, weightDecay);
            this.rho = rho;
            this.eps = eps;
        }

        @Override
        public void step() {
            for (Tensor p : params) {
                if (p.grad == null) continue;
                float[] w = p.data(), g = p.grad.data();
                float[][] s = state.computeIfAbsent(p, k -> new float[][] {new float[w.length], new float[w.length]});
                float[] sq = s[0], acc = s[1];
                for (int i = 0; i < w.length; i++) {
                    float gi = g[i] + weightDecay * w[i];
                    sq[i] = rho * sq[i] + (1 - rho) * gi * gi;
                    float delta = (float) (Math.sqrt(acc[i] + eps) / Math.sqrt(sq[i] + eps)) * gi;
                    acc[i] = rho * acc[i] + (1 - rho) * delta * delta;
                    w[i] -= lr * delta;
                }
            }
            zeroGrad();
        }
    }
}
