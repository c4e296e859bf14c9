package dev.galvani.models.checkpoint;

import dev.galvani.engine.GalvaniException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** Malformed JSON in a checkpoint header is the project's one-line error naming the file, never a Java error. */
class MalformedHeaderTest {
    @TempDir Path dir;

    private Path checkpoint(String name, String header) throws Exception {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Path p = dir.resolve(name);
        Files.write(p, b.array());
        return p;
    }

    private static void oneLineNaming(Path p, String fragment) {
        GalvaniException e = assertThrows(GalvaniException.class, () -> Safetensors.read(p));
        assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test void deeplyNestedBracketsAreRefused() throws Exception {
        Path p = checkpoint("nested.safetensors", "[".repeat(200_000) + "]".repeat(200_000));
        oneLineNaming(p, "nesting");
    }

    @Test void badUnicodeEscapeIsRefused() throws Exception {
        Path p = checkpoint("escape.safetensors", "{\"a\\uZZZZ\": 1}");
        oneLineNaming(p, "escape");
    }
}
