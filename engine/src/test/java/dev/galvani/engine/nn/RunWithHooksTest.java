package dev.galvani.engine.nn;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** runWithCache, runWithHooks and the evaluation scope, on HooksTest's hand-checkable net. */
class RunWithHooksTest {
    private final Tensor x = Tensor.of(new float[] {1f, 1f, 1f, 2f, 2f, 2f}, 2, 3);

    @Test void cacheHoldsTheNamedOutputsAndIsLeftAloneAfterwards() {
        HooksTest.Net net = new HooksTest.Net();
        CachedRun run = net.runWithCache(x, "block.scale", "block");
        assertArrayEquals(new float[] {321f, 642f}, run.output().data());
        // block.scale multiplies by (1, 2, 3); block is the Sequential, whose output is the same values
        assertArrayEquals(new float[] {1f, 2f, 3f, 2f, 4f, 6f}, run.get("block.scale").data());
        assertSame(run.get("block.scale"), run.get("block"), "the HookPoint passes the same tensor on");
        assertEquals(List.of("block.scale", "block"), List.copyOf(run.cache().keySet()), "in the order the nodes ran");
        net.call(Tensor.zeros(2, 3));
        assertArrayEquals(new float[] {1f, 2f, 3f, 2f, 4f, 6f}, run.get("block.scale").data(), "the caching hook was removed");
    }

    @Test void aNodeNotAskedForIsAClearError() {
        CachedRun run = new HooksTest.Net().runWithCache(x, "block.act");
        var e = assertThrows(GalvaniException.class, () -> run.get("block.scale"));
        assertEquals("node 'block.scale' is not in the cache (cached: block.act)", e.getMessage());
        assertThrows(UnknownNodeException.class, () -> new HooksTest.Net().runWithCache(x, "blok.act"));
    }

    @Test void hooksApplyToThisCallOnly() {
        HooksTest.Net net = new HooksTest.Net();
        // unit 1 contributes 2 * 10 per unit input: 321 - 20 = 301, 642 - 40 = 602
        assertArrayEquals(new float[] {301f, 602f}, net.runWithHooks(x, Hooks.zeroUnits(1).at("block.act")).data());
        assertArrayEquals(new float[] {321f, 642f}, net.call(x).data());
    }

    @Test void theCacheSeesTheEditedValueAndHooksGoEvenWhenARunFails() {
        HooksTest.Net net = new HooksTest.Net();
        CachedRun run = net.runWithCache(x, List.of("block.act"), Hooks.zeroUnits(0, 2).at("block.act"));
        assertArrayEquals(new float[] {0f, 2f, 0f, 0f, 4f, 0f}, run.get("block.act").data());
        assertArrayEquals(new float[] {20f, 40f}, run.output().data());
        assertThrows(GalvaniException.class, () -> net.runWithHooks(x, Hooks.zeroUnits(7).at("block.act")));
        assertArrayEquals(new float[] {321f, 642f}, net.call(x).data(), "the failed run's hook is gone");
    }

    @Test void evaluatingRestoresEveryModulesFlag() {
        HooksTest.Net net = new HooksTest.Net();
        net.train(true);
        net.module("block.scale").train(false);
        try (Module.Mode m = net.evaluating()) {
            for (Module sub : net.namedModules().values()) assertFalse(sub.isTraining());
        }
        assertTrue(net.isTraining());
        assertTrue(net.module("block").isTraining());
        assertFalse(net.module("block.scale").isTraining(), "a submodule's own setting survives");
        assertThrows(IllegalStateException.class, () -> {
            try (Module.Mode m = net.evaluating()) {
                throw new IllegalStateException();
            }
        });
        assertTrue(net.isTraining(), "restored after an exception");
    }
}
