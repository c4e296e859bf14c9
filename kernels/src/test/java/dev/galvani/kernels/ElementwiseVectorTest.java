package dev.galvani.kernels;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The Vector API gradient mask of ReLU and ReLU6 against the scalar kernel, bit for bit. */
class ElementwiseVectorTest {
    @Test
    void reluMasksAreTheScalarOnesBitForBit() {
        float[] special = {0f, -0f, Float.NaN, -Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE,
                -Float.MIN_VALUE, 6f, Math.nextDown(6f), Math.nextUp(6f), 1f, -1f};
        SplittableRandom rng = new SplittableRandom(3);
        int n = 101;
        float[] x = new float[n], d = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = i < special.length ? special[i] : (float) (rng.nextGaussian() * 4);
            d[i] = i % 7 == 0 ? -0f : i % 11 == 0 ? Float.NaN : (float) rng.nextGaussian();
        }
        for (float upper : new float[] {Float.POSITIVE_INFINITY, Math.nextDown(6f)}) {
            for (int i0 : new int[] {0, 3}) {
                float[] ref = new float[n], got = new float[n];
                Elementwise.passWhereInsideScalar(x, d, upper, ref, i0, n - 2);
                ElementwiseVector.passWhereInside(x, d, upper, got, i0, n - 2);
                for (int i = 0; i < n; i++) {
                    assertEquals(Float.floatToRawIntBits(ref[i]), Float.floatToRawIntBits(got[i]), "x = " + x[i] + ", upper " + upper);
                }
            }
        }
    }
}
