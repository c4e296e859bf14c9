package dev.galvani.models.onnx;

import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.autodiff.Grad;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The committed fixtures (scripts/onnx/export_fixtures.py: the project's nets exported from
 * PyTorch, and a small GoogLeNet-like net that uses every supported op) imported by Galvani and
 * run by ONNX Runtime on the same inputs: every output and every node value within 1e-4 relative.
 */
class OnnxRuntimeParityTest {
    static final double TOLERANCE = 1e-4;

    static Path fixture(String name) {
        try {
            return Path.of(OnnxRuntimeParityTest.class.getResource("/onnx/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Imports a fixture and compares it with ONNX Runtime on a random batch; returns the model. */
    static OnnxModel assertMatchesOnnxRuntime(String name, int batch) {
        Path p = fixture(name);
        OnnxModel m = OnnxModel.load(p);
        Rng rng = new Rng(name.hashCode());
        Tensor x;
        if (m.integerInput()) {
            int[] s = m.inputShape();
            s[0] = batch;
            for (int i = 1; i < s.length; i++) if (s[i] < 0) s[i] = 12;
            float[] ids = new float[dev.galvani.engine.Shapes.numel(s)];
            for (int i = 0; i < ids.length; i++) ids[i] = 1 + rng.nextInt(499);
            x = new Tensor(ids, s);
        } else {
            int[] s = m.inputShape();
            s[0] = batch;
            x = Tensor.randn(rng, 1f, s);
        }
        RuntimeParity.Report r = RuntimeParity.compare(m, OnnxFile.read(p), x, true);
        assertFalse(r.outputs().isEmpty());
        assertTrue(r.nodes().size() > 5, name + ": only " + r.nodes().size() + " node values compared");
        for (RuntimeParity.Difference d : r.outputs()) assertTrue(d.relative() <= TOLERANCE, name + " output " + d);
        for (RuntimeParity.Difference d : r.nodes()) assertTrue(d.relative() <= TOLERANCE, name + " node " + d.node() + " " + d);
        return m;
    }

    @Test void inceptionWithBatchNormNodes() {
        OnnxModel m = assertMatchesOnnxRuntime("inception.onnx", 1);
        assertTrue(m.namedModules().containsKey("inception3a"));
        assertTrue(m.namedModules().containsKey("inception3a.branch2.1.conv"));
        assertTrue(m.stateDict().containsKey("inception3a.branch1.bn.running_mean"));
        assertEquals("inception3a.Concat", m.canonical("/inception3a/Concat_output_0"));
    }

    @Test void mobileNetV2WithFoldedBatchNorm() {
        OnnxModel m = assertMatchesOnnxRuntime("mobilenetv2.onnx", 1);
        assertEquals("Clip", ((OnnxOp) m.module("blocks.1.expand.act")).opType());
    }

    @Test void resNetAtOpset17WithAnyBatch() {
        OnnxModel m = assertMatchesOnnxRuntime("resnet.onnx", 3);
        assertInstanceOf(OnnxScope.class, m.module("layer2.0"));
    }

    @Test void textCnnOnTokenIds() {
        OnnxModel m = assertMatchesOnnxRuntime("textcnn.onnx", 2);
        assertTrue(m.integerInput());
        assertEquals("Gather", ((OnnxOp) m.module("embedding")).opType());
    }

    @Test void miniGoogLeNetCoversEveryOp() {
        OnnxModel a = assertMatchesOnnxRuntime("minigooglenet.onnx", 2);
        OnnxModel b = assertMatchesOnnxRuntime("minigooglenet-opset17.onnx", 2);
        // the two exports (batch norm as nodes, or folded into the convolution) compute the same function
        Tensor x = Tensor.randn(new Rng(1), 1f, 2, 3, 32, 32);
        try (Grad.Scope s = Grad.off()) {
            assertTrue(RuntimeParity.relative(a.call(x).data(), b.call(x).data()) < 1e-4);
        }
        java.util.Set<String> ops = new java.util.TreeSet<>();
        for (var mod : a.namedModules().values()) if (mod instanceof OnnxOp op) ops.add(op.opType());
        for (var mod : b.namedModules().values()) if (mod instanceof OnnxOp op) ops.add(op.opType());
        for (String op : new String[] {"Conv", "BatchNormalization", "Relu", "Clip", "MaxPool", "AveragePool", "GlobalAveragePool", "LRN",
                "Concat", "Gemm", "MatMul", "Add", "Sub", "Mul", "Div", "Flatten", "Reshape", "Transpose", "Squeeze", "Unsqueeze",
                "Softmax", "LogSoftmax", "Pad", "Gather", "ReduceMean", "ReduceMax", "Slice", "Sigmoid", "Tanh"}) {
            assertTrue(ops.contains(op), op + " not in the fixtures: " + ops);
        }
    }

    @Test void relativeDifference() {
        assertEquals(0, RuntimeParity.relative(new float[] {1, 2}, new float[] {1, 2}));
        assertEquals(0.05, RuntimeParity.relative(new float[] {1, 2.1f}, new float[] {1, 2}), 1e-6);
        assertEquals(Double.POSITIVE_INFINITY, RuntimeParity.relative(new float[] {Float.NaN}, new float[] {1}));
    }
}
