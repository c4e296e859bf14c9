package dev.galvani.engine.ops;

import dev.galvani.engine.F;
import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Rng;
import dev.galvani.engine.Shapes;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.check.GradCheck;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The ops imported models need beyond the built-in nets': padding, clipping, gathering, local
 * response normalisation and general pooling. Finite differences for VJP and JVP, and forward
 * values against hand computations or the special cases the older ops cover.
 */
class ImportedOpsTest {
    private final Rng rng = new Rng(11);

    private Tensor rand(int... shape) {
        return Tensor.randn(rng, 1f, shape);
    }

    /** Distinct values spaced wider than the finite-difference step, so max has no near ties. */
    private Tensor distinct(int... shape) {
        int n = Shapes.numel(shape);
        int[] p = rng.permutation(n);
        float[] d = new float[n];
        for (int i = 0; i < n; i++) d[i] = 0.1f * p[i] - 0.05f * n;
        return Tensor.of(d, shape);
    }

    @Test void padAllModes() {
        for (Pad.Mode m : Pad.Mode.values()) {
            GradCheck.check(x -> F.pad(x[0], new int[] {0, 1, 2}, new int[] {0, 2, 1}, m, 0.5f), rand(2, 3, 4));
        }
        GradCheck.check(x -> F.pad(x[0], new int[] {0, 0, -1, 1}, new int[] {0, 0, 2, -2}, Pad.Mode.CONSTANT, 0f), rand(1, 2, 4, 5));
        Tensor t = Tensor.of(new float[] {1, 2, 3}, 1, 3);
        assertArrayEquals(new float[] {9, 9, 1, 2, 3, 9}, F.pad(t, new int[] {0, 2}, new int[] {0, 1}, Pad.Mode.CONSTANT, 9).data());
        assertArrayEquals(new float[] {3, 2, 1, 2, 3, 2}, F.pad(t, new int[] {0, 2}, new int[] {0, 1}, Pad.Mode.REFLECT, 0).data());
        assertArrayEquals(new float[] {1, 1, 1, 2, 3, 3}, F.pad(t, new int[] {0, 2}, new int[] {0, 1}, Pad.Mode.EDGE, 0).data());
        assertArrayEquals(new float[] {2, 3}, F.pad(t, new int[] {0, -1}, new int[] {0, 0}, Pad.Mode.CONSTANT, 0).data());
        assertThrows(GalvaniException.class, () -> F.pad(t, new int[] {0, 3}, new int[] {0, 0}, Pad.Mode.REFLECT, 0));
    }

    @Test void clipWithAnyBounds() {
        GradCheck.check(x -> F.clip(x[0], -0.37f, 0.71f), rand(4, 5));
        GradCheck.check(x -> F.clip(x[0], Float.NEGATIVE_INFINITY, 0.33f), rand(3, 3));
        Tensor t = Tensor.of(new float[] {-2, 0.5f, 7}, 3);
        assertArrayEquals(new float[] {0, 0.5f, 6}, F.clip(t, 0, 6).data());
        assertArrayEquals(F.relu6(t).data(), F.clip(t, 0, 6).data());
    }

    @Test void gatherAlongAnyAxis() {
        GradCheck.check(x -> F.gather(x[0], 0, new int[] {2, 0, 2, -1}, 2, 2), rand(4, 3));
        GradCheck.check(x -> F.gather(x[0], 1, new int[] {1}), rand(2, 3, 2));
        GradCheck.check(x -> F.gather(x[0], -1, new int[] {0, 0, 1}, 3), rand(2, 2));
        Tensor t = Tensor.of(new float[] {0, 1, 2, 3, 4, 5}, 3, 2);
        Tensor g = F.gather(t, 0, new int[] {2, 0}, 1, 2);
        assertArrayEquals(new int[] {1, 2, 2}, g.shape());
        assertArrayEquals(new float[] {4, 5, 0, 1}, g.data());
        // a scalar index removes the axis (ONNX Gather with a 0-d index)
        Tensor s = F.gather(t, 1, new int[] {1});
        assertArrayEquals(new int[] {3}, s.shape());
        assertArrayEquals(new float[] {1, 3, 5}, s.data());
        var e = assertThrows(GalvaniException.class, () -> F.gather(t, 0, new int[] {3}, 1));
        assertTrue(e.getMessage().contains("index 3"), e.getMessage());
        // token ids through Gather give the same rows as the embedding op
        Tensor w = rand(7, 4);
        int[] ids = {3, 0, 6, 3};
        assertArrayEquals(F.embedding(w, ids, 2, 2).data(), F.gather(w, 0, ids, 2, 2).data());
    }

    @Test void localResponseNormMatchesTheDefinition() {
        GradCheck.check(x -> F.localResponseNorm(x[0], 5, 1e-1f, 0.75f, 2f), rand(2, 7, 2, 3));
        GradCheck.check(x -> F.localResponseNorm(x[0], 2, 0.5f, 0.6f, 1f), rand(1, 4, 3, 1));
        Tensor x = rand(2, 6, 2, 2);
        int size = 4;
        float alpha = 0.3f, beta = 0.75f, k = 1.5f;
        Tensor y = F.localResponseNorm(x, size, alpha, beta, k);
        for (int n = 0; n < 2; n++) for (int c = 0; c < 6; c++) for (int h = 0; h < 2; h++) for (int w = 0; w < 2; w++) {
            double s = 0;
            for (int j = Math.max(0, c - (size - 1) / 2); j <= Math.min(5, c + size / 2); j++) s += x.get(n, j, h, w) * x.get(n, j, h, w);
            double want = x.get(n, c, h, w) / Math.pow(k + alpha / size * s, beta);
            assertEquals(want, y.get(n, c, h, w), 1e-5);
        }
    }

    @Test void generalPoolingAgreesWithTheSquareOps() {
        Tensor x = distinct(2, 3, 7, 6);
        int[] one = {1, 1};
        Tensor general = F.pool2d(x, Pool2d.Kind.MAX, new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1, 1, 1}, one, false, true);
        assertArrayEquals(F.maxPool2d(x, 3, 2, 1).data(), general.data());
        general = F.pool2d(x, Pool2d.Kind.AVERAGE, new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1, 1, 1}, one, false, true);
        assertArrayEquals(F.avgPool2d(x, 3, 2, 1).data(), general.data(), 1e-6f);
    }

    @Test void poolingWithCeilModeAsymmetricPadsAndExcludedPadding() {
        int[] one = {1, 1};
        for (Pool2d.Kind kind : Pool2d.Kind.values()) {
            for (boolean ceil : new boolean[] {false, true}) {
                for (boolean include : new boolean[] {false, true}) {
                    GradCheck.check(x -> F.pool2d(x[0], kind, new int[] {3, 2}, new int[] {2, 1}, new int[] {0, 1, 1, 0}, one, ceil, include),
                            distinct(1, 2, 6, 5));
                }
            }
            GradCheck.check(x -> F.pool2d(x[0], kind, new int[] {2, 2}, new int[] {1, 2}, new int[] {0, 0, 0, 0}, new int[] {2, 1}, false, true),
                    distinct(1, 1, 6, 5));
        }
        // GoogLeNet's 3x3 stride-2 max pooling with ceil_mode: 112 -> 56 (floor would give 55)
        assertEquals(56, Pool2d.outSize(112, 3, 2, 0, 0, 1, true));
        assertEquals(55, Pool2d.outSize(112, 3, 2, 0, 0, 1, false));
        // the last window may not start in the end padding (PyTorch): 5 with k 2, s 2, pad 1 -> 3, not 4
        assertEquals(3, Pool2d.outSize(5, 2, 2, 1, 1, 1, true));
        // 1x4 row, kernel 3, stride 2, ceil: windows [0..2] and [2..3]; the second averages 2 values
        // without the padding rule, or with count_include_pad and no padding (the overhang is not padding)
        Tensor r = Tensor.of(new float[] {1, 2, 3, 5}, 1, 1, 1, 4);
        Tensor a = F.pool2d(r, Pool2d.Kind.AVERAGE, new int[] {1, 3}, new int[] {1, 2}, new int[] {0, 0, 0, 0}, one, true, true);
        assertArrayEquals(new float[] {2, 4}, a.data(), 1e-6f);
        // pads of 1: windows [pad, 1, 2] and [2, 3, 5]; with count_include_pad the first divides by 3, without by 2
        Tensor inc = F.pool2d(r, Pool2d.Kind.AVERAGE, new int[] {1, 3}, new int[] {1, 2}, new int[] {0, 1, 0, 1}, one, false, true);
        Tensor exc = F.pool2d(r, Pool2d.Kind.AVERAGE, new int[] {1, 3}, new int[] {1, 2}, new int[] {0, 1, 0, 1}, one, false, false);
        assertArrayEquals(new float[] {1, 10f / 3}, inc.data(), 1e-6f);
        assertArrayEquals(new float[] {1.5f, 10f / 3}, exc.data(), 1e-6f);
        Tensor m = F.pool2d(r, Pool2d.Kind.MAX, new int[] {1, 3}, new int[] {1, 2}, new int[] {0, 1, 0, 1}, one, false, true);
        assertArrayEquals(new float[] {2, 5}, m.data());
    }
}
