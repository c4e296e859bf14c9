package dev.galvani.engine.nn;

import dev.galvani.engine.Tensor;

/** Children run in order; named by position ("0", "1", ...) unless given names. */
public class Sequential extends Module {
    public Sequential(Module... layers) {
        for (int i = 0; i < layers.length; i++) add(Integer.toString(i), layers[i]);
    }

    /** Appends a named child and returns this container. */
    public Sequential then(String name, Module m) {
        add(name, m);
        return this;
    }

    @Override
    protected Tensor forward(Tensor x) {
        for (Module m : children().values()) x = m.call(x);
        return x;
    }
}
