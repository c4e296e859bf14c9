package dev.galvani.attribution.conductance;

import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.Module;

import java.util.ArrayList;
import java.util.List;

/**
 * Stops a model's parameters from requiring gradients for a while, so attribution passes record
 * only the graph downstream of the path and never compute weight gradients.
 */
public final class Frozen implements AutoCloseable {
    private final List<Tensor> frozen = new ArrayList<>();

    private Frozen() {}

    public static Frozen parameters(Module model) {
        Frozen f = new Frozen();
        for (Tensor p : model.parameters().values()) {
            if (p.requiresGrad()) {
                p.requiresGrad(false);
                f.frozen.add(p);
            }
        }
        return f;
    }

    @Override
    public void close() {
        for (Tensor p : frozen) p.requiresGrad(true);
    }
}
