package dev.galvani.models.onnx;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.HookHandle;
import dev.galvani.engine.nn.Hooks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.galvani.models.onnx.GraphBuilder.ints;
import static org.junit.jupiter.api.Assertions.*;

/** The module tree and names of an imported graph, hooks on it, and bad models as one line naming the file. */
class OnnxImporterTest {
    @TempDir Path dir;

    private static String[] in(String... s) {
        return s;
    }

    /** A residual block as PyTorch 1.13 names it: /layer1/layer1.0/conv1/Conv ... /layer1/layer1.0/relu_1/Relu. */
    private Path block() throws Exception {
        GraphBuilder b = new GraphBuilder().opset(13).dynamicBatchInput("input", 2, 4, 4)
                .init("layer1.0.conv1.weight", Tensor.full(0.1f, 2, 2, 3, 3))
                .init("onnx::Conv_7", Tensor.full(0.5f, 2))
                .node("Identity", "Identity_0", in("onnx::Conv_7"), in("onnx::Conv_9"))
                .node("Conv", "/layer1/layer1.0/conv1/Conv", in("input", "layer1.0.conv1.weight", "onnx::Conv_9"), in("/layer1/layer1.0/conv1/Conv_output_0"), ints("pads", 1, 1, 1, 1))
                .node("Relu", "/layer1/layer1.0/relu/Relu", in("/layer1/layer1.0/conv1/Conv_output_0"), in("/layer1/layer1.0/relu/Relu_output_0"))
                .node("Add", "/layer1/layer1.0/Add", in("/layer1/layer1.0/relu/Relu_output_0", "input"), in("/layer1/layer1.0/Add_output_0"))
                .node("Relu", "/layer1/layer1.0/relu_1/Relu", in("/layer1/layer1.0/Add_output_0"), in("/layer1/layer1.0/relu_1/Relu_output_0"))
                .node("GlobalAveragePool", "/avgpool/GlobalAveragePool", in("/layer1/layer1.0/relu_1/Relu_output_0"), in("/avgpool/GlobalAveragePool_output_0"))
                .node("Flatten", "/Flatten", in("/avgpool/GlobalAveragePool_output_0"), in("logits"))
                .output("logits");
        return b.write(dir.resolve("block.onnx"));
    }

    @Test void scopesBecomeDottedModuleNames() {
        assertEquals(List.of("layer3", "22", "relu_2"), ModuleTree.scopes("/layer3/layer3.22/relu_2/Relu"));
        assertEquals(List.of("inception4d"), ModuleTree.scopes("/inception4d/Concat"));
        assertEquals(List.of("inception4d", "branch2", "0", "conv"), ModuleTree.scopes("/inception4d/branch2/branch2.0/conv/Conv"));
        assertEquals(List.of("features", "17", "conv", "1", "2"), ModuleTree.scopes("/features/features.17/conv/conv.1/conv.1.2/Clip"));
        assertEquals(List.of(), ModuleTree.scopes("/Flatten"));
        assertEquals(List.of(), ModuleTree.scopes("Conv_12"));
    }

    @Test void theTreeHooksAndParameters() throws Exception {
        OnnxModel m = OnnxModel.load(block());
        assertTrue(m.namedModules().keySet().containsAll(List.of("layer1", "layer1.0", "layer1.0.conv1", "layer1.0.relu",
                "layer1.0.Add", "layer1.0.relu_1", "avgpool", "Flatten")), m.namedModules().keySet().toString());
        assertInstanceOf(OnnxScope.class, m.module("layer1.0"));
        assertEquals("Conv", ((OnnxOp) m.module("layer1.0.conv1")).opType());
        // raw names: of the node and of its output value
        assertSame(m.module("layer1.0.relu_1"), m.module("/layer1/layer1.0/relu_1/Relu"));
        assertSame(m.module("layer1.0.relu_1"), m.module("/layer1/layer1.0/relu_1/Relu_output_0"));
        assertEquals("layer1.0.Add", m.canonical("/layer1/layer1.0/Add_output_0"));
        // initializer names, the Identity copy of a bias folded into the same parameter
        assertEquals(List.of("layer1.0.conv1.weight", "onnx::Conv_7"), List.copyOf(m.parameters().keySet()));

        Tensor x = Tensor.full(1f, 3, 2, 4, 4); // any batch
        Tensor y = m.call(x);
        assertArrayEquals(new int[] {3, 2}, y.shape());
        Map<String, Tensor> cache = new HashMap<>();
        try (HookHandle a = m.hook("layer1.0", Hooks.cache(cache)); HookHandle b = m.hook("layer1.0.relu", Hooks.cache(cache))) {
            m.call(x);
        }
        // the block's output is its last node's (relu_1), the same values the pooling reads
        assertEquals(y.get(0, 0), cache.get("layer1.0").mean(false, 2, 3).get(0, 0), 1e-6);
        // zeroing the block's output zeroes everything after it
        try (HookHandle h = m.hook("layer1.0", Hooks.zero())) {
            assertArrayEquals(new float[6], m.call(x).data());
        }
        // zeroing an inner node leaves the residual path: relu(0 + x) = 1
        try (HookHandle h = m.hook("/layer1/layer1.0/relu/Relu_output_0", Hooks.zero())) {
            assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1}, m.call(x).data(), 1e-6f);
        }
        // gradients reach the weights through the folded Identity
        Tensor loss = m.call(x).sum();
        loss.backward();
        assertNotNull(m.parameters().get("onnx::Conv_7").grad);
    }

    @Test void badModelsAreOneLineNamingTheFileAndNode() throws Exception {
        GraphBuilder resize = new GraphBuilder().input("x", 1, 3, 4, 4).node("Resize", "/up/Resize", in("x"), in("y")).output("y");
        var e = assertThrows(GalvaniException.class, () -> OnnxModel.load(resize.write(dir.resolve("resize.onnx"))));
        assertTrue(e.getMessage().matches(".*resize.onnx: node '/up/Resize' \\(Resize\\): op Resize is not supported; supported ops: Add, .*Conv.*"), e.getMessage());

        GraphBuilder old = new GraphBuilder().opset(5).input("x", 1, 3).node("Add", in("x", "x")).output("y");
        e = assertThrows(GalvaniException.class, () -> OnnxModel.load(old.write(dir.resolve("old.onnx"))));
        assertTrue(e.getMessage().contains("old.onnx: node '/add/Add' (Add): op Add at opset 5 is not supported; Galvani imports Add at opsets 7-"), e.getMessage());

        GraphBuilder two = new GraphBuilder().input("a", 1, 3).input("b", 1, 3).node("Add", in("a", "b")).output("y");
        e = assertThrows(GalvaniException.class, () -> OnnxModel.load(two.write(dir.resolve("two.onnx"))));
        assertTrue(e.getMessage().contains("two.onnx: the graph has 2 inputs [a, b]"), e.getMessage());

        GraphBuilder sym = new GraphBuilder();
        sym.dynamicBatchInput("x", 3, 4).node("Relu", in("x")).output("y");
        Path symPath = sym.write(dir.resolve("ok.onnx"));
        assertArrayEquals(new int[] {-1, 3, 4}, OnnxModel.load(symPath).inputShape());

        // a symbolic image size cannot be resolved statically
        var proto = sym.model().toBuilder();
        proto.getGraphBuilder().getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().getDimBuilder(2).setDimParam("width");
        Path wide = java.nio.file.Files.write(dir.resolve("wide.onnx"), proto.build().toByteArray());
        e = assertThrows(GalvaniException.class, () -> OnnxModel.load(wide));
        assertTrue(e.getMessage().contains("wide.onnx: input 'x' has a symbolic size 'width' at axis 2; shapes cannot be resolved statically"), e.getMessage());

        // a shape that does not fit: the probe pass names the node
        GraphBuilder misfit = new GraphBuilder().input("x", 1, 3, 4).init("s", new long[] {5, -1}, 2).node("Reshape", in("x", "s")).output("y");
        e = assertThrows(GalvaniException.class, () -> OnnxModel.load(misfit.write(dir.resolve("misfit.onnx"))));
        assertTrue(e.getMessage().startsWith(dir.resolve("misfit.onnx") + ": node '/reshape/Reshape' (Reshape): reshape"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));

        GraphBuilder mask = new GraphBuilder().input("x", 1, 3).node("Dropout", "/drop/Dropout", in("x"), in("y", "mask"))
                .node("Add", "/add/Add", in("y", "mask"), in("z")).output("z");
        e = assertThrows(GalvaniException.class, () -> OnnxModel.load(mask.write(dir.resolve("mask.onnx"))));
        assertTrue(e.getMessage().contains("reads 'mask', output of node '/drop/Dropout' other than its first"), e.getMessage());

        // the wrong input size at run time
        OnnxModel m = OnnxModel.load(block());
        e = assertThrows(GalvaniException.class, () -> m.call(Tensor.zeros(1, 3, 28, 28)));
        assertTrue(e.getMessage().endsWith("block.onnx expects input 'input' of shape [N, 2, 4, 4], got [1, 3, 28, 28]"), e.getMessage());
    }
}
