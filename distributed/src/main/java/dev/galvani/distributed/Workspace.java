package dev.galvani.distributed;

import dev.galvani.engine.GalvaniException;
import dev.galvani.models.ModelInputs;
import dev.galvani.models.SavedModel;
import dev.galvani.models.data.ImageDataset;
import dev.galvani.models.data.Splits;
import dev.galvani.models.data.TextDataset;
import dev.galvani.models.train.Dataset;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the items of one partition share: each checkpoint loaded once for the partition (a model is
 * not shared between the concurrent tasks of an executor, since hooks and modes are per model),
 * and the data sets, read once per executor JVM and shared read-only by its tasks.
 */
public final class Workspace {
    private static final Map<java.util.List<Object>, Splits.Split<ImageDataset>> IMAGES = new ConcurrentHashMap<>();
    private static final Map<java.util.List<Object>, Splits.Split<TextDataset>> SENTENCES = new ConcurrentHashMap<>();

    private final String dataDir;
    private final Map<String, SavedModel> models = new HashMap<>();
    private final Map<String, Object> memo = new HashMap<>();

    /** {@code dataDir}: the data folder (--data-dir), or null for {@code $GALVANI_DATA}. */
    public Workspace(String dataDir) {
        this.dataDir = dataDir;
    }

    /** The checkpoint's model, loaded on first use in this partition. */
    public SavedModel model(String checkpoint) {
        return models.computeIfAbsent(checkpoint, c -> SavedModel.load(localCopyOf(c)));
    }

    /** The training and held-out images a checkpoint records ({@link Splits#images}), read once per JVM. */
    public Splits.Split<ImageDataset> images(SavedModel m) {
        if (m.isText()) throw new GalvaniException("this sweep takes image models; '" + m.architecture() + "' is a text model");
        return IMAGES.computeIfAbsent(java.util.Arrays.asList(dataDir, m.data()), k -> Splits.images(m.data(), dataDir));
    }

    /** Held-out images at these indices, as the model reads them (what the single-machine commands attribute). */
    public Dataset.Batch testImages(SavedModel m, int[] indices) {
        ImageDataset test = images(m).heldOut();
        for (int i : indices) {
            if (i < 0 || i >= test.size()) throw new GalvaniException("test image " + i + " is outside 0.." + (test.size() - 1) + " of " + test.name());
        }
        return test.batch(indices);
    }

    /** The training and held-out sentences a text checkpoint records ({@link Splits#text}), read once per JVM. */
    public Splits.Split<TextDataset> sentences(SavedModel m) {
        if (!m.isText()) throw new GalvaniException("'" + m.architecture() + "' is an image model, not a text model");
        return SENTENCES.computeIfAbsent(java.util.Arrays.asList(dataDir, m.data()), k -> Splits.text(m.data(), dataDir));
    }

    /**
     * Held-out sentences at these indices, encoded with the checkpoint's vocabulary and padded with
     * the padding id to {@code length} tokens: a text model's numbers depend on the padding (more
     * positions, more windows for a filter's max over time), so every batch of a sweep is padded to
     * the length one batch of the sweep's sentences would have ({@link #paddedLength}).
     */
    public Dataset.Batch testSentences(SavedModel m, int[] indices, int length) {
        TextDataset test = sentences(m).heldOut();
        checkIndices(indices, test.size(), test.name());
        return test.subset(indices).encoded(ModelInputs.vocabulary(m), length).batch(Dataset.range(0, indices.length));
    }

    /**
     * The length a batch of the held-out sentences at {@code indices} is padded to when they are
     * read as one batch, as {@code galvani conductance --indices} reads them (their longest, at
     * least {@link TextDataset#MIN_WIDTH}).
     */
    public int paddedLength(SavedModel m, int[] indices) {
        TextDataset test = sentences(m).heldOut();
        checkIndices(indices, test.size(), test.name());
        return Math.max(TextDataset.MIN_WIDTH, test.subset(indices).longest());
    }

    private static void checkIndices(int[] indices, int size, String name) {
        for (int i : indices) {
            if (i < 0 || i >= size) throw new GalvaniException("test example " + i + " is outside 0.." + (size - 1) + " of " + name);
        }
    }

    /** A value computed once per partition under {@code key} (e.g. a mean baseline image). */
    @SuppressWarnings("unchecked")
    public <T> T memo(String key, java.util.function.Supplier<T> make) {
        return (T) memo.computeIfAbsent(key, k -> make.get());
    }

    /**
     * A local file for a checkpoint: a plain path as it is; a Hadoop file system URI (hdfs://,
     * s3a://, ...) copied to a temporary file first, so a cluster can keep its runs there.
     */
    public static Path localCopyOf(String checkpoint) {
        if (!checkpoint.contains("://") || checkpoint.startsWith("file:")) {
            return checkpoint.startsWith("file:") ? Path.of(URI.create(checkpoint)) : Path.of(checkpoint);
        }
        try {
            org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(checkpoint);
            org.apache.hadoop.fs.FileSystem fs = p.getFileSystem(new org.apache.hadoop.conf.Configuration());
            if (!fs.exists(p)) throw new GalvaniException("checkpoint " + checkpoint + ": no such file");
            Path tmp = Files.createTempFile("galvani-", ".safetensors");
            tmp.toFile().deleteOnExit();
            try (InputStream in = fs.open(p)) {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            return tmp;
        } catch (IOException e) {
            throw new GalvaniException("checkpoint " + checkpoint + ": cannot read (" + e.getMessage() + ")");
        }
    }
}
