package dev.galvani.kernels;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** ReLU's and ReLU6's derivative times a vector against the definition, bit for bit. */
class ElementwiseTest {
    private static final float[] EDGES = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, 6f, Math.nextDown(6f), Math.nextUp(6f),
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, Float.intBitsToFloat(0xffc00001), 1e-38f, -3f};

    @Test
    void reluDerivativePassesExactlyWhereTheInputIsInside() {
        // Lengths around the vector width and the threads' split, so both the vector body and the tails run.
        for (int n : new int[] {1, 15, 16, 17, 100, 1 << 16, (1 << 17) + 7}) {
            SplittableRandom r = new SplittableRandom(n);
            float[] x = new float[n], d = new float[n];
            for (int i = 0; i < n; i++) {
                x[i] = i % 7 == 0 ? EDGES[(i / 7) % EDGES.length] : (float) (r.nextGaussian() * 4);
                d[i] = i % 11 == 0 ? EDGES[(i / 11) % EDGES.length] : (float) r.nextGaussian();
            }
            for (UnaryOp op : new UnaryOp[] {UnaryOp.RELU, UnaryOp.RELU6}) {
                float[] out = new float[n];
                java.util.Arrays.fill(out, 42f); // every element is written
                Elementwise.derivative(op, 0f, 0f, x, null, d, out);
                float upper = op == UnaryOp.RELU ? Float.POSITIVE_INFINITY : Math.nextDown(6f);
                for (int i = 0; i < n; i++) {
                    boolean inside = x[i] > 0f && x[i] <= upper; // NaN: outside
                    int expected = inside ? Float.floatToRawIntBits(d[i]) : 0; // +0 where it does not pass
                    assertEquals(expected, Float.floatToRawIntBits(out[i]), op + " n " + n + " at " + i + ": x " + x[i] + ", d " + d[i]);
                }
            }
        }
    }
}
