package dev.galvani.models.checkpoint;

import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;
import dev.galvani.models.testing.Corruption;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static dev.galvani.models.testing.Theories.*;
import static org.junit.jupiter.api.Assertions.*;
import static org.quicktheories.generators.SourceDSL.integers;

/**
 * Safetensors files under arbitrary bytes, one changed byte and truncation. A file Galvani wrote
 * carries a CRC-32C over its header's entries, its metadata and its data: a changed byte is
 * refused or harmless (bit-identical tensors and metadata: a space turned into another JSON
 * whitespace, say). A foreign file without the checksum has its structure checked but not its
 * numbers: a result or a one-line refusal is all it can promise.
 */
class SafetensorsPropertiesTest {
    static final byte[] GALVANI = galvaniFile();
    static final Safetensors.Contents VALID = Safetensors.read(GALVANI, "valid");
    static final byte[] FOREIGN = foreignFile();

    static byte[] galvaniFile() {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("conv.weight", Tensor.randn(new Rng(1), 1f, 2, 1, 3, 3));
        t.put("conv.bias", Tensor.of(new float[] {-0.0f, Float.MIN_VALUE}, 2));
        t.put("bn.num_batches_tracked", Tensor.of(new float[] {7f}));
        try {
            Path p = Files.createTempFile("safetensors-properties", ".safetensors");
            Safetensors.write(p, t, Map.of("architecture", "none", "vocabulary", "<pad>\n<unk>\ngood", "mean", "0.5"));
            byte[] b = Files.readAllBytes(p);
            Files.delete(p);
            return b;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static byte[] foreignFile() {
        String h = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},\"c\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[16,24]},"
                + "\"__metadata__\":{\"format\":\"pt\"}}";
        byte[] hb = h.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + hb.length + 24).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(hb.length).put(hb).putFloat(1f).putFloat(-2f).putFloat(0.5f).putFloat(3f).putLong(5);
        return b.array();
    }

    private static Optional<Safetensors.Contents> read(byte[] b) {
        return Corruption.readOrRefused("file.safetensors", () -> Safetensors.read(b, "checkpoint file.safetensors"));
    }

    static void assertSame(Safetensors.Contents a, Safetensors.Contents b, String what) {
        assertEquals(a.metadata(), b.metadata(), what);
        assertEquals(a.tensors().keySet(), b.tensors().keySet(), what);
        for (String k : a.tensors().keySet()) {
            assertArrayEquals(a.tensors().get(k).shape(), b.tensors().get(k).shape(), what + ": " + k);
            float[] x = a.tensors().get(k).data(), y = b.tensors().get(k).data();
            for (int i = 0; i < x.length; i++) assertEquals(Float.floatToRawIntBits(x[i]), Float.floatToRawIntBits(y[i]), what + ": " + k + "[" + i + "]");
        }
    }

    @Test void anyBytesAreReadOrRefused() {
        qt().forAll(bytes(3000)).checkAssert(bytes -> read(bytes));
    }

    @Test void aPlausibleHeaderWithAnyContentIsReadOrRefused() {
        qt().forAll(strings(300), bytes(64)).checkAssert((header, data) -> {
            byte[] h = header.getBytes(StandardCharsets.UTF_8);
            read(ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h).put(data).array());
        });
    }

    @Test void aChangedByteOfAGalvaniFileIsRefusedOrHarmless() {
        qt().forAll(indexIn(GALVANI), xors()).checkAssert((at, xor) ->
                read(Corruption.flip(GALVANI, at, xor)).ifPresent(c -> assertSame(VALID, c, "changed byte " + at + " went unnoticed")));
    }

    /** Not a sample but all of them: every bit of the file flipped (the property above samples the other byte values). */
    @Test void everyFlippedBitOfAGalvaniFileIsRefusedOrHarmless() {
        for (int at = 0; at < GALVANI.length; at++) {
            for (int xor = 1; xor < 256; xor <<= 1) {
                int a = at;
                read(Corruption.flip(GALVANI, at, xor)).ifPresent(c -> assertSame(VALID, c, "changed byte " + a + " went unnoticed"));
            }
        }
    }

    @Test void aChangedByteOfAForeignFileIsReadOrRefused() {
        qt().forAll(indexIn(FOREIGN), xors()).checkAssert((at, xor) -> read(Corruption.flip(FOREIGN, at, xor)));
    }

    @Test void aTruncatedFileIsRefused() {
        qt().forAll(integers().between(0, 100_000)).checkAssert(length -> {
            assertTrue(read(Corruption.cut(GALVANI, length % GALVANI.length)).isEmpty());
            assertTrue(read(Corruption.cut(FOREIGN, length % FOREIGN.length)).isEmpty());
        });
    }
}
