package dev.galvani.models.onnx;

import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.Module;

/**
 * A block of an imported model: the nodes the exporter wrote under one module scope
 * ({@code /inception4d/...}). Its output, a hookable node like any module's, is the value of the
 * block's last node ({@code /inception4d/Concat} for {@code inception4d}).
 */
public final class OnnxScope extends Module {
    /** Adds a child node or block. */
    void child(String name, Module m) {
        add(name, m);
    }

    @Override
    protected Tensor forward(Tensor x) {
        return x;
    }
}
