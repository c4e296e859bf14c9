package dev.galvani.models.checkpoint;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.Module;
import dev.galvani.models.ModelZoo;
import dev.galvani.models.SavedModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class SafetensorsTest {
    @TempDir Path dir;

    @Test void roundTripIsBitIdentical() {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("a", Tensor.of(new float[] {-0.0f, Float.MIN_VALUE, 1e-40f, Float.MAX_VALUE, -3.25f, 7f}, 2, 3));
        t.put("bn.num_batches_tracked", Tensor.of(new float[] {42f}));
        t.put("b", Tensor.randn(new Rng(1), 1f, 5));
        Path p = dir.resolve("x.safetensors");
        Safetensors.write(p, t, Map.of("architecture", "none", "note", "ünïcode \"quoted\""));
        Safetensors.Contents c = Safetensors.read(p);
        assertEquals(t.keySet(), c.tensors().keySet());
        for (String k : t.keySet()) {
            float[] a = t.get(k).data(), b = c.tensors().get(k).data();
            for (int i = 0; i < a.length; i++) assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]), k + "[" + i + "]");
        }
        assertEquals("ünïcode \"quoted\"", c.metadata().get("note"));
    }

    @Test void modelCheckpointRoundTrip() {
        Module m = ModelZoo.create("mobilenetv2", Map.of("seed", "5"));
        Path p = dir.resolve("m.safetensors");
        new SavedModel(m, "mobilenetv2", Map.of("seed", "5", "mean", "0.286")).save(p);
        SavedModel back = SavedModel.load(p);
        for (Map.Entry<String, Tensor> e : m.stateDict().entrySet()) {
            assertArrayEquals(e.getValue().data(), back.model().stateDict().get(e.getKey()).data(), e.getKey());
        }
        assertEquals("0.286", back.get("mean", null));
    }

    @Test void failedWriteLeavesTheOldFileIntact() throws Exception {
        Path p = dir.resolve("keep.safetensors");
        Safetensors.write(p, Map.of("w", Tensor.ones(3)), Map.of());
        byte[] before = Files.readAllBytes(p);
        Map<String, Tensor> bad = new LinkedHashMap<>();
        bad.put("w", Tensor.ones(2));
        bad.put("x", null); // fails while serialising
        assertThrows(RuntimeException.class, () -> Safetensors.write(p, bad, Map.of()));
        assertArrayEquals(before, Files.readAllBytes(p));
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count(), "no temporary file left behind");
        }
    }

    private Path file(String name, byte[] bytes) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    private static byte[] withHeader(String json, int dataBytes) {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        return b.array();
    }

    private void assertFails(Path p, String fragment) {
        var e = assertThrows(GalvaniException.class, () -> Safetensors.read(p));
        assertTrue(e.getMessage().contains(p.toString()) && e.getMessage().contains(fragment), e.getMessage());
    }

    @Test void corruptFilesGiveOneLineNamingTheFile() throws Exception {
        assertFails(file("short", new byte[3]), "too short");
        assertFails(file("len", ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).array()), "does not fit");
        assertFails(file("json", withHeader("{\"a\": [1,", 0)), "not valid JSON");
        assertFails(file("dtype", withHeader("{\"a\":{\"dtype\":\"F8_E4M3\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1)), "unsupported dtype");
        assertFails(file("trunc", withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8)), "outside");
        assertFails(file("size", withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8)), "needs 12");
        assertFails(file("overlap", withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8)), "overlap");
        assertFails(file("trailing", withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 12)), "after the last tensor");
    }

    @Test void checkpointOfAnotherModelIsRejectedByName() {
        Path p = dir.resolve("wrong.safetensors");
        Module m = ModelZoo.create("vgg", Map.of());
        Map<String, String> meta = new LinkedHashMap<>();
        Safetensors.write(p, m.stateDict(), Map.of("architecture", "alexnet"));
        var e = assertThrows(GalvaniException.class, () -> SavedModel.load(p));
        assertTrue(e.getMessage().contains("does not match model 'alexnet'"), e.getMessage());
        Map<String, Tensor> nan = new LinkedHashMap<>(m.stateDict());
        nan.put("fc2.bias", Tensor.of(new float[] {Float.NaN, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 10));
        Safetensors.write(p, nan, Map.of("architecture", "vgg"));
        e = assertThrows(GalvaniException.class, () -> SavedModel.load(p));
        assertTrue(e.getMessage().contains("'fc2.bias' holds NaN"), e.getMessage());
    }
}
