package dev.galvani.models.testing;

import dev.galvani.engine.GalvaniException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the readers' property tests share: a file with one byte changed or cut short, and the one
 * outcome allowed besides a result, the project's one-line error naming the file (any other
 * exception fails the property).
 */
public final class Corruption {
    private Corruption() {}

    /** A copy with byte {@code at} XOR-ed with {@code xor} (1..255: the byte always changes). */
    public static byte[] flip(byte[] b, int at, int xor) {
        byte[] c = b.clone();
        c[at] ^= (byte) xor;
        return c;
    }

    /** The first {@code length} bytes. */
    public static byte[] cut(byte[] b, int length) {
        return Arrays.copyOf(b, length);
    }

    public static Path write(Path file, byte[] b) {
        try {
            return Files.write(file, b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The reader's result, or empty where it refused with a {@link GalvaniException} whose message
     * is one line naming {@code where}.
     */
    public static <T> Optional<T> readOrRefused(String where, Supplier<T> reader) {
        try {
            return Optional.of(reader.get());
        } catch (GalvaniException e) {
            String m = e.getMessage();
            if (m == null || m.isBlank() || m.contains("\n") || m.contains("\r")) throw new AssertionError("not one line: " + m, e);
            if (!m.contains(where)) throw new AssertionError("does not name " + where + ": " + m, e);
            return Optional.empty();
        }
    }
}
