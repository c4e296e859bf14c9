package dev.galvani.models.onnx;

import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;
import dev.galvani.models.testing.Corruption;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Optional;

import static dev.galvani.models.onnx.GraphBuilder.attr;
import static dev.galvani.models.onnx.GraphBuilder.ints;
import static dev.galvani.models.testing.Theories.*;
import static org.junit.jupiter.api.Assertions.*;
import static org.quicktheories.generators.SourceDSL.integers;

/**
 * ONNX files under arbitrary bytes, one changed byte and truncation: the whole import (parsing,
 * tensors, converters, the probe pass) either gives a model or refuses with one line naming the
 * file. ONNX files carry no checksum, so a changed weight can import; a changed structure must not
 * crash.
 */
class OnnxPropertiesTest {
    static final Path NAME = Path.of("file.onnx");
    static final byte[] MODEL = model();

    /** Conv, batch norm, ReLU, max pooling, a Gemm: attributes, integer and float initializers. */
    static byte[] model() {
        Rng rng = new Rng(2);
        String[] none = {};
        return new GraphBuilder().opset(13).dynamicBatchInput("x", 2, 6, 6)
                .init("conv.weight", Tensor.randn(rng, 0.3f, 3, 2, 3, 3)).init("bn.w", Tensor.ones(3)).init("bn.b", Tensor.zeros(3))
                .init("bn.m", Tensor.zeros(3)).init("bn.v", Tensor.ones(3)).init("fc.weight", Tensor.randn(rng, 0.3f, 4, 12))
                .init("shape", new long[] {0, -1}, 2)
                .node("Conv", "/conv/Conv", new String[] {"x", "conv.weight"}, new String[] {"c"}, ints("pads", 1, 1, 1, 1), ints("strides", 1, 1))
                .node("BatchNormalization", "/bn/BatchNormalization", new String[] {"c", "bn.w", "bn.b", "bn.m", "bn.v"}, new String[] {"b"})
                .node("Relu", "/relu/Relu", new String[] {"b"}, new String[] {"r"})
                .node("MaxPool", "/pool/MaxPool", new String[] {"r"}, new String[] {"p"}, ints("kernel_shape", 3, 3), ints("strides", 3, 3), attr("ceil_mode", 0L))
                .node("Reshape", "/Reshape", new String[] {"p", "shape"}, new String[] {"f"})
                .node("Gemm", "/fc/Gemm", new String[] {"f", "fc.weight"}, new String[] {"y"}, attr("transB", 1L))
                .output("y").model().toByteArray();
    }

    private static Optional<OnnxModel> read(byte[] b) {
        return Corruption.readOrRefused(NAME.toString(), () -> OnnxImporter.build(OnnxFile.parse(NAME, b)));
    }

    @Test void theModelImports() {
        OnnxModel m = read(MODEL).orElseThrow();
        assertArrayEquals(new int[] {3, 4}, m.call(Tensor.ones(3, 2, 6, 6)).shape());
    }

    @Test void anyBytesAreImportedOrRefused() {
        qt().forAll(bytes(3000)).checkAssert(b -> read(b));
    }

    @Test void aChangedByteIsImportedOrRefused() {
        qt().forAll(indexIn(MODEL), xors()).checkAssert((at, xor) -> read(Corruption.flip(MODEL, at, xor)));
    }

    @Test void aTruncatedFileIsRefused() {
        qt().forAll(integers().between(0, 100_000)).checkAssert(length -> assertTrue(read(Corruption.cut(MODEL, length % MODEL.length)).isEmpty()));
    }
}
