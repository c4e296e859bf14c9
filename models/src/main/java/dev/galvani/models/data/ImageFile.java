package dev.galvani.models.data;

import dev.galvani.engine.GalvaniException;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.zip.CRC32;

/**
 * One image file (PNG, or any other format ImageIO reads) as gray pixels in [0, 1] (the mean of
 * red, green and blue), of the size a model expects.
 *
 * <p>What reading promises. A PNG's chunks each carry a CRC-32, which ImageIO does not check: they
 * are verified here before decoding, so a PNG with any changed byte is refused (a changed length
 * field moves where the CRC is read, which then fails to match except with probability 2^-32), as
 * is a truncated one (it lacks its {@code IEND} chunk). Other formats (JPEG, BMP, GIF) are decoded
 * as ImageIO decodes them, without a checksum. The size is read from the header before decoding,
 * so a file claiming a huge image is refused without allocating it, and whatever ImageIO throws
 * on a corrupt file becomes one {@link GalvaniException} line naming the file.
 */
public final class ImageFile {
    private ImageFile() {}

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    /** Gray pixels, row-major, {@code [height * width]}, of an image that must be {@code width x height}. */
    public static float[] gray(Path file, int width, int height) {
        if (!Files.isRegularFile(file)) throw new GalvaniException(file + ": no such file");
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new GalvaniException(file + ": cannot read (" + e.getMessage() + ")");
        }
        return gray(bytes, file.toString(), width, height);
    }

    /** As {@link #gray(Path, int, int)}, from the file's bytes; {@code where} names it in errors. */
    public static float[] gray(byte[] bytes, String where, int width, int height) {
        if (isPng(bytes)) checkPngChunks(bytes, where);
        BufferedImage img;
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) throw new GalvaniException(where + ": not a PNG or other readable image");
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int w = reader.getWidth(0), h = reader.getHeight(0);
                if (w != width || h != height) {
                    throw new GalvaniException(where + ": image is " + w + "x" + h + ", the model expects " + width + "x" + height);
                }
                img = reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (GalvaniException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // ImageIO signals corrupt input with IIOException but also with index, argument and state exceptions
            throw new GalvaniException(where + ": cannot decode the image (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage().replaceAll("\\s+", " ")) + ")");
        }
        if (img == null) throw new GalvaniException(where + ": not a PNG or other readable image");
        if (img.getWidth() != width || img.getHeight() != height) {
            throw new GalvaniException(where + ": image is " + img.getWidth() + "x" + img.getHeight() + ", the model expects " + width + "x" + height);
        }
        float[] px = new float[width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int rgb = img.getRGB(x, y);
                px[y * width + x] = (((rgb >> 16) & 255) + ((rgb >> 8) & 255) + (rgb & 255)) / (3f * 255f);
            }
        }
        return px;
    }

    static boolean isPng(byte[] b) {
        if (b.length < PNG_SIGNATURE.length) return false;
        for (int i = 0; i < PNG_SIGNATURE.length; i++) if (b[i] != PNG_SIGNATURE[i]) return false;
        return true;
    }

    /** Walks the chunks (length, type, data, CRC-32 of type and data) up to IEND, checking each CRC (PNG specification, section 5.3). */
    static void checkPngChunks(byte[] b, String where) {
        ByteBuffer buf = ByteBuffer.wrap(b);                                           // PNG is big-endian
        int at = PNG_SIGNATURE.length;
        boolean first = true;
        while (true) {
            if (b.length - at < 12) throw new GalvaniException(where + ": PNG truncated (no IEND chunk)");
            long length = buf.getInt(at) & 0xffffffffL;
            if (length > b.length - at - 12) throw new GalvaniException(where + ": PNG truncated or corrupt (a chunk of " + length + " bytes at offset " + at + " runs past the end)");
            String type = new String(b, at + 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
            CRC32 crc = new CRC32();
            crc.update(b, at + 4, 4 + (int) length);
            long stored = buf.getInt(at + 8 + (int) length) & 0xffffffffL;
            if (crc.getValue() != stored) throw new GalvaniException(where + ": PNG chunk '" + printable(type) + "' at offset " + at + " fails its CRC (corrupt file)");
            if (first && !type.equals("IHDR")) throw new GalvaniException(where + ": PNG does not start with its IHDR chunk");
            first = false;
            at += 12 + (int) length;
            if (type.equals("IEND")) return;
        }
    }

    private static String printable(String s) {
        return s.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
