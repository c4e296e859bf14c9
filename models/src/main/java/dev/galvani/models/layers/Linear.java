package dev.galvani.models.layers;

import dev.galvani.engine.F;
import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.Module;

/** {@code y = x W^T + b}; PyTorch layout: weight [out, in], bias [out]. */
public final class Linear extends Module {
    public final int in, out;
    final Tensor weight, bias;

    public Linear(Rng rng, int in, int out, boolean bias) {
        this.in = in;
        this.out = out;
        this.weight = param("weight", Init.uniformFanIn(rng, in, out, in));
        this.bias = bias ? param("bias", Init.uniformFanIn(rng, in, out)) : null;
    }

    /** Rescales every row of the weight (one output's weight vector) whose L2 norm exceeds {@code max} to norm {@code max}. */
    public void maxNormRows(float max) {
        float[] w = weight.data();
        for (int o = 0; o < out; o++) {
            double ss = 0;
            for (int i = 0; i < in; i++) ss += (double) w[o * in + i] * w[o * in + i];
            double norm = Math.sqrt(ss);
            if (norm > max) {
                float scale = (float) (max / norm);
                for (int i = 0; i < in; i++) w[o * in + i] *= scale;
            }
        }
    }

    @Override
    protected Tensor forward(Tensor x) {
        return F.linear(x, weight, bias);
    }
}
