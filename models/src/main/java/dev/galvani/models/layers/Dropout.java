package dev.galvani.models.layers;

import dev.galvani.engine.F;
import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.Module;

/** Inverted dropout with its own seeded stream; identity in evaluation. */
public final class Dropout extends Module {
    private final float p;
    private final Rng rng;

    public Dropout(float p, Rng rng) {
        this.p = p;
        this.rng = rng;
    }

    @Override
    protected Tensor forward(Tensor x) {
        return F.dropout(x, p, rng, isTraining());
    }
}
