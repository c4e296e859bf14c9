package dev.galvani.models.io;

import dev.galvani.engine.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The .npy layout numpy.load expects: magic, version 1.0, a 64-byte-aligned dict header, little-endian C-order data. */
class NpyWriterTest {
    @Test void layoutOfAMatrixAndAVector(@TempDir Path dir) throws Exception {
        check(dir.resolve("m.npy"), Tensor.of(new float[] {1, -2.5f, 3, 0, 1e-7f, 7}, 2, 3), "(2, 3)");
        check(dir.resolve("v.npy"), Tensor.of(new float[] {4, 5, 6, 7, 8}, 5), "(5,)");
    }

    private static void check(Path p, Tensor t, String shape) throws Exception {
        NpyWriter.write(p, t);
        byte[] b = Files.readAllBytes(p);
        assertArrayEquals(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}, java.util.Arrays.copyOf(b, 8));
        int len = ByteBuffer.wrap(b, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort();
        assertEquals(0, (10 + len) % 64, "data starts on a 64-byte boundary");
        String header = new String(b, 10, len, StandardCharsets.US_ASCII);
        assertTrue(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }"), header);
        assertTrue(header.endsWith("\n"));
        assertEquals(10 + len + 4 * t.numel(), b.length);
        ByteBuffer data = ByteBuffer.wrap(b, 10 + len, 4 * t.numel()).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : t.data()) assertEquals(v, data.getFloat(), 0f);
    }
}
