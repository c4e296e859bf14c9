package dev.galvani.models.layers;

import dev.galvani.engine.F;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.Module;

/** ReLU or ReLU6 as a named node (so hooks and attribution can name activations). */
public final class Activation extends Module {
    public enum Kind { RELU, RELU6 }

    private final Kind kind;

    public Activation(Kind kind) {
        this.kind = kind;
    }

    public static Activation relu() {
        return new Activation(Kind.RELU);
    }

    public static Activation relu6() {
        return new Activation(Kind.RELU6);
    }

    @Override
    protected Tensor forward(Tensor x) {
        return kind == Kind.RELU ? F.relu(x) : F.relu6(x);
    }
}
