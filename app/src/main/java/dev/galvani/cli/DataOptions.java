package dev.galvani.cli;

import dev.galvani.models.SavedModel;
import dev.galvani.models.data.DataSpec;
import dev.galvani.models.data.ImageDataset;
import dev.galvani.models.data.Splits;
import dev.galvani.models.data.TextDataset;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code --data-dir}, shared by the commands; the splits themselves come from the checkpoint's record ({@link DataSpec}, {@link Splits}). */
final class DataOptions {
    @Option(names = "--data-dir", paramLabel = "DIR", description = "Folder holding fashion-mnist/, mr/, sst2/ (default: $GALVANI_DATA).")
    String dataDir;

    /** The data to score a checkpoint on: its own held-out part, or what the user names (another fold or seed of its data set is refused). */
    DataSpec evaluation(SavedModel m, Path checkpoint, String data, Integer fold, Long seed) {
        return m.data().evaluation(data, fold, seed, dataDir, "checkpoint " + checkpoint);
    }

    Splits.Split<TextDataset> text(DataSpec spec) {
        return Splits.text(spec, dataDir);
    }

    Splits.Split<ImageDataset> images(DataSpec spec) {
        return Splits.images(spec, dataDir);
    }

    static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) r[i] = from + i;
        return r;
    }
}
