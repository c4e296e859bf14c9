package dev.galvani.distributed;

import dev.galvani.engine.GalvaniException;
import dev.galvani.models.SavedModel;
import dev.galvani.models.data.CheckpointData;
import dev.galvani.models.data.DataSets;

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
    private static final Map<String, DataSets.Images> IMAGES = new ConcurrentHashMap<>();

    private final DataSets data;
    private final Map<String, SavedModel> models = new HashMap<>();
    private final Map<String, Object> memo = new HashMap<>();

    public Workspace(String dataDir) {
        this.data = new DataSets(dataDir);
    }

    public DataSets data() {
        return data;
    }

    /** The checkpoint's model, loaded on first use in this partition. */
    public SavedModel model(String checkpoint) {
        return models.computeIfAbsent(checkpoint, c -> SavedModel.load(localCopyOf(c)));
    }

    /** The image data set a checkpoint was trained on, read once per JVM. */
    public DataSets.Images images(SavedModel m) {
        String key = data.dataDir() + "|" + m.get("data", "auto");
        return IMAGES.computeIfAbsent(key, k -> CheckpointData.images(m, data));
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
