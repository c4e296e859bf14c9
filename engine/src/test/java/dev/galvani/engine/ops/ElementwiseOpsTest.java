package dev.galvani.engine.ops;

import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.check.GradCheck;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class ElementwiseOpsTest {
    private final Rng rng = new Rng(42);

    private Tensor rand(int... shape) {
        return Tensor.randn(rng, 1f, shape);
    }

    private Tensor positive(int... shape) {
        return Tensor.uniform(rng, 0.5f, 2f, shape);
    }

    @Test void addBroadcasts() {
        GradCheck.check(x -> x[0].add(x[1]), rand(3, 1, 5), rand(4, 1));
        GradCheck.check(x -> x[0].add(x[1]), rand(7), rand(2, 7));
    }

    @Test void subBroadcasts() {
        GradCheck.check(x -> x[0].sub(x[1]), rand(2, 3, 4), rand(1, 4));
    }

    @Test void mulBroadcasts() {
        GradCheck.check(x -> x[0].mul(x[1]), rand(3, 4), rand(3, 1));
        GradCheck.check(x -> x[0].mul(x[1]), rand(1), rand(5, 2));
    }

    @Test void divBroadcasts() {
        GradCheck.check(x -> x[0].div(x[1]), rand(3, 4), positive(4));
    }

    @Test void unaryOps() {
        GradCheck.check(x -> x[0].exp(), rand(5, 3));
        GradCheck.check(x -> x[0].log(), positive(4, 3));
        GradCheck.check(x -> x[0].sqrt(), positive(7));
        GradCheck.check(x -> x[0].pow(3f), rand(6));
        GradCheck.check(x -> x[0].sigmoid(), rand(3, 3));
        GradCheck.check(x -> x[0].tanh(), rand(3, 3));
        GradCheck.check(x -> x[0].neg(), rand(2, 2));
    }

    @Test void reluAwayFromKink() {
        Tensor x = Tensor.of(new float[] {-1.5f, -0.3f, 0.4f, 2.0f, 6.5f, 3f}, 2, 3);
        GradCheck.check(t -> t[0].relu(), x);
        GradCheck.check(t -> new Relu6().apply(t[0]), x);
        assertArrayEquals(new float[] {0, 0, 0.4f, 2f, 6f, 3f}, new Relu6().apply(x).data());
    }

    /** The branch-free masks of ReLU and ReLU6 against their definitions, at every edge a float has. */
    @Test void reluMasksAtTheEdges() {
        float[] x = {-0f, 0f, Float.MIN_VALUE, -Float.MIN_VALUE, 1e-30f, 5.5f, Math.nextDown(6f), 6f, 7f,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, Float.intBitsToFloat(0xffc00000), -3f};
        float[] g = new float[x.length];
        for (int i = 0; i < g.length; i++) g[i] = i + 1;
        Tensor up = Tensor.of(g, x.length);
        for (boolean six : new boolean[] {false, true}) {
            Tensor in = Tensor.of(x.clone(), x.length).requiresGrad(true);
            Tensor y = six ? new Relu6().apply(in) : in.relu();
            float[] got = dev.galvani.engine.autodiff.Autodiff.grad(y, up, in)[0].data();
            for (int i = 0; i < x.length; i++) {
                boolean pass = x[i] > 0 && (!six || x[i] < 6);
                assertEquals(pass ? g[i] : 0f, got[i], (six ? "relu6" : "relu") + " at " + x[i]);
            }
        }
    }

    @Test void sumAndMean() {
        GradCheck.check(x -> x[0].sum(false, 1), rand(3, 4, 5));
        GradCheck.check(x -> x[0].sum(true, 0, 2), rand(3, 4, 5));
        GradCheck.check(x -> x[0].mean(), rand(6, 2));
        Tensor t = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertArrayEquals(new float[] {6, 15}, t.sum(false, 1).data());
        assertArrayEquals(new float[] {5, 7, 9}, t.sum(false, 0).data());
        assertEquals(3.5f, t.mean().item());
    }

    @Test void matmul() {
        GradCheck.check(x -> x[0].matmul(x[1]), rand(3, 5), rand(5, 2));
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2), b = Tensor.of(new float[] {5, 6, 7, 8}, 2, 2);
        assertArrayEquals(new float[] {19, 22, 43, 50}, a.matmul(b).data());
    }

    @Test void broadcastShapeMismatchNamesBothShapes() {
        var e = assertThrows(dev.galvani.engine.ShapeException.class, () -> rand(3, 4).add(rand(5)));
        assertTrue(e.getMessage().contains("[3, 4]") && e.getMessage().contains("[5]"), e.getMessage());
    }

    @Test void gradCheckCatchesAWrongDerivative() {
        // A deliberately wrong op: forward x^2, derivative claimed 3x. The check must fail.
        Pointwise wrong = new Pointwise() {
            @Override public String name() { return "wrong"; }
            @Override protected dev.galvani.kernels.UnaryOp op() { return dev.galvani.kernels.UnaryOp.POW; }
            @Override protected float p() { return 2f; }
            @Override protected Tensor derivativeTimes(Tensor v) { return v.mul(in[0]).mul(3f); }
        };
        assertThrows(AssertionError.class, () -> GradCheck.check(x -> wrong.apply(x[0]), rand(4)));
    }
}
