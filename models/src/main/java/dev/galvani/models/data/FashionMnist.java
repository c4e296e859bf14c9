package dev.galvani.models.data;

import dev.galvani.engine.GalvaniException;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Fashion-MNIST from its gzip-compressed IDX files (big-endian headers; magic 2051 for images,
 * 2049 for labels). Both splits are normalised with the training split's mean and standard
 * deviation; every malformed file is one clear error naming it.
 */
public final class FashionMnist {
    private FashionMnist() {}

    public static final List<String> CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** Statistics of the full training split in [0, 1] pixel units (measured by {@link #load}). */
    public record Splits(ImageDataset train, ImageDataset test) {}

    public static Splits load(Path dir) {
        float[] trainPx = images(dir.resolve("train-images-idx3-ubyte.gz"));
        int[] trainY = labels(dir.resolve("train-labels-idx1-ubyte.gz"), trainPx.length / 784, 10);
        float[] testPx = images(dir.resolve("t10k-images-idx3-ubyte.gz"));
        int[] testY = labels(dir.resolve("t10k-labels-idx1-ubyte.gz"), testPx.length / 784, 10);
        double s = 0, ss = 0;
        for (float v : trainPx) {
            s += v;
            ss += (double) v * v;
        }
        float mean = (float) (s / trainPx.length), std = (float) Math.sqrt(ss / trainPx.length - (s / trainPx.length) * (s / trainPx.length));
        normalise(trainPx, mean, std);
        normalise(testPx, mean, std);
        return new Splits(new ImageDataset("fashion-mnist/train", trainPx, trainY, 28, 28, CLASSES, mean, std),
                new ImageDataset("fashion-mnist/test", testPx, testY, 28, 28, CLASSES, mean, std));
    }

    static void normalise(float[] px, float mean, float std) {
        for (int i = 0; i < px.length; i++) px[i] = (px[i] - mean) / std;
    }

    /**
     * Pixels in [0, 1], [N * rows * cols], from an IDX images file, gzip-compressed (detected by its
     * magic bytes) or raw. A gzip file's CRC-32 and length are checked, so a changed byte of it is
     * refused; a raw file has no checksum: its header and size are checked, but a changed pixel
     * byte reads as that pixel, as in any uncompressed image.
     */
    public static float[] images(Path file) {
        return images(open(file), file.toString());
    }

    /** As {@link #images(Path)}, from a stream of the file's bytes (closed here); {@code file} names it in errors. */
    static float[] images(InputStream stream, String file) {
        try (InputStream in = decompressed(stream, file)) {
            magic(in, file, 2051, "images");
            int[] h = header(in, file, 3);
            int n = h[0], rows = h[1], cols = h[2];
            if (n < 0 || rows != 28 || cols != 28) throw new GalvaniException(file + ": header says " + n + " images of " + rows + "x" + cols + ", expected 28x28");
            long count = (long) n * rows * cols;
            if (count > MAX_BYTES) throw new GalvaniException(file + ": header says " + n + " images, more than " + MAX_BYTES / 784 + " are read");
            byte[] raw = body(in, file, (int) count, n + " images of " + rows + "x" + cols);
            float[] px = new float[raw.length];
            for (int i = 0; i < raw.length; i++) px[i] = (raw[i] & 0xff) / 255f;
            return px;
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    /** Labels from an IDX labels file (gzip or raw, as {@link #images}); each must be a class {@code 0..classes-1}. */
    public static int[] labels(Path file, int expectedCount, int classes) {
        return labels(open(file), file.toString(), expectedCount, classes);
    }

    /** As {@link #labels(Path, int, int)}, from a stream of the file's bytes (closed here). */
    static int[] labels(InputStream stream, String file, int expectedCount, int classes) {
        try (InputStream in = decompressed(stream, file)) {
            magic(in, file, 2049, "labels");
            int n = header(in, file, 1)[0];
            if (n != expectedCount) throw new GalvaniException(file + ": " + n + " labels for " + expectedCount + " images");
            byte[] raw = body(in, file, n, n + " labels");
            int[] y = new int[n];
            for (int i = 0; i < n; i++) {
                y[i] = raw[i] & 0xff;
                if (y[i] >= classes) throw new GalvaniException(file + ": label " + y[i] + " at index " + i + " is not a class 0.." + (classes - 1));
            }
            return y;
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    /** Most data bytes read from one file (a lying header must not allocate gigabytes). */
    static final int MAX_BYTES = Integer.MAX_VALUE - 64;

    private static void magic(InputStream in, String file, int expected, String what) throws IOException {
        int[] m = header(in, file, 1);
        if (m[0] != expected) throw new GalvaniException(file + ": wrong magic " + m[0] + " (expected " + expected + " for IDX " + what + ", gzip-compressed or raw)");
    }

    private static int[] header(InputStream in, String file, int ints) throws IOException {
        byte[] b = in.readNBytes(4 * ints);
        if (b.length < 4 * ints) throw new GalvaniException(file + ": truncated header");
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(b);                       // IDX is big-endian
        int[] h = new int[ints];
        for (int i = 0; i < ints; i++) h[i] = bb.getInt();
        return h;
    }

    /** Exactly {@code count} bytes and then the end of the data (which, for gzip, verifies its CRC). */
    private static byte[] body(InputStream in, String file, int count, String promised) throws IOException {
        byte[] raw = in.readNBytes(count);                                            // grows as it reads: no allocation from the header alone
        if (raw.length < count) throw new GalvaniException(file + ": truncated: the header promises " + promised);
        if (in.read() != -1) throw new GalvaniException(file + ": more bytes than the header's " + promised);
        return raw;
    }

    private static InputStream open(Path file) {
        if (!Files.isRegularFile(file)) throw new GalvaniException(file + ": missing");
        try {
            return Files.newInputStream(file);
        } catch (IOException e) {
            throw new GalvaniException(file + ": cannot read (" + e.getMessage() + ")");
        }
    }

    /** The IDX bytes: through gzip where the stream starts with gzip's magic bytes, else as they are (a raw file). */
    private static InputStream decompressed(InputStream stream, String file) throws IOException {
        InputStream raw = new java.io.BufferedInputStream(stream, 1 << 16);
        raw.mark(2);
        int b0 = raw.read(), b1 = raw.read();
        raw.reset();
        if (b0 != 0x1f || b1 != 0x8b) return raw;
        try {
            return new java.io.BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16);
        } catch (ZipException | EOFException e) {
            raw.close();
            throw new GalvaniException(file + ": not a valid gzip file (" + e.getMessage() + ")");
        }
    }

    private static GalvaniException unreadable(String file, IOException e) {
        if (e instanceof EOFException) return new GalvaniException(file + ": truncated (the compressed data end early)");
        if (e instanceof ZipException) return new GalvaniException(file + ": corrupt gzip data (" + e.getMessage() + ")");
        return new GalvaniException(file + ": cannot read (" + e.getMessage() + ")");
    }
}
