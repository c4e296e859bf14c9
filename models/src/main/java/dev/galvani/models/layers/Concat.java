package dev.galvani.models.layers;

import dev.galvani.engine.F;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.Module;

import java.util.ArrayList;
import java.util.List;

/** Runs its children on the same input and concatenates their outputs along channels (axis 1). */
public class Concat extends Module {
    @Override
    protected Tensor forward(Tensor x) {
        List<Tensor> outs = new ArrayList<>();
        for (Module m : children().values()) outs.add(m.call(x));
        return F.concat(1, outs.toArray(new Tensor[0]));
    }
}
