package dev.galvani.attribution.conductance;

import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.HookPoint;
import dev.galvani.engine.nn.Module;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Rows per pass from the memory one row's activations take. */
class RowBudgetTest {
    /** x [N, 4] -> widened to [N, width] (named "wide") -> summed to [N, 2]. */
    static final class Widen extends Module {
        final int width;
        final HookPoint wide = add("wide", new HookPoint());
        Widen(int width) { this.width = width; }
        @Override protected Tensor forward(Tensor x) {
            Tensor w = wide.call(x.matmul(Tensor.ones(4, width)));
            return w.matmul(Tensor.ones(width, 2));
        }
    }

    @Test void countsEachNamedOutputOnce() {
        // the named node's [1, 1000] and the output's [1, 2]
        assertEquals(4L * (1000 + 2), RowBudget.bytesPerRow(new Widen(1000), Tensor.ones(1, 4)));
    }

    @Test void smallNetsGetTheCapAndLargeOnesFewRows() {
        assertEquals(64, RowBudget.rows(new Widen(100), Tensor.ones(1, 4), 2, 64));
        long heap = Runtime.getRuntime().maxMemory();
        // one row's activations a tenth of the heap: a pass of 4 copies per row fits at most one row, so 2 (the floor)
        int width = (int) Math.min(Integer.MAX_VALUE / 2, heap / 10 / 4);
        Module big = new Module() {
            @Override protected Tensor forward(Tensor x) { return x; }
        };
        assertEquals(2, RowBudget.rows(big, Tensor.zeros(1, width), 2, 64));
        // a hundredth of the heap: about 100 / 2 / 2 / 4 = 6 rows
        int w2 = (int) (heap / 100 / 4);
        int rows = RowBudget.rows(big, Tensor.zeros(1, w2), 2, 64);
        assertTrue(rows >= 2 && rows <= 7, "rows " + rows);
    }
}
