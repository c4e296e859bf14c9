package dev.galvani.models.data;

import dev.galvani.models.testing.Corruption;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;

import static dev.galvani.models.testing.Theories.*;
import static org.junit.jupiter.api.Assertions.*;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;

/**
 * Image files under arbitrary bytes, one changed byte and truncation. A PNG's chunks carry CRC-32s,
 * checked before decoding: a changed byte is refused or harmless (a byte after IEND), a truncated
 * file refused. GIF and JPEG have no checksum over their pixels: a result or one line.
 */
class ImageFilePropertiesTest {
    static final BufferedImage IMAGE = image();
    static final byte[] PNG = encode("png"), GIF = encode("gif"), JPEG = encode("jpeg");
    static final float[] PIXELS = ImageFile.gray(PNG, "valid", 28, 28);

    static BufferedImage image() {
        BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
        Random r = new Random(6);
        for (int y = 0; y < 28; y++) for (int x = 0; x < 28; x++) img.setRGB(x, y, r.nextInt(1 << 24));
        return img;
    }

    static byte[] encode(String format) {
        try {
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            assertTrue(ImageIO.write(IMAGE, format, o), format);
            return o.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static java.util.Optional<float[]> read(byte[] b) {
        return Corruption.readOrRefused("img.png", () -> ImageFile.gray(b, "img.png", 28, 28));
    }

    @Test void anyBytesAreReadOrRefused() {
        qt().forAll(bytes(3000)).checkAssert(bytes -> read(bytes));
    }

    @Test void anyBytesAfterAFormatsSignatureAreReadOrRefused() {
        qt().forAll(bytes(3000), integers().between(0, 2)).checkAssert((bytes, format) -> {
            byte[] signature = java.util.Arrays.copyOf(new byte[][] {PNG, GIF, JPEG}[format], format == 0 ? 8 : format == 1 ? 6 : 2);
            byte[] b = new byte[signature.length + bytes.length];
            System.arraycopy(signature, 0, b, 0, signature.length);
            System.arraycopy(bytes, 0, b, signature.length, bytes.length);
            read(b);
        });
    }

    @Test void aChangedByteOfAPngIsRefused() {
        qt().forAll(indexIn(PNG), xors()).checkAssert((at, xor) ->
                read(Corruption.flip(PNG, at, xor)).ifPresent(px -> assertArrayEquals(PIXELS, px, "changed byte " + at + " went unnoticed")));
    }

    /** Not a sample but all of them: every bit of the PNG flipped. */
    @Test void everyFlippedBitOfAPngIsRefused() {
        for (int at = 0; at < PNG.length; at++) {
            for (int xor = 1; xor < 256; xor <<= 1) {
                int a = at;
                read(Corruption.flip(PNG, at, xor)).ifPresent(px -> assertArrayEquals(PIXELS, px, "flipped bit at byte " + a + " went unnoticed"));
            }
        }
    }

    @Test void aChangedByteOfAGifOrJpegIsReadOrRefused() {
        qt().forAll(integers().between(0, 1_000_000), xors(), booleans().all()).checkAssert((at, xor, gif) -> {
            byte[] f = gif ? GIF : JPEG;
            read(Corruption.flip(f, at % f.length, xor));
        });
    }

    @Test void aTruncatedPngIsRefused() {
        qt().forAll(integers().between(0, 1_000_000)).checkAssert(length -> {
            assertTrue(read(Corruption.cut(PNG, length % PNG.length)).isEmpty());
            read(Corruption.cut(GIF, length % GIF.length));
            read(Corruption.cut(JPEG, length % JPEG.length));
        });
    }
}
