package dev.galvani.models.layers;

import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;

/** Seeded weight initialisations (the ones PyTorch and torchvision use). */
public final class Init {
    private Init() {}

    /** He/Kaiming normal for ReLU nets: std = sqrt(2 / fan_in). */
    public static Tensor kaimingNormal(Rng rng, int fanIn, int... shape) {
        return Tensor.randn(rng, (float) Math.sqrt(2.0 / fanIn), shape);
    }

    /** PyTorch's default for Linear/Conv weights and biases: U(-1/sqrt(fan_in), 1/sqrt(fan_in)). */
    public static Tensor uniformFanIn(Rng rng, int fanIn, int... shape) {
        float b = (float) (1 / Math.sqrt(fanIn));
        return Tensor.uniform(rng, -b, b, shape);
    }
}
