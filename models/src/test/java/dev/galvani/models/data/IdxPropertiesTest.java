package dev.galvani.models.data;

import dev.galvani.models.testing.Corruption;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

import static dev.galvani.models.testing.Theories.*;
import static org.junit.jupiter.api.Assertions.*;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;

/**
 * IDX files, gzip-compressed and raw, under arbitrary bytes, one changed byte and truncation. A
 * gzip file carries a CRC-32 and its length: a changed byte is refused or harmless (same pixels).
 * A raw file has no checksum: a changed header byte is refused; a changed pixel byte reads as
 * exactly that pixel changed, nothing else.
 */
class IdxPropertiesTest {
    static final Path DIR = tempDir();
    static final byte[] IMAGES_RAW = idx(2051, new int[] {3, 28, 28}, 3 * 784, 7, 256);
    static final byte[] IMAGES_GZ = gzip(IMAGES_RAW);
    static final byte[] LABELS_RAW = idx(2049, new int[] {3}, 3, 8, 10);
    static final byte[] LABELS_GZ = gzip(LABELS_RAW);
    static final float[] PIXELS = FashionMnist.images(Corruption.write(DIR.resolve("valid"), IMAGES_GZ));
    static final int[] LABELS = FashionMnist.labels(Corruption.write(DIR.resolve("valid"), LABELS_GZ), 3, 10);

    static Path tempDir() {
        try {
            return Files.createTempDirectory("idx-properties");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void cleanUp() throws IOException {
        try (var s = Files.list(DIR)) {
            for (Path p : s.toList()) Files.delete(p);
        }
        Files.delete(DIR);
    }

    static byte[] idx(int magic, int[] dims, int body, long seed, int bound) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + body);
        b.putInt(magic);
        for (int d : dims) b.putInt(d);
        Random r = new Random(seed);
        while (b.hasRemaining()) b.put((byte) r.nextInt(bound));
        return b.array();
    }

    static byte[] gzip(byte[] b) {
        try {
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            try (GZIPOutputStream g = new GZIPOutputStream(o)) {
                g.write(b);
            }
            return o.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Read from memory (the file readers open the file and call the same code). */
    private static Optional<float[]> images(byte[] bytes) {
        return Corruption.readOrRefused("images-idx3-ubyte", () -> FashionMnist.images(new ByteArrayInputStream(bytes), "images-idx3-ubyte"));
    }

    private static Optional<int[]> labels(byte[] bytes) {
        return Corruption.readOrRefused("labels-idx1-ubyte", () -> FashionMnist.labels(new ByteArrayInputStream(bytes), "labels-idx1-ubyte", 3, 10));
    }

    /** 20 tries whatever galvani.tries says: each writes a file. */
    @Test void filesReadAsTheirBytes() {
        qt(20).forAll(booleans().all(), integers().between(0, 2000)).checkAssert((compress, at) -> {
            byte[] b = compress ? IMAGES_GZ : IMAGES_RAW;
            Path f = Corruption.write(DIR.resolve("images-idx3-ubyte"), Corruption.cut(b, at % b.length));
            assertEquals(images(Corruption.cut(b, at % b.length)).isPresent(), Corruption.readOrRefused(f.toString(), () -> FashionMnist.images(f)).isPresent());
            assertArrayEquals(PIXELS, FashionMnist.images(Corruption.write(f, b)));
        });
    }

    @Test void anyBytesAreImagesOrRefused() {
        qt().forAll(bytes(4000)).checkAssert(bytes -> {
            images(bytes);
            labels(bytes);
        });
    }

    @Test void aValidHeaderWithAnyBodyIsReadOrRefused() {
        qt().forAll(bytes(3000), booleans().all()).checkAssert((body, compress) -> {
            byte[] b = ByteBuffer.allocate(16 + body.length).putInt(2051).putInt(3).putInt(28).putInt(28).put(body).array();
            images(compress ? gzip(b) : b).ifPresent(px -> assertEquals(3 * 784, px.length));
        });
    }

    @Test void aChangedByteOfAGzipFileIsRefusedOrHarmless() {
        qt().forAll(indexIn(IMAGES_GZ), xors()).checkAssert((at, xor) ->
                images(Corruption.flip(IMAGES_GZ, at, xor)).ifPresent(px -> assertArrayEquals(PIXELS, px, "changed byte " + at + " went unnoticed")));
    }

    /** Not a sample but all of them: every bit of the gzip file flipped. */
    @Test void everyFlippedBitOfAGzipFileIsRefusedOrHarmless() {
        for (int at = 0; at < IMAGES_GZ.length; at++) {
            for (int xor = 1; xor < 256; xor <<= 1) {
                int a = at;
                images(Corruption.flip(IMAGES_GZ, at, xor)).ifPresent(px -> assertArrayEquals(PIXELS, px, "flipped bit at byte " + a + " went unnoticed"));
            }
        }
    }

    @Test void aChangedByteOfAGzipLabelsFileIsRefusedOrHarmless() {
        qt().forAll(indexIn(LABELS_GZ), xors()).checkAssert((at, xor) ->
                labels(Corruption.flip(LABELS_GZ, at, xor)).ifPresent(y -> assertArrayEquals(LABELS, y, "changed byte " + at + " went unnoticed")));
    }

    @Test void aChangedByteOfARawFileIsRefusedInTheHeaderAndOnePixelInTheBody() {
        qt().forAll(indexIn(IMAGES_RAW), xors()).checkAssert((at, xor) -> {
            byte[] changed = Corruption.flip(IMAGES_RAW, at, xor);
            Optional<float[]> r = images(changed);
            if (at < 16) {
                assertTrue(r.isEmpty(), "a changed header byte " + at + " must be refused");
                return;
            }
            float[] px = r.orElseThrow(() -> new AssertionError("a changed pixel is a valid raw file"));
            for (int i = 0; i < px.length; i++) {
                assertEquals(i == at - 16 ? (changed[at] & 0xff) / 255f : PIXELS[i], px[i], "pixel " + i);
            }
        });
    }

    @Test void aChangedByteOfARawLabelsFileIsRefusedInTheHeaderAndOneLabelInTheBody() {
        qt().forAll(indexIn(LABELS_RAW), xors()).checkAssert((at, xor) -> {
            byte[] changed = Corruption.flip(LABELS_RAW, at, xor);
            Optional<int[]> r = labels(changed);
            if (at < 8 || (changed[at] & 0xff) >= 10) {
                assertTrue(r.isEmpty(), "byte " + at + " = " + (changed[at] & 0xff) + " must be refused");
                return;
            }
            int[] y = r.orElseThrow();
            for (int i = 0; i < y.length; i++) assertEquals(i == at - 8 ? changed[at] & 0xff : LABELS[i], y[i]);
        });
    }

    @Test void aTruncatedFileIsRefused() {
        qt().forAll(integers().between(0, 100_000), booleans().all()).checkAssert((length, compress) -> {
            byte[] full = compress ? IMAGES_GZ : IMAGES_RAW;
            assertTrue(images(Corruption.cut(full, length % full.length)).isEmpty());
            byte[] labelsFull = compress ? LABELS_GZ : LABELS_RAW;
            assertTrue(labels(Corruption.cut(labelsFull, length % labelsFull.length)).isEmpty());
        });
    }
}
