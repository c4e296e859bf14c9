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
