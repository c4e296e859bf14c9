package dev.galvani.models.io;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/** .npy reading and writing: NumPy's own files, every supported dtype, and bad files as one line naming the file. */
class NpyTest {
    @TempDir Path dir;

    /** A version-1 .npy file as NumPy writes it. */
    static byte[] npy(String descr, String shape, boolean fortran, byte[] data) {
        String h = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': " + shape + ", }";
        int pad = (64 - (10 + h.length() + 1) % 64) % 64;
        byte[] header = (h + " ".repeat(pad) + "\n").getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(10 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length).put(header).put(data);
        return b.array();
    }

    @Test void readsWhatNumPyWrites() throws Exception {
        // written by NumPy (scripts/onnx/export_fixtures.py): [3, 14, 14] float32
        Tensor t = Npy.read(Path.of(NpyTest.class.getResource("/images/rgb_expected.npy").toURI()));
        assertArrayEquals(new int[] {3, 14, 14}, t.shape());
    }

    @Test void roundTripAndDtypes() throws Exception {
        Tensor t = Tensor.randn(new Rng(1), 1f, 2, 3, 4);
        Path p = dir.resolve("t.npy");
        NpyWriter.write(p, t);
        assertArrayEquals(t.data(), Npy.read(p).data());
        assertArrayEquals(t.shape(), Npy.read(p).shape());
        assertEquals(0, (Files.size(p) - 4 * t.numel()) % 64, "data starts on a 64-byte boundary");
        Tensor v = Tensor.of(new float[] {1, 2, 3}, 3);
        NpyWriter.write(p, v);
        assertArrayEquals(new int[] {3}, Npy.read(p).shape());

        ByteBuffer d = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(1.5).putDouble(-2);
        assertArrayEquals(new float[] {1.5f, -2f}, Npy.parse(p, npy("<f8", "(2,)", false, d.array())).data());
        ByteBuffer l = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putLong(7).putLong(-1).putLong(499);
        Tensor ids = Npy.parse(p, npy("<i8", "(1, 3)", false, l.array()));
        assertArrayEquals(new float[] {7, -1, 499}, ids.data());
        assertArrayEquals(new int[] {1, 3}, ids.shape());
        assertArrayEquals(new float[] {255, 1}, Npy.parse(p, npy("|u1", "(2,)", false, new byte[] {(byte) 255, 1})).data());
        assertArrayEquals(new float[] {1, 0}, Npy.parse(p, npy("|b1", "(2,)", false, new byte[] {1, 0})).data());
        ByteBuffer be = ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN).putFloat(3.25f);
        assertArrayEquals(new float[] {3.25f}, Npy.parse(p, npy(">f4", "()", false, be.array())).data());
    }

    @Test void badFilesAreOneLineNamingTheFile() {
        Path p = dir.resolve("x.npy");
        byte[] four = new byte[16];
        assertMessage(p, npy("<c8", "(2,)", false, four), "dtype '<c8' is not supported");
        assertMessage(p, npy("|O", "(2,)", false, four), "dtype '|O' is not supported");
        assertMessage(p, npy("<f4", "(2, 3)", true, new byte[24]), "Fortran order");
        assertMessage(p, npy("<f4", "(2, 3)", false, new byte[20]), "holds 20 data bytes; shape [2, 3] of <f4 needs 24 (truncated)");
        assertMessage(p, "PK\u0003\u0004 a zip".getBytes(StandardCharsets.ISO_8859_1), "not a NumPy .npy file");
        byte[] good = npy("<f4", "(2, 3)", false, new byte[24]);
        assertMessage(p, Arrays.copyOf(good, 30), "truncated .npy header");
        ByteBuffer nan = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(Float.NaN);
        assertMessage(p, npy("<f4", "(1,)", false, nan.array()), "element 0 is NaN");
        var e = assertThrows(GalvaniException.class, () -> Npy.read(dir.resolve("none.npy")));
        assertTrue(e.getMessage().contains("none.npy: cannot read (no such file)"), e.getMessage());
    }

    /** Every prefix of a good file fails cleanly (no exception other than GalvaniException). */
    @Test void everyTruncationIsReported() {
        Path p = dir.resolve("cut.npy");
        byte[] good = npy("<f4", "(2, 2)", false, new byte[16]);
        for (int n = 0; n < good.length; n++) {
            byte[] cut = Arrays.copyOf(good, n);
            var e = assertThrows(GalvaniException.class, () -> Npy.parse(p, cut), "prefix of " + n + " bytes");
            assertTrue(e.getMessage().startsWith(p + ": "), e.getMessage());
        }
    }

    private static void assertMessage(Path p, byte[] bytes, String part) {
        var e = assertThrows(GalvaniException.class, () -> Npy.parse(p, bytes));
        assertTrue(e.getMessage().startsWith(p + ": ") && e.getMessage().contains(part), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }
}
