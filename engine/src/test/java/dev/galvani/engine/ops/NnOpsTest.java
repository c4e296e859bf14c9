package dev.galvani.engine.ops;

import dev.galvani.engine.F;
import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Rng;
import dev.galvani.engine.ShapeException;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.check.GradCheck;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Shape, dense, softmax, loss, embedding and dropout ops: finite differences and hand values. */
class NnOpsTest {
    private final Rng rng = new Rng(3);

    private Tensor rand(int... shape) {
        return Tensor.randn(rng, 1f, shape);
    }

    /** Distinct values, so max has no ties within 1e-2 finite-difference steps. */
    private Tensor distinct(int... shape) {
        int n = dev.galvani.engine.Shapes.numel(shape);
        int[] p = rng.permutation(n);
        float[] d = new float[n];
        for (int i = 0; i < n; i++) d[i] = 0.1f * p[i] - 0.05f * n;
        return Tensor.of(d, shape);
    }

    @Test void maxOverAxes() {
        GradCheck.check(x -> F.max(x[0], false, 1), distinct(3, 5, 2));
        GradCheck.check(x -> F.max(x[0], true, 0, 2), distinct(4, 3, 3));
        Tensor t = Tensor.of(new float[] {1, 5, 3, 7, 2, 2}, 2, 3);
        assertArrayEquals(new float[] {5, 7}, F.max(t, false, 1).data());
        assertArrayEquals(new int[] {1, 0}, F.argmax(t));
    }

    @Test void permuteSliceConcatSplitFlatten() {
        GradCheck.check(x -> F.permute(x[0], 2, 0, 1), rand(2, 3, 4));
        GradCheck.check(x -> F.slice(x[0], 1, 1, 4), rand(3, 5, 2));
        GradCheck.check(x -> F.concat(1, x[0], x[1], x[2]), rand(2, 1, 3), rand(2, 4, 3), rand(2, 2, 3));
        GradCheck.check(x -> F.split(x[0], 0, 2, 3)[1].mul(F.split(x[0], 0, 2, 3)[0].sum()), rand(5, 3));
        Tensor t = Tensor.of(new float[] {0, 1, 2, 3, 4, 5}, 2, 3);
        assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, F.permute(t, 1, 0).data());
        assertArrayEquals(new float[] {1, 2, 4, 5}, F.slice(t, 1, 1, 3).data());
        assertArrayEquals(new int[] {2, 12}, F.flatten(rand(2, 3, 2, 2), 1).shape());
        var e = assertThrows(ShapeException.class, () -> F.concat(0, rand(2, 3), rand(2, 4)));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[2, 4]"), e.getMessage());
    }

    @Test void linearMatchesHandComputation() {
        GradCheck.check(x -> F.linear(x[0], x[1], x[2]), rand(5, 4), rand(3, 4), rand(3));
        GradCheck.check(x -> F.linear(x[0], x[1], null), rand(2, 3, 7), rand(1, 7));
        Tensor x = Tensor.of(new float[] {1, 2}, 1, 2), w = Tensor.of(new float[] {1, 0, 3, -1}, 2, 2), b = Tensor.of(new float[] {10, 20}, 2);
        assertArrayEquals(new float[] {11, 21}, F.linear(x, w, b).data());
        var e = assertThrows(ShapeException.class, () -> F.linear(rand(2, 64), rand(3, 32), null));
        assertTrue(e.getMessage().startsWith("linear '") && e.getMessage().contains("input has 64 features, weight expects 32"), e.getMessage());
    }

    @Test void batchedMatmul() {
        GradCheck.check(x -> F.bmm(x[0], x[1]), rand(3, 2, 4), rand(3, 4, 5));
        GradCheck.check(x -> F.bmm(x[0], x[1]), rand(2, 3, 4), rand(4, 1));
    }

    @Test void softmaxFamily() {
        GradCheck.check(x -> F.softmax(x[0], 1), rand(3, 7));
        GradCheck.check(x -> F.softmax(x[0], 0), rand(4, 2, 3));
        GradCheck.check(x -> F.logSoftmax(x[0], -1), rand(2, 5));
        Tensor big = Tensor.of(new float[] {1000f, 1001f}, 1, 2);
        float[] p = F.softmax(big, 1).data();
        assertEquals(1 / (1 + Math.exp(1)), p[0], 1e-4); // float: x − lse loses digits at 1000
        assertEquals(-Math.log(1 + Math.exp(-1)), F.logSoftmax(big, 1).data()[1], 1e-4);
    }

    @Test void crossEntropyAndPick() {
        int[] y = {2, 0, 4};
        GradCheck.check(x -> F.crossEntropy(x[0], y), rand(3, 5));
        GradCheck.check(x -> F.pick(x[0], y), rand(3, 5));
        Tensor z = Tensor.of(new float[] {0, 0}, 1, 2);
        assertEquals(Math.log(2), F.crossEntropy(z, new int[] {1}).item(), 1e-6);
        var e = assertThrows(GalvaniException.class, () -> F.crossEntropy(rand(2, 3), new int[] {0, 3}));
        assertTrue(e.getMessage().contains("label 3"), e.getMessage());
    }

    @Test void embeddingScatterAdds() {
        int[] ids = {1, 3, 1, 0, 2, 3};
        GradCheck.check(x -> F.embedding(x[0], ids, 2, 3), rand(4, 5));
        Tensor w = Tensor.of(new float[] {0, 0, 1, 1, 2, 2}, 3, 2).requiresGrad(true);
        F.embedding(w, new int[] {1, 1, 2}, 1, 3).sum().backward();
        assertArrayEquals(new float[] {0, 0, 2, 2, 1, 1}, w.grad.data());
        assertThrows(GalvaniException.class, () -> F.embedding(w, new int[] {5}, 1, 1));
    }

    @Test void dropoutIsSeededAndScaled() {
        Tensor x = Tensor.ones(1000);
        Tensor a = F.dropout(x, 0.5f, new Rng(9), true), b = F.dropout(x, 0.5f, new Rng(9), true);
        assertArrayEquals(a.data(), b.data(), "same seed, same mask");
        double mean = a.mean().item();
        assertEquals(1.0, mean, 0.1, "inverted dropout keeps the mean");
        for (float v : a.data()) assertTrue(v == 0f || v == 2f);
        assertSame(x, F.dropout(x, 0.5f, new Rng(1), false));
        GradCheck.check(t -> F.dropout(t[0], 0.3f, new Rng(4), true), rand(3, 4));
    }
}
