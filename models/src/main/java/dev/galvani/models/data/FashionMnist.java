package dev.galvani.models.data;

import dev.galvani.engine.GalvaniException;

import java.io.DataInputStream;
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

    /** Pixels in [0, 1], [N * rows * cols]. */
    public static float[] images(Path file) {
        try (DataInputStream in = open(file)) {
            int magic = in.readInt();
            if (magic != 2051) throw new GalvaniException(file + ": wrong magic " + magic + " (expected 2051 for IDX images)");
            int n = in.readInt(), rows = in.readInt(), cols = in.readInt();
            if (n < 0 || rows != 28 || cols != 28) throw new GalvaniException(file + ": header says " + n + " images of " + rows + "x" + cols + ", expected 28x28");
            byte[] raw = new byte[n * rows * cols];
            try {
                in.readFully(raw);
            } catch (EOFException e) {
                throw new GalvaniException(file + ": truncated: the header promises " + n + " images of " + rows + "x" + cols);
            }
            if (in.read() != -1) throw new GalvaniException(file + ": more bytes than the header's " + n + " images");
            float[] px = new float[raw.length];
            for (int i = 0; i < raw.length; i++) px[i] = (raw[i] & 0xff) / 255f;
            return px;
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    public static int[] labels(Path file, int expectedCount, int classes) {
        try (DataInputStream in = open(file)) {
            int magic = in.readInt();
            if (magic != 2049) throw new GalvaniException(file + ": wrong magic " + magic + " (expected 2049 for IDX labels)");
            int n = in.readInt();
            if (n != expectedCount) throw new GalvaniException(file + ": " + n + " labels for " + expectedCount + " images");
            byte[] raw = new byte[n];
            try {
                in.readFully(raw);
            } catch (EOFException e) {
                throw new GalvaniException(file + ": truncated: the header promises " + n + " labels");
            }
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

    private static DataInputStream open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new GalvaniException(file + ": missing");
        InputStream raw = Files.newInputStream(file);
        try {
            return new DataInputStream(new java.io.BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16));
        } catch (ZipException e) {
            raw.close();
            throw new GalvaniException(file + ": not a gzip file (" + e.getMessage() + ")");
        }
    }

    private static GalvaniException unreadable(Path file, IOException e) {
        if (e instanceof EOFException) return new GalvaniException(file + ": truncated header");
        return new GalvaniException(file + ": cannot read (" + e.getMessage() + ")");
    }
}
