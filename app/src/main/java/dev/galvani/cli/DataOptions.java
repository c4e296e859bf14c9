package dev.galvani.cli;

import dev.galvani.engine.GalvaniException;
import dev.galvani.models.data.DataLocator;
import dev.galvani.models.data.FashionMnist;
import dev.galvani.models.data.GeneratedImages;
import dev.galvani.models.data.ImageDataset;
import dev.galvani.models.data.SentenceSplit;
import dev.galvani.models.data.SentimentData;
import dev.galvani.models.data.TextDataset;
import picocli.CommandLine.Option;

import java.util.Locale;

/** {@code --data-dir} and the data sets by name, shared by the commands. */
final class DataOptions {
    @Option(names = "--data-dir", paramLabel = "DIR", description = "Folder holding fashion-mnist/, mr/, sst2/ (default: $GALVANI_DATA).")
    String dataDir;

    /** Train and test splits of an image data set: fashion-mnist, generated, or auto (the first that exists). */
    record Images(ImageDataset train, ImageDataset test) {}

    Images images(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.equals("auto")) n = DataLocator.find(dataDir, "fashion-mnist").isPresent() ? "fashion-mnist" : "generated";
        return switch (n) {
            case "fashion-mnist" -> {
                FashionMnist.Splits s = FashionMnist.load(DataLocator.require(dataDir, "fashion-mnist"));
                yield new Images(s.train(), s.test());
            }
            case "generated" -> {
                ImageDataset all = GeneratedImages.generate(12000, 17);
                yield new Images(all.subset(range(0, 10000)), all.subset(range(10000, 12000)));
            }
            default -> throw new GalvaniException("unknown image data set '" + name + "'; use fashion-mnist, generated or auto");
        };
    }

    /** SST-2's held-out share of its full sentences. */
    static final double SST2_HELD_OUT = 0.1;

    /**
     * Train and held-out parts of a text data set: mr (10-fold, --fold), sst2 (a seeded 10% of the
     * full sentences held out, every training phrase inside them dropped), generated.
     */
    TextDataset[] text(String name, int fold, long seed) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "mr" -> SentimentData.movieReviews(DataLocator.require(dataDir, "mr")).fold(fold, 10, seed);
            case "sst2" -> {
                SentenceSplit.Result r = SentimentData.sst2Sentences(DataLocator.require(dataDir, "sst2"), SST2_HELD_OUT, seed);
                System.err.println("sst2: " + r.describe());
                yield new TextDataset[] {r.train(), r.heldOut()};
            }
            case "generated", "generated-sentiment" -> SentimentData.generated(4000, seed).split(0.2, seed + 1);
            default -> throw new GalvaniException("unknown text data set '" + name + "'; use mr, sst2 or generated");
        };
    }

    static boolean isText(String data) {
        return switch (data.toLowerCase(Locale.ROOT)) {
            case "mr", "sst2", "generated-sentiment" -> true;
            default -> false;
        };
    }

    static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) r[i] = from + i;
        return r;
    }
}
