package dev.galvani.models.io;

import dev.galvani.engine.Tensor;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.StringJoiner;

/**
 * Writes a float32 tensor as a NumPy {@code .npy} file (format version 1.0: the magic string, a
 * little-endian header length, a Python dict literal {@code {'descr': '<f4', 'fortran_order': False,
 * 'shape': (...), }} padded with spaces to a multiple of 64 bytes, then the data in C order), so
 * {@code numpy.load} reads it.
 */
public final class NpyWriter {
    private NpyWriter() {}

    /** Writes atomically (a temporary file moved over the target: {@link AtomicFile}). */
    public static void write(Path path, Tensor t) {
        AtomicFile.write(path, "array", out -> writeTo(out, t));
    }

    /** The file's bytes, to a stream. */
    public static void writeTo(OutputStream out, Tensor t) throws IOException {
        StringJoiner dims = new StringJoiner(", ", "(", t.dim() == 1 ? ",)" : ")");
        for (int s : t.shape()) dims.add(Integer.toString(s));
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + dims + ", }";
        int unpadded = 6 + 2 + 2 + dict.length() + 1;        // magic, version, length, dict, newline
        String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        out.write(ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) header.length()).array());
        out.write(header.getBytes(StandardCharsets.US_ASCII));
        ByteBuffer b = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : t.toHost().data()) {
            if (!b.hasRemaining()) {
                out.write(b.array(), 0, b.position());
                b.clear();
            }
            b.putFloat(v);
        }
        out.write(b.array(), 0, b.position());
    }
}
