package dev.galvani.engine.ops;

import dev.galvani.engine.Shapes;
import dev.galvani.engine.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The nested-loop walks of broadcasting (expand, and the sums back down) against the map of every
 * flat index: same values, and the sums bit for bit (same terms in the same order).
 */
class BroadcastTest {

    @Test
    void walksMatchTheIndexMap() {
        SplittableRandom r = new SplittableRandom(11);
        for (int trial = 0; trial < 400; trial++) {
            int rank = 1 + r.nextInt(5);
            int[] full = new int[rank], small = new int[rank];
            for (int i = 0; i < rank; i++) {
                full[i] = 1 + r.nextInt(4);
                small[i] = r.nextInt(3) == 0 ? 1 : full[i];
            }
            int drop = r.nextInt(rank); // leading dimensions of the small shape may be absent
            int[] in = Arrays.copyOfRange(small, drop, rank);
            float[] d = new float[Shapes.numel(in)], g = new float[Shapes.numel(full)];
            for (int i = 0; i < d.length; i++) d[i] = (float) r.nextGaussian();
            for (int i = 0; i < g.length; i++) g[i] = (float) r.nextGaussian();
            int[] idx = Shapes.broadcastIndex(in, full);
            float[] wantExpand = new float[g.length], wantSum = new float[d.length];
            for (int i = 0; i < g.length; i++) {
                wantExpand[i] = d[idx[i]];
                wantSum[idx[i]] += g[i];
            }
            String at = Arrays.toString(in) + " to " + Arrays.toString(full);
            assertArrayEquals(wantExpand, Broadcast.expand(Tensor.of(d, in), full).data(), at);
            assertArrayEquals(wantSum, Broadcast.reduceTo(Tensor.of(g, full), in).data(), at);
        }
    }
}
