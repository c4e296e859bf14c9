package dev.galvani.engine;

/**
 * The functional API (like {@code torch.nn.functional}): one static method per op, each a thin
 * call of its op class in {@code engine.ops}. Models and attribution code call these.
 */
public final class F {
    private F() {}

    // ---- elementwise and reductions ------------------------------------------------------

    public static Tensor relu(Tensor x) {
        return x.relu();
    }

    public static Tensor relu6(Tensor x) {
        return new dev.galvani.engine.ops.Relu6().apply(x);
    }

    // ---- shape, dense, softmax, losses, embedding, dropout (section A) -------------------



    // ---- end of section A ----------------------------------------------------------------




    // ---- convolution, pooling, batch norm (section B) ------------------------------------



    // ---- end of section B ----------------------------------------------------------------
}
