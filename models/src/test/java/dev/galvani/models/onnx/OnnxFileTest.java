package dev.galvani.models.onnx;

import com.google.protobuf.ByteString;
import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;
import dev.galvani.models.onnx.proto.Onnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/** Reading ONNX files: tensors in every storage, external data, and bad files as one line naming the file. */
class OnnxFileTest {
    @TempDir Path dir;

    private OnnxFile tiny() throws Exception {
        Path f = new GraphBuilder().input("x", 1, 3).init("w", Tensor.of(new float[] {1, 2, 3}, 3))
                .node("Mul", new String[] {"x", "w"}).output("y").write(dir.resolve("tiny.onnx"));
        return OnnxFile.read(f);
    }

    @Test void readsAModelAndItsTensors() throws Exception {
        OnnxFile f = tiny();
        assertEquals(17, f.opset(""));
        assertEquals(17, f.opset("ai.onnx"));
        assertEquals(-1, f.opset("com.microsoft"));
        Tensor w = (Tensor) OnnxTensors.read(f, f.graph().getInitializer(0));
        assertArrayEquals(new float[] {1, 2, 3}, w.data());
        Ints i = (Ints) OnnxTensors.read(f, GraphBuilder.intTensor("s", new long[] {-1, 9216}, 2));
        assertArrayEquals(new long[] {-1, 9216}, i.values());
    }

    @Test void typedFieldsDoublesAndHalves() throws Exception {
        OnnxFile f = tiny();
        Onnx.TensorProto floats = Onnx.TensorProto.newBuilder().setName("a").setDataType(1).addDims(2).addFloatData(0.5f).addFloatData(-2f).build();
        assertArrayEquals(new float[] {0.5f, -2f}, ((Tensor) OnnxTensors.read(f, floats)).data());
        ByteBuffer d = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(1.25).putDouble(-3);
        Onnx.TensorProto doubles = Onnx.TensorProto.newBuilder().setName("b").setDataType(11).addDims(2).setRawData(ByteString.copyFrom(d.array())).build();
        assertArrayEquals(new float[] {1.25f, -3f}, ((Tensor) OnnxTensors.read(f, doubles)).data());
        // float16: 1.0 = 0x3c00, -2.5 = 0xc100, 2^-24 (smallest subnormal) = 0x0001, +inf = 0x7c00
        ByteBuffer h = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0x3c00).putShort((short) 0xc100)
                .putShort((short) 0x0001).putShort((short) 0x7c00);
        Onnx.TensorProto halves = Onnx.TensorProto.newBuilder().setName("c").setDataType(10).addDims(4).setRawData(ByteString.copyFrom(h.array())).build();
        assertArrayEquals(new float[] {1f, -2.5f, 0x1p-24f, Float.POSITIVE_INFINITY}, ((Tensor) OnnxTensors.read(f, halves)).data());
    }

    @Test void externalData() throws Exception {
        ByteBuffer b = ByteBuffer.allocate(4 + 12).order(ByteOrder.LITTLE_ENDIAN).putFloat(99).putFloat(1).putFloat(2).putFloat(3);
        Files.write(dir.resolve("weights.bin"), b.array());
        Onnx.TensorProto t = Onnx.TensorProto.newBuilder().setName("fc.weight").setDataType(1).addDims(3)
                .setDataLocation(Onnx.TensorProto.DataLocation.EXTERNAL)
                .addExternalData(kv("location", "weights.bin")).addExternalData(kv("offset", "4")).addExternalData(kv("length", "12")).build();
        OnnxFile f = tiny();
        assertArrayEquals(new float[] {1, 2, 3}, ((Tensor) OnnxTensors.read(f, t)).data());

        Onnx.TensorProto missing = t.toBuilder().setExternalData(0, kv("location", "gone.bin")).build();
        var e = assertThrows(GalvaniException.class, () -> OnnxTensors.read(f, missing));
        assertTrue(e.getMessage().contains("tiny.onnx") && e.getMessage().contains("'gone.bin'") && e.getMessage().contains("fc.weight"), e.getMessage());
        Onnx.TensorProto past = t.toBuilder().setExternalData(1, kv("offset", "8")).build();
        e = assertThrows(GalvaniException.class, () -> OnnxTensors.read(f, past));
        assertTrue(e.getMessage().contains("has 16 bytes"), e.getMessage());
    }

    @Test void truncatedOrCorruptFilesAreOneLineNamingTheFile() throws Exception {
        byte[] good = Files.readAllBytes(tiny().path());
        for (int cut : new int[] {good.length - 3, good.length / 2, 7}) {
            Path p = Files.write(dir.resolve("cut" + cut + ".onnx"), Arrays.copyOf(good, cut));
            var e = assertThrows(GalvaniException.class, () -> OnnxFile.read(p));
            assertTrue(e.getMessage().startsWith(p.toString() + ": "), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
        Path text = Files.writeString(dir.resolve("notes.onnx"), "this is not a model\n");
        var e = assertThrows(GalvaniException.class, () -> OnnxFile.read(text));
        assertTrue(e.getMessage().startsWith(text + ": not"), e.getMessage());
        Path none = dir.resolve("none.onnx");
        e = assertThrows(GalvaniException.class, () -> OnnxFile.read(none));
        assertEquals(none + ": no such file", e.getMessage());
    }

    /** Every prefix of a model file fails with one line naming the file (protobuf's own errors included). */
    @Test void everyTruncationIsReported() throws Exception {
        byte[] good = Files.readAllBytes(tiny().path());
        for (int n = 0; n < good.length; n++) {
            byte[] cut = Arrays.copyOf(good, n);
            var e = assertThrows(GalvaniException.class, () -> OnnxFile.parse(dir.resolve("cut.onnx"), cut), "prefix of " + n + " bytes");
            assertTrue(e.getMessage().startsWith(dir.resolve("cut.onnx") + ": "), e.getMessage());
        }
    }

    @Test void shortRawDataIsNamed() throws Exception {
        OnnxFile f = tiny();
        Onnx.TensorProto t = Onnx.TensorProto.newBuilder().setName("conv.weight").setDataType(1).addDims(2).addDims(2)
                .setRawData(ByteString.copyFrom(new byte[12])).build();
        var e = assertThrows(GalvaniException.class, () -> OnnxTensors.read(f, t));
        assertTrue(e.getMessage().contains("'conv.weight' holds 12 bytes") && e.getMessage().contains("needs 16"), e.getMessage());
    }

    private static Onnx.StringStringEntryProto kv(String k, String v) {
        return Onnx.StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
    }
}
