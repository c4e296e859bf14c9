package dev.galvani.models.onnx;

import dev.galvani.engine.F;
import dev.galvani.engine.Rng;
import dev.galvani.engine.Shapes;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.check.GradCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.galvani.models.onnx.GraphBuilder.attr;
import static dev.galvani.models.onnx.GraphBuilder.ints;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Every imported op, one node at a time: reverse and forward mode through the imported model
 * against finite differences (GradCheck), at the opsets where the op's form changed, and forward
 * values against ONNX Runtime (and a hand computation where it is short).
 */
class ConvertersTest {
    @TempDir Path dir;
    private final Rng rng = new Rng(21);
    private int files;

    private Tensor rand(int... shape) {
        return Tensor.randn(rng, 1f, shape);
    }

    /** Distinct values spaced wider than the finite-difference step, so max and ReLU have no near ties or kinks. */
    private Tensor distinct(int... shape) {
        int n = Shapes.numel(shape);
        int[] p = rng.permutation(n);
        float[] d = new float[n];
        for (int i = 0; i < n; i++) d[i] = 0.1f * p[i] - 0.05f * n + 0.025f;
        return Tensor.of(d, shape);
    }

    OnnxModel load(GraphBuilder b) {
        try {
            return OnnxModel.load(b.write(dir.resolve("m" + (files++) + ".onnx")));
        } catch (java.io.IOException e) {
            throw new RuntimeException(e);
        }
    }

    /** A model of one node reading x (and constants) to y, checked by finite differences at x. */
    private OnnxModel check(int opset, String op, Tensor x, GraphBuilder extra, String[] inputs, dev.galvani.models.onnx.proto.Onnx.AttributeProto... attrs) {
        GraphBuilder b = extra == null ? new GraphBuilder() : extra;
        b.opset(opset).input("x", x.shape()).node(op, inputs, attrs).output("y");
        OnnxModel m = load(b);
        GradCheck.check(t -> m.call(t[0]), x);
        RuntimeParity.Report r = RuntimeParity.compare(m, OnnxFile.read(m.path()), x, false);
        assertTrue(r.worstOutput() <= OnnxRuntimeParityTest.TOLERANCE, op + " at opset " + opset + " against ONNX Runtime: " + r.outputs());
        return m;
    }

    private OnnxModel check(int opset, String op, Tensor x, dev.galvani.models.onnx.proto.Onnx.AttributeProto... attrs) {
        return check(opset, op, x, null, new String[] {"x"}, attrs);
    }

    private static String[] in(String... names) {
        return names;
    }

    @Test void activations() {
        for (String op : new String[] {"Relu", "Sigmoid", "Tanh", "Exp", "Neg"}) check(17, op, distinct(2, 3, 4));
        Tensor pos = distinct(3, 4).add(5f);
        check(17, "Log", pos);
        check(17, "Sqrt", pos);
        check(9, "Clip", distinct(2, 5), attr("min", -0.3f), attr("max", 0.4f));
        OnnxModel relu6 = check(13, "Clip", distinct(4, 5).mul(5f), new GraphBuilder().init("lo", Tensor.scalar(0)).init("hi", Tensor.scalar(6)), in("x", "lo", "hi"));
        Tensor t = distinct(4, 5).mul(10f);
        assertArrayEquals(F.relu6(t).data(), relu6.call(t).data());
        assertEquals(6f, F.max(relu6.call(t), false).item());
        check(13, "Clip", distinct(2, 5), new GraphBuilder().init("hi", Tensor.scalar(0.2f)), in("x", "", "hi"));
    }

    @Test void softmaxFamilyAtBothOpsetForms() {
        Tensor x = rand(2, 3, 4);
        OnnxModel old = check(11, "Softmax", x, attr("axis", 1)); // flattened to [2, 12]
        float s = 0;
        for (int i = 0; i < 12; i++) s += old.call(x).data()[i];
        assertEquals(1f, s, 1e-5);
        OnnxModel now = check(13, "Softmax", x, attr("axis", 1)); // along axis 1 only
        assertArrayEquals(F.softmax(x, 1).data(), now.call(x).data(), 1e-6f);
        check(11, "LogSoftmax", x);
        check(17, "LogSoftmax", x, attr("axis", -1));
    }

    @Test void broadcastingArithmetic() {
        Tensor x = rand(2, 3, 4);
        for (String op : new String[] {"Add", "Sub", "Mul"}) check(17, op, x, new GraphBuilder().init("c", rand(3, 1)), in("x", "c"));
        check(17, "Div", x, new GraphBuilder().init("c", distinct(4).add(10f)), in("x", "c"));
        check(17, "Div", distinct(1, 4).add(10f), new GraphBuilder().init("c", rand(3, 1)), in("c", "x"));
        check(17, "Mul", x, null, in("x", "x"));
    }

    @Test void matmulAndGemm() {
        check(17, "MatMul", rand(3, 4), new GraphBuilder().init("w", rand(4, 5)), in("x", "w"));
        check(17, "MatMul", rand(2, 3, 4), new GraphBuilder().init("w", rand(4, 2)), in("x", "w"));
        check(17, "MatMul", rand(2, 3, 4), new GraphBuilder().init("w", rand(2, 4, 3)), in("x", "w"));
        Tensor x = rand(3, 4), w = rand(5, 4), b = rand(5);
        OnnxModel fc = check(13, "Gemm", x, new GraphBuilder().init("fc.weight", w).init("fc.bias", b), in("x", "fc.weight", "fc.bias"), attr("transB", 1L));
        assertArrayEquals(F.linear(x, w, b).data(), fc.call(x).data(), 1e-5f);
        check(11, "Gemm", rand(4, 3), new GraphBuilder().init("w", rand(4, 2)).init("c", rand(3, 2)), in("x", "w", "c"),
                attr("transA", 1L), attr("alpha", 0.5f), attr("beta", 2f));
        check(11, "Gemm", rand(2, 4), new GraphBuilder().init("w", rand(4, 3)), in("x", "w")); // C optional from opset 11
    }

    @Test void convolutions() {
        check(17, "Conv", rand(2, 4, 6, 5), new GraphBuilder().init("w", rand(6, 2, 3, 3)).init("b", rand(6)), in("x", "w", "b"),
                ints("pads", 1, 1, 1, 1), ints("strides", 2, 1), ints("dilations", 1, 2), attr("group", 2L));
        check(17, "Conv", rand(1, 2, 5, 6), new GraphBuilder().init("w", rand(3, 2, 2, 3)), in("x", "w"), ints("pads", 0, 1, 1, 0));
        OnnxModel same = check(11, "Conv", rand(1, 2, 5, 5), new GraphBuilder().init("w", rand(2, 2, 2, 2)), in("x", "w"),
                attr("auto_pad", "SAME_UPPER"), ints("strides", 2, 2));
        assertArrayEquals(new int[] {1, 2, 3, 3}, same.call(rand(1, 2, 5, 5)).shape());
        check(13, "Conv", rand(2, 3, 7), new GraphBuilder().init("w", rand(4, 3, 3)).init("b", rand(4)), in("x", "w", "b")); // 1-d (text CNN)
        // equal to the engine's own convolution
        Tensor x = rand(1, 3, 6, 6), w = rand(4, 3, 3, 3);
        OnnxModel m = load(new GraphBuilder().input("x", 1, 3, 6, 6).init("w", w).node("Conv", in("x", "w"), ints("pads", 1, 1, 1, 1)).output("y"));
        assertArrayEquals(F.conv2d(x, w, null, 1, 1).data(), m.call(x).data(), 1e-5f);
    }

    @Test void pooling() {
        Tensor x = distinct(2, 3, 7, 6);
        OnnxModel sq = check(13, "MaxPool", x, ints("kernel_shape", 3, 3), ints("strides", 2, 2), ints("pads", 1, 1, 1, 1));
        assertArrayEquals(F.maxPool2d(x, 3, 2, 1).data(), sq.call(x).data());
        OnnxModel ceil = check(13, "MaxPool", x, ints("kernel_shape", 3, 3), ints("strides", 2, 2), attr("ceil_mode", 1L));
        assertArrayEquals(new int[] {2, 3, 3, 3}, ceil.call(x).shape()); // floor would give 3x2
        check(13, "MaxPool", x, ints("kernel_shape", 2, 3), ints("pads", 0, 1, 1, 0));
        check(13, "AveragePool", x, ints("kernel_shape", 3, 3), ints("strides", 2, 2), ints("pads", 1, 1, 1, 1), attr("count_include_pad", 1L));
        check(13, "AveragePool", x, ints("kernel_shape", 3, 3), ints("strides", 2, 2), ints("pads", 1, 1, 1, 1));
        check(19 > Converters.MAX_OPSET ? 17 : 19, "AveragePool", x, ints("kernel_shape", 2, 2), attr("ceil_mode", 1L), ints("strides", 2, 2));
        check(13, "MaxPool", distinct(2, 3, 9), ints("kernel_shape", 3), ints("strides", 2)); // 1-d
        check(13, "GlobalAveragePool", x);
        check(13, "GlobalMaxPool", x);
    }

    @Test void normalisation() {
        GraphBuilder b = new GraphBuilder().init("bn.weight", rand(3)).init("bn.bias", rand(3)).init("bn.running_mean", rand(3))
                .init("bn.running_var", distinct(3).add(3f));
        OnnxModel m = check(15, "BatchNormalization", rand(2, 3, 4, 4), b, in("x", "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var"),
                attr("epsilon", 1e-3f));
        assertTrue(m.parameters().containsKey("bn.weight") && m.parameters().containsKey("bn.bias"));
        assertFalse(m.parameters().containsKey("bn.running_mean"), "running statistics are buffers");
        assertTrue(m.stateDict().containsKey("bn.running_var"));
        check(13, "LRN", rand(2, 7, 3, 3), attr("size", 5L), attr("alpha", 1e-2f), attr("beta", 0.75f), attr("bias", 2f));
    }

    @Test void padding() {
        Tensor x = rand(1, 2, 4, 5);
        check(13, "Pad", x, new GraphBuilder().init("pads", new long[] {0, 0, 1, 2, 0, 0, 2, 1}, 8).init("v", Tensor.scalar(0.5f)), in("x", "pads", "v"));
        check(13, "Pad", x, new GraphBuilder().init("pads", new long[] {0, 0, 1, 2, 0, 0, 2, 1}, 8), in("x", "pads"), attr("mode", "reflect"));
        check(18 > Converters.MAX_OPSET ? 13 : 18, "Pad", x, new GraphBuilder().init("pads", new long[] {1, 1, 2, 2}, 4).init("axes", new long[] {2, 3}, 2),
                in("x", "pads", "", "axes"), attr("mode", "edge"));
        check(10, "Pad", x, ints("pads", 0, 0, 1, 1, 0, 0, 1, 1));
    }

    @Test void reductions() {
        Tensor x = distinct(2, 3, 4);
        OnnxModel mean = check(13, "ReduceMean", x, ints("axes", 1, -1), attr("keepdims", 0L));
        assertArrayEquals(x.mean(false, 1, 2).data(), mean.call(x).data(), 1e-6f);
        check(18, "ReduceMean", x, new GraphBuilder().init("axes", new long[] {1}, 1), in("x", "axes"));
        check(13, "ReduceMax", x, ints("axes", 2), attr("keepdims", 0L));
        check(18, "ReduceMax", x, new GraphBuilder().init("axes", new long[] {0, 2}, 2), in("x", "axes"));
        check(13, "ReduceSum", x, new GraphBuilder().init("axes", new long[] {1}, 1), in("x", "axes"));
        check(11, "ReduceSum", x);
    }

    @Test void layoutAndIndexing() {
        Tensor x = rand(2, 3, 4);
        check(13, "Flatten", x);
        OnnxModel r = check(13, "Reshape", x, new GraphBuilder().init("s", new long[] {0, -1, 2}, 3), in("x", "s"));
        assertArrayEquals(new int[] {2, 6, 2}, r.call(x).shape());
        check(13, "Transpose", x, ints("perm", 2, 0, 1));
        check(11, "Unsqueeze", x, ints("axes", 1, 4));
        check(13, "Unsqueeze", x, new GraphBuilder().init("a", new long[] {-1}, 1), in("x", "a"));
        check(11, "Squeeze", rand(2, 1, 3, 1), ints("axes", 1));
        check(13, "Squeeze", rand(2, 1, 3, 1), null, in("x"));
        check(13, "Concat", x, new GraphBuilder().init("c", rand(2, 2, 4)), in("x", "c", "x"), attr("axis", 1L));
        OnnxModel g = check(13, "Gather", x, new GraphBuilder().init("i", new long[] {2, 0, -1}, 3), in("x", "i"), attr("axis", 2L));
        assertArrayEquals(new int[] {2, 3, 3}, g.call(x).shape());
        check(13, "Gather", x, new GraphBuilder().init("i", new long[] {1}), in("x", "i")); // scalar index drops the axis
        OnnxModel s = check(13, "Slice", x, new GraphBuilder().init("st", new long[] {1, -1}, 2).init("en", new long[] {Long.MAX_VALUE, -5}, 2)
                .init("ax", new long[] {1, 2}, 2).init("sp", new long[] {1, -2}, 2), in("x", "st", "en", "ax", "sp"));
        assertArrayEquals(new int[] {2, 2, 2}, s.call(x).shape()); // axis 2: indices 3, 1
        assertEquals(x.get(1, 2, 1), s.call(x).get(1, 1, 1));
        check(9, "Slice", x, ints("starts", 0), ints("ends", 2), ints("axes", 2));
        check(13, "Identity", x);
        check(13, "Dropout", x);
        check(13, "Cast", x, attr("to", 1L));
    }

    @Test void theExportersShapeChainIsFoldedOrComputed() {
        // x.view(x.size(0), -1): Shape -> Gather(0) -> Unsqueeze -> Concat with [-1] -> Reshape
        GraphBuilder b = new GraphBuilder().opset(13).input("x", 2, 3, 4)
                .init("zero", new long[] {0}).init("axes0", new long[] {0}, 1).init("minus1", new long[] {-1}, 1)
                .node("Shape", "/Shape", in("x"), in("s"))
                .node("Gather", "/Gather", in("s", "zero"), in("n"))
                .node("Unsqueeze", "/Unsqueeze", in("n", "axes0"), in("n1"))
                .node("Concat", "/Concat", in("n1", "minus1"), in("shape"), attr("axis", 0L))
                .node("Reshape", "/Reshape", in("x", "shape"), in("y")).output("y");
        OnnxModel m = load(b);
        Tensor x = rand(2, 3, 4);
        assertArrayEquals(new int[] {2, 12}, m.call(x).shape());
        GradCheck.check(t -> m.call(t[0]), x);
    }
}
