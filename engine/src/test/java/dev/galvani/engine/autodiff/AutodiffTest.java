package dev.galvani.engine.autodiff;

import dev.galvani.engine.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class AutodiffTest {
    @Test void reusedValuesAccumulate() {
        Tensor x = Tensor.of(new float[] {3f}, 1).requiresGrad(true);
        Tensor y = x.mul(x).add(x); // y = x^2 + x, dy/dx = 2x + 1 = 7
        y.sum().backward();
        assertEquals(7f, x.grad.item(), 1e-6);
    }

    @Test void gradWithRespectToIntermediate() {
        Tensor x = Tensor.of(new float[] {1f, 2f}, 2).requiresGrad(true);
        Tensor h = x.mul(3f);          // intermediate
        Tensor y = h.mul(h).sum();     // y = sum h^2, dy/dh = 2h = [6, 12]
        Tensor[] g = Autodiff.grad(y, null, h, x);
        assertArrayEquals(new float[] {6f, 12f}, g[0].data(), 1e-6f);
        assertArrayEquals(new float[] {18f, 36f}, g[1].data(), 1e-6f);
        assertNull(x.grad, "grad() must not touch leaves' grad fields");
    }

    /** Doubles its input and counts its VJPs. */
    static final class CountingDouble extends dev.galvani.engine.ops.Op {
        static int vjps;
        @Override public String name() { return "counting_double"; }
        @Override protected Tensor forward(Tensor[] in) { return in[0].mul(2f); }
        @Override protected Tensor[] vjp(Tensor g) { vjps++; return new Tensor[] {g.mul(2f)}; }
        @Override protected Tensor jvp(Tensor[] t) { return t[0].mul(2f); }
    }

    /** A sweep for an intermediate's gradient stops there: nothing below it runs its VJP. */
    @Test void gradOfAnIntermediateRunsNoVjpBelowIt() {
        Tensor x = Tensor.of(new float[] {1f, 2f}, 2).requiresGrad(true);
        Tensor below = new CountingDouble().apply(x);   // 2x
        Tensor h = below.mul(3f);                        // 6x, the wanted one
        Tensor y = h.mul(h).sum();                       // dy/dh = 2h = [12, 24]
        CountingDouble.vjps = 0;
        assertArrayEquals(new float[] {12f, 24f}, Autodiff.grad(y, null, h)[0].data(), 1e-6f);
        assertEquals(0, CountingDouble.vjps);
        assertArrayEquals(new float[] {72f, 144f}, Autodiff.grad(y, null, h, x)[1].data(), 1e-6f); // 72x
        assertEquals(1, CountingDouble.vjps);
    }

    @Test void nonScalarBackwardWithUpstream() {
        Tensor x = Tensor.of(new float[] {1f, 2f, 3f}, 3).requiresGrad(true);
        x.mul(x).backward(Tensor.of(new float[] {1f, 0f, 2f}, 3));
        assertArrayEquals(new float[] {2f, 0f, 12f}, x.grad.data(), 1e-6f);
    }

    @Test void noGradScopeRecordsNothing() {
        Tensor x = Tensor.ones(2).requiresGrad(true);
        Tensor y;
        try (Grad.Scope s = Grad.off()) {
            y = x.mul(2f);
        }
        assertFalse(y.requiresGrad());
        assertNull(y.node());
    }

    @Test void forwardModeCarriesTangents() {
        // y = exp(2x); dy = 2 exp(2x) dx
        Tensor x = Tensor.of(new float[] {0f, 0.5f}, 2).withTangent(Tensor.of(new float[] {1f, 2f}, 2));
        Tensor y = x.mul(2f).exp();
        assertArrayEquals(new float[] {2f, (float) (2 * Math.exp(1) * 2)}, y.tangent().data(), 1e-5f);
    }
}
