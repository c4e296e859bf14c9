package dev.galvani.engine.nn;

import dev.galvani.engine.Tensor;
import dev.galvani.engine.autodiff.Autodiff;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class HooksTest {
    /** out = sum over units of w_u * relu(x_u * a_u), by hand-checkable numbers. */
    static final class Scale extends Module {
        final Tensor a;
        Scale(float... a) { this.a = param("weight", Tensor.of(a, 1, a.length)); }
        @Override protected Tensor forward(Tensor x) { return x.mul(a); }
    }

    static class Net extends Module {
        final Module block = add("block", new Sequential().then("scale", new Scale(1f, 2f, 3f)).then("act", new HookPoint()));
        final Tensor w = param("w", Tensor.of(new float[] {1f, 10f, 100f}, 3, 1));
        @Override protected Tensor forward(Tensor x) { return block.call(x).relu().matmul(w); }
    }

    private final Tensor x = Tensor.of(new float[] {1f, 1f, 1f, 2f, 2f, 2f}, 2, 3);

    @Test void namesAreDotted() {
        Net net = new Net();
        assertEquals("block.scale", net.module("block.scale").name());
        assertTrue(net.namedModules().keySet().containsAll(java.util.List.of("block", "block.scale", "block.act")));
        assertTrue(net.stateDict().containsKey("block.scale.weight"));
    }

    @Test void aModelMayAcceptOtherNamesForItsNodes() {
        Net net = new Net() {
            @Override protected String alias(String name) {
                return name.equals("onnx::Relu_7") ? "block.act" : null;
            }
        };
        assertSame(net.module("block.act"), net.module("onnx::Relu_7"));
        try (HookHandle h = net.hook("onnx::Relu_7", Hooks.zeroUnits(1))) {
            assertArrayEquals(new float[] {301f, 602f}, net.call(x).data());
        }
        assertThrows(UnknownNodeException.class, () -> net.module("onnx::Relu_8"));
    }

    @Test void aThreadConfinedHookSeesOnlyItsThreadsCalls() throws Exception {
        Net net = new Net();
        try (HookHandle h = net.hookOnThisThread("block.act", Hooks.zeroUnits(1))) {
            assertArrayEquals(new float[] {301f, 602f}, net.call(x).data(), "this thread: edited");
            float[][] other = new float[1][];
            Thread t = new Thread(() -> other[0] = net.call(x).data());
            t.start();
            t.join();
            assertArrayEquals(new float[] {321f, 642f}, other[0], "another thread: untouched");
        }
        assertArrayEquals(new float[] {321f, 642f}, net.call(x).data(), "closed: gone");
    }

    @Test void zeroUnitsChangesOutputAsComputedByHand() {
        Net net = new Net();
        assertArrayEquals(new float[] {321f, 642f}, net.call(x).data());
        try (HookHandle h = net.hook("block.act", Hooks.zeroUnits(1))) {
            // unit 1 contributes 2 * 10 per unit input: 321 - 20 = 301, 642 - 40 = 602
            assertArrayEquals(new float[] {301f, 602f}, net.call(x).data());
        }
        assertArrayEquals(new float[] {321f, 642f}, net.call(x).data(), "closing the handle removes the hook");
    }

    @Test void patchFromAnotherInput() {
        Net net = new Net();
        Map<String, Tensor> cache = new HashMap<>();
        Tensor other = Tensor.of(new float[] {5f, 5f, 5f, 5f, 5f, 5f}, 2, 3);
        try (HookHandle h = net.hook("block.act", Hooks.cache(cache))) {
            net.call(other);
        }
        try (HookHandle h = net.hook("block.act", Hooks.patchUnits(cache.get("block.act"), 2))) {
            // unit 2 takes 5 * 3 = 15 from the other input: 1 + 20 + 1500 = 1521; 2 + 40 + 1500 = 1542
            assertArrayEquals(new float[] {1521f, 1542f}, net.call(x).data());
        }
    }

    @Test void hooksWorkUnderForwardAndReverseMode() {
        Net net = new Net();
        try (HookHandle h = net.hook("block.scale", Hooks.scaleUnits(new float[] {1f, 0f, 1f}))) {
            Tensor in = x.detach().withTangent(Tensor.ones(2, 3));
            Tensor y = net.call(in);
            // tangent: d/dt sum_u w_u a_u s_u (x_u + t) = 1 + 0 + 300
            assertArrayEquals(new float[] {301f, 301f}, y.tangent().data());
            Tensor leaf = x.detach().requiresGrad(true);
            Tensor[] g = Autodiff.grad(net.call(leaf).sum(), null, leaf);
            assertArrayEquals(new float[] {1f, 0f, 300f, 1f, 0f, 300f}, g[0].data());
        }
    }

    @Test void unknownNameListsNearest() {
        Net net = new Net();
        var e = assertThrows(UnknownNodeException.class, () -> net.hook("block.scal", Hooks.zero()));
        assertTrue(e.getMessage().startsWith("unknown layer 'block.scal'; nearest: block.scale"), e.getMessage());
    }
}
