package dev.galvani.engine.ops;

import dev.galvani.engine.Tensor;
import dev.galvani.kernels.UnaryOp;

/**
 * A unary elementwise op, one of the backend's {@link UnaryOp}s (whose value {@code f(x)} and
 * derivative {@code f'(x)} the CPU kernels define): the VJP is {@code g * f'} and the JVP
 * {@code t * f'}, where {@code f'} may read the output {@code y = f(x)}.
 */
public abstract class Pointwise extends Op {

    /** Which function. */
    protected abstract UnaryOp op();

    /** The function's first constant (POW's exponent, CLIP's lower bound). */
    protected float p() {
        return 0f;
    }

    /** The function's second constant (CLIP's upper bound). */
    protected float q() {
        return 0f;
    }

    @Override protected Tensor forward(Tensor[] in) {
        Tensor y = Storages.zeros(in[0], in[0].shape());
        Storages.backend(in[0]).unary(op(), p(), q(), in[0].storage(), y.storage());
        return y;
    }

    /** {@code v ⊙ f'(x)}. */
    protected Tensor derivativeTimes(Tensor v) {
        Tensor r = Storages.zeros(in[0], in[0].shape());
        Storages.backend(in[0]).unaryDerivative(op(), p(), q(), in[0].storage(), out.storage(), v.storage(), r.storage());
        return r;
    }

    @Override protected final Tensor[] vjp(Tensor g) {
        return new Tensor[] {derivativeTimes(g)};
    }

    @Override protected final Tensor jvp(Tensor[] t) {
        return derivativeTimes(t[0]);
    }
}
