package dev.galvani.models.layers;

import dev.galvani.engine.F;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.autodiff.Grad;
import dev.galvani.engine.nn.Module;

/**
 * Batch norm over axis 1 (BatchNorm1d and BatchNorm2d): batch statistics in training, running
 * statistics (momentum 0.1, unbiased variance, as PyTorch) in evaluation.
 */
public final class BatchNorm extends Module {
    public final int channels;
    final float eps, momentum;
    final Tensor weight, bias;

    public BatchNorm(int channels, float eps) {
        this.channels = channels;
        this.eps = eps;
        this.momentum = 0.1f;
        this.weight = param("weight", Tensor.ones(channels));
        this.bias = param("bias", Tensor.zeros(channels));
        buffer("running_mean", Tensor.zeros(channels));
        buffer("running_var", Tensor.ones(channels));
        buffer("num_batches_tracked", Tensor.zeros());
    }

    public BatchNorm(int channels) {
        this(channels, 1e-5f);
    }

    @Override
    protected Tensor forward(Tensor x) {
        Tensor rm = bufferValue("running_mean"), rv = bufferValue("running_var");
        if (!isTraining()) return F.batchNormEval(x, weight, bias, rm, rv, eps);
        F.BatchNormResult r = F.batchNormTrain(x, weight, bias, eps);
        r.updateRunning(rm, rv, momentum);
        Tensor count = bufferValue("num_batches_tracked");
        try (Grad.Scope s = Grad.off()) {
            count.copyFrom(count.add(1f));
        }
        return r.output();
    }
}
