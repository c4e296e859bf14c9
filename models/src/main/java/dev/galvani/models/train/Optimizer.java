package dev.galvani.models.train;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * SGD with momentum and Adam, with decoupled-from-nothing L2 weight decay added to the gradient
 * (PyTorch's {@code weight_decay} for both, i.e. Adam, not AdamW), applied in place.
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
            default -> throw new GalvaniException("unknown optimizer '" + name + "'; use sgd or adam");
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
}
