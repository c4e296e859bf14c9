package dev.galvani.cli;

import dev.galvani.models.data.DataSets;
import dev.galvani.models.data.TextDataset;
import picocli.CommandLine.Option;

/** {@code --data-dir} and the data sets by name ({@link DataSets}), shared by the commands. */
final class DataOptions {
    @Option(names = "--data-dir", paramLabel = "DIR", description = "Folder holding fashion-mnist/, mr/, sst2/ (default: $GALVANI_DATA).")
    String dataDir;

    DataSets sets() {
        return new DataSets(dataDir);
    }

    /** Train and test splits of an image data set: fashion-mnist, generated, or auto (the first that exists). */
    DataSets.Images images(String name) {
        return sets().images(name);
    }

    /** Train and held-out parts of a text data set: mr (10-fold, --fold), sst2 (seeded 10% validation), generated. */
    TextDataset[] text(String name, int fold, long seed) {
        return sets().text(name, fold, seed);
    }

    static boolean isText(String data) {
        return DataSets.isText(data);
    }

    static int[] range(int from, int to) {
        return dev.galvani.models.train.Dataset.range(from, to);
    }
}
