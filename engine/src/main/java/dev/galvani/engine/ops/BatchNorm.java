package dev.galvani.engine.ops;

import dev.galvani.engine.ShapeException;
import dev.galvani.engine.Tensor;
import dev.galvani.kernels.Backend;
import dev.galvani.kernels.BatchNormalization;

/**
 * Batch normalisation over axis 1 of x [N, C, ...] with scale {@code gamma} [C] and shift
 * {@code beta} [C] (inputs 1 and 2), on the backend's batch-norm primitives (on the CPU
 * {@link BatchNormalization}).
 *
 * <p>Training: {@code x̂ = (x − μ_B) / sqrt(σ²_B + ε)} with the batch mean and biased variance per
 * channel; {@link #updateRunning} folds them into running statistics. VJP (per channel, M values):
 * {@code dx = (γ/σ)(g − mean(g) − x̂ mean(g x̂))}; JVP:
 * {@code ẏ = (γ/σ)(ẋ − mean(ẋ) − x̂ mean(x̂ ẋ)) + γ̇ x̂ + β̇}.
 * Evaluation: the given running statistics are constants and the op is affine.
 */
public final class BatchNorm extends Op {
    private final float eps;
    private final Tensor runningMean, runningVar;   // null in training mode
    private Tensor mean, invStd;                     // per channel, on the input's device
    private int n, c, inner;

    /** Training mode. */
    public BatchNorm(float eps) {
        this(eps, (Tensor) null, null);
    }

    /** Evaluation mode with running statistics (host arrays). */
    public BatchNorm(float eps, float[] runningMean, float[] runningVar) {
        this(eps, new Tensor(runningMean, runningMean.length), new Tensor(runningVar, runningVar.length));
    }

    /** Evaluation mode with running statistics [C] (on any device: they follow the input). */
    public BatchNorm(float eps, Tensor runningMean, Tensor runningVar) {
        this.eps = eps;
        this.runningMean = runningMean;
        this.runningVar = runningVar;
    }

    @Override public String name() { return "batch_norm"; }

    private boolean training() {
        return runningMean == null;
    }

    /** The batch mean per channel (copied to the host). */
    public float[] batchMean() {
        return mean.toHost().data();
    }

    /** The batch variance with Bessel's correction (what PyTorch feeds the running variance), on the host. */
    public float[] unbiasedBatchVar() {
        int m = n * inner;
        float[] is = invStd.toHost().data(), v = new float[c];
        for (int ch = 0; ch < c; ch++) {
            double biased = 1.0 / ((double) is[ch] * is[ch]) - eps;
            v[ch] = (float) (biased * m / Math.max(1, m - 1));
        }
        return v;
    }

    /** After a training forward pass: {@code r ← (1 − momentum) r + momentum batch}, in place on the statistics' device. */
    public void updateRunning(Tensor mean, Tensor var, float momentum) {
        Storages.backend(this.mean).batchNormUpdateRunning(n * inner, eps, momentum, this.mean.storage(), invStd.storage(),
                mean.storage(), var.storage());
    }

    @Override protected Tensor forward(Tensor[] in) {
        Tensor x = in[0];
        if (x.dim() < 2) throw new ShapeException(name(), "input " + x.shapeString() + " has no channel axis");
        n = x.size(0);
        c = x.size(1);
        inner = x.numel() / (n * c);
        if (in[1].numel() != c || in[2].numel() != c) {
            throw new ShapeException(name(), "input has " + c + " channels, weight/bias have " + in[1].numel() + "/" + in[2].numel());
        }
        if (training() && n * inner < 2) {
            throw new ShapeException(name(), "training needs more than one value per channel, got input " + x.shapeString());
        }
        Backend be = Storages.backend(x);
        mean = Storages.zeros(x, c);
        invStd = Storages.zeros(x, c);
        if (training()) {
            be.batchNormStatistics(n, c, inner, x.storage(), eps, mean.storage(), invStd.storage());
        } else {
            be.batchNormRunningStatistics(runningMean.to(x.device()).storage(), runningVar.to(x.device()).storage(), eps,
                    mean.storage(), invStd.storage());
        }
        Tensor y = Storages.zeros(x, x.shape());
        be.batchNorm(n, c, inner, x.storage(), mean.storage(), invStd.storage(), in[1].storage(), in[2].storage(), y.storage());
        return y;
    }

    /** {@code (γ/σ)(v − mean(v) − x̂ mean(x̂ v))} in training, {@code (γ/σ) v} in evaluation. */
    private Tensor normalisedDerivative(Tensor v) {
        Tensor r = Storages.zeros(v, in[0].shape());
        Storages.backend(v).batchNormDerivative(n, c, inner, in[0].storage(), mean.storage(), invStd.storage(), in[1].storage(),
                v.storage(), training(), r.storage());
        return r;
    }

    /** All three gradients from one backend call (they share the per-channel sums Σ g and Σ g x̂). */
    @Override protected Tensor[] vjp(Tensor grad) {
        Tensor[] out = new Tensor[3];
        if (in[0].requiresGrad()) out[0] = Storages.zeros(grad, in[0].shape());
        if (in[1].requiresGrad() || in[2].requiresGrad()) {
            out[1] = Storages.zeros(grad, in[1].shape());
            out[2] = Storages.zeros(grad, in[2].shape());
        }
        Storages.backend(grad).batchNormBackward(n, c, inner, in[0].storage(), mean.storage(), invStd.storage(), in[1].storage(),
                grad.storage(), training(), storage(out[0]), storage(out[1]), storage(out[2]));
        return out;
    }

    private static dev.galvani.kernels.Storage storage(Tensor t) {
        return t == null ? null : t.storage();
    }

    @Override protected Tensor jvp(Tensor[] t) {
        Tensor y = t[0] != null ? normalisedDerivative(t[0]) : Tensor.zerosLike(in[0]);
        Tensor tg = t[1], tb = t.length > 2 ? t[2] : null;
        if (tg != null || tb != null) {
            Storages.backend(y).batchNormAffineTangent(n, c, inner, in[0].storage(), mean.storage(), invStd.storage(),
                    tg == null ? null : tg.storage(), tb == null ? null : tb.storage(), y.storage());
        }
        return y;
    }
}
