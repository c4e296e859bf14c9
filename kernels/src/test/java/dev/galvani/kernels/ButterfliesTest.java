package dev.galvani.kernels;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class ButterfliesTest {
    /**
     * Every pass over two player bits, by the dispatching method (the Vector API kernel where the
     * stride allows) and by the scalar loop, equals the two one-bit passes bit for bit, at every
     * stride of arrays up to 2^11 entries, on values of mixed scales (a changed order of the
     * subtractions would round differently).
     */
    @Test void twoBitPassesEqualTwoOneBitPassesBitForBit() {
        Random r = new Random(5);
        for (int n = 2; n <= 11; n++) {
            int size = 1 << n;
            for (int h = 1; 4 * h <= size; h <<= 1) {
                double[] v = new double[size];
                for (int i = 0; i < size; i++) v[i] = r.nextGaussian() * (i % 3 == 0 ? 1e6 : 1);
                for (boolean superset : new boolean[] {false, true}) {
                    double[] expected = v.clone();
                    oneBit(expected, h, superset);
                    oneBit(expected, 2 * h, superset);
                    double[] dispatched = v.clone(), scalar = v.clone();
                    if (superset) {
                        Butterflies.supersetPair(dispatched, h);
                        Butterflies.supersetPairScalar(scalar, h);
                    } else {
                        Butterflies.subsetPair(dispatched, h);
                        Butterflies.subsetPairScalar(scalar, h);
                    }
                    String at = (superset ? "superset" : "subset") + " n=" + n + " h=" + h;
                    assertArrayEquals(expected, dispatched, 0, at);
                    assertArrayEquals(expected, scalar, 0, at + " (scalar)");
                }
            }
        }
    }

    /** The vector kernel runs where the module is present (the build's tests start with it), so both paths above were compared. */
    @Test void vectorKernelTakesTheWideStrides() {
        assertTrue(Gemm.vectorApi(), "the tests run with jdk.incubator.vector");
        assertTrue(Butterflies.lanes() >= 2 && Butterflies.lanes() <= 4, "lanes " + Butterflies.lanes());
    }

    /** One pass over bit h: {@code a[S ∪ h] −= a[S]}, or {@code a[S] −= a[S ∪ h]} for the superset transform. */
    private static void oneBit(double[] a, int h, boolean superset) {
        for (int base = 0; base < a.length; base += 2 * h) {
            for (int j = base; j < base + h; j++) {
                if (superset) a[j] -= a[j + h];
                else a[j + h] -= a[j];
            }
        }
    }
}
