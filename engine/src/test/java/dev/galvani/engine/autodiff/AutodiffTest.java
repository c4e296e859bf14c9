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

    /** An upstream that is zero on a branch's slice runs no VJP in that branch, and the gradient is unchanged. */
    @Test void zeroUpstreamSkipsABranch() {
        Tensor x = Tensor.of(new float[] {1f, 2f}, 2).requiresGrad(true);
        Tensor y = dev.galvani.engine.F.concat(0, new CountingDouble().apply(x), x.mul(3f));   // [2x, 3x]
        CountingDouble.vjps = 0;
        Tensor g = Autodiff.grad(y, Tensor.of(new float[] {0, 0, 1, 1}, 4), x)[0];
        assertArrayEquals(new float[] {3f, 3f}, g.data(), 0f);
        assertEquals(0, CountingDouble.vjps);
        assertArrayEquals(new float[] {5f, 5f}, Autodiff.grad(y, Tensor.ones(4), x)[0].data(), 0f);
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

    /** Tangents stop inside the scope while the graph is still recorded; closing restores the tangent switch only. */
    @Test void tangentsOffStopsForwardModeButNotTheGraph() {
        Tensor x = Tensor.of(new float[] {1f, 2f}, 2).requiresGrad(true).withTangent(Tensor.ones(2));
        Tensor y;
        try (Grad.Scope s = Grad.tangentsOff()) {
            y = x.mul(3f);
            assertTrue(Grad.enabled());
        }
        assertNull(y.tangent());
        assertNotNull(y.node());
        assertArrayEquals(new float[] {3f, 3f}, x.mul(3f).tangent().data(), 0f);
        // Opened inside a no-graph scope and closed after it: the graph switch is the outer one's.
        Grad.Scope stop;
        try (Grad.Scope off = Grad.off()) {
            stop = Grad.tangentsOff();
        }
        stop.close();
        assertTrue(Grad.enabled());
        assertTrue(Grad.tangentsEnabled());
    }

    /** A small convnet of the engine's ops: conv, batch norm, ReLU, max pooling, a branch concat, a product. */
    private static Tensor convnet(Tensor x, dev.galvani.engine.Rng rng) {
        Tensor w1 = Tensor.randn(rng, 0.5f, 4, 2, 3, 3), b1 = Tensor.randn(rng, 0.1f, 4), w2 = Tensor.randn(rng, 0.5f, 3, 4, 1, 1);
        Tensor h = dev.galvani.engine.F.conv2d(x, w1, b1, 1, 1);
        h = dev.galvani.engine.F.batchNormEval(h, Tensor.randn(rng, 1f, 4), Tensor.randn(rng, 1f, 4),
                new float[] {0.1f, -0.2f, 0f, 0.3f}, new float[] {1f, 2f, 0.5f, 1f}, 1e-5f).relu();
        Tensor p = dev.galvani.engine.F.maxPool2d(h, 2, 2, 0);
        Tensor b = dev.galvani.engine.F.conv2d(p, w2, null, 1, 0);
        return dev.galvani.engine.F.concat(1, p, b.mul(b));
    }

    /** Forward mode over a recorded graph gives the tangents a forward pass carrying them gives, for several directions. */
    @Test void jvpOverARecordedGraphMatchesForwardMode() {
        dev.galvani.engine.Rng rng = new dev.galvani.engine.Rng(5);
        Tensor x0 = Tensor.randn(rng, 1f, 2, 2, 6, 6);
        Tensor recorded = x0.copy().requiresGrad(true);
        Tensor y = convnet(recorded, new dev.galvani.engine.Rng(9));
        for (int d = 0; d < 3; d++) {
            Tensor t = Tensor.randn(rng, 1f, 2, 2, 6, 6);
            Tensor carried = convnet(x0.copy().withTangent(t), new dev.galvani.engine.Rng(9));
            Tensor replayed = Autodiff.jvp(y, new Tensor[] {recorded}, new Tensor[] {t});
            assertArrayEquals(carried.tangent().data(), replayed.data(), 0f, "direction " + d);
        }
        // From an intermediate: the tangent of the root when only that tensor moves.
        Tensor leaf = x0.copy().requiresGrad(true);
        Tensor mid = leaf.mul(2f), root = mid.mul(mid).sum();
        Tensor dm = Tensor.zeros(2, 2, 6, 6);
        dm.data()[5] = 1f;
        assertEquals(2 * mid.data()[5], Autodiff.jvp(root, new Tensor[] {mid}, new Tensor[] {dm}).item(), 1e-5);
        // A root the given tensors do not reach has a zero tangent.
        assertEquals(0f, Autodiff.jvp(root, new Tensor[] {Tensor.ones(3)}, new Tensor[] {Tensor.ones(3)}).item(), 0f);
    }
}
