package dev.galvani.models.data;

import dev.galvani.engine.GalvaniException;
import dev.galvani.models.train.Dataset;

import java.util.Locale;

/**
 * The data sets by name, found through {@link DataLocator} from a data folder option (or
 * {@code $GALVANI_DATA}): what the command line and the distributed sweeps both read.
 */
public final class DataSets {
    private final String dataDir;

    /** {@code dataDir}: the {@code --data-dir} option, or null for {@code $GALVANI_DATA} and the defaults. */
    public DataSets(String dataDir) {
        this.dataDir = dataDir;
    }

    public String dataDir() {
        return dataDir;
    }

    /** Train and test splits of an image data set. */
    public record Images(ImageDataset train, ImageDataset test) {}

    /** fashion-mnist, generated, or auto (the first that exists). */
    public Images images(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.equals("auto")) n = DataLocator.find(dataDir, "fashion-mnist").isPresent() ? "fashion-mnist" : "generated";
        return switch (n) {
            case "fashion-mnist" -> {
                FashionMnist.Splits s = FashionMnist.load(DataLocator.require(dataDir, "fashion-mnist"));
                yield new Images(s.train(), s.test());
            }
            case "generated" -> {
                ImageDataset all = GeneratedImages.generate(12000, 17);
                yield new Images(all.subset(Dataset.range(0, 10000)), all.subset(Dataset.range(10000, 12000)));
            }
            default -> throw new GalvaniException("unknown image data set '" + name + "'; use fashion-mnist, generated or auto");
        };
    }

    /** Train and held-out parts of a text data set: mr (10-fold, {@code fold}), sst2 (seeded 10% validation), generated. */
    public TextDataset[] text(String name, int fold, long seed) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "mr" -> SentimentData.movieReviews(DataLocator.require(dataDir, "mr")).fold(fold, 10, seed);
            case "sst2" -> SentimentData.sst2(DataLocator.require(dataDir, "sst2")).split(0.1, seed);
            case "generated", "generated-sentiment" -> SentimentData.generated(4000, seed).split(0.2, seed + 1);
            default -> throw new GalvaniException("unknown text data set '" + name + "'; use mr, sst2 or generated");
        };
    }

    public static boolean isText(String data) {
        return switch (data.toLowerCase(Locale.ROOT)) {
            case "mr", "sst2", "generated-sentiment" -> true;
            default -> false;
        };
    }
}
