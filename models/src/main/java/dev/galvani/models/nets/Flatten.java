package dev.galvani.models.nets;

import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.Module;

/** [N, ...] to [N, features]. */
public final class Flatten extends Module {
    @Override
    protected Tensor forward(Tensor x) {
        return x.reshape(x.size(0), -1);
    }
}
