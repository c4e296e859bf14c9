package dev.galvani.models.data;

import dev.galvani.engine.GalvaniException;
import dev.galvani.models.train.Dataset;

import java.nio.file.Path;
import java.util.List;

import static dev.galvani.models.data.DataSpec.FASHION_MNIST;
import static dev.galvani.models.data.DataSpec.GENERATED_IMAGES;
import static dev.galvani.models.data.DataSpec.GENERATED_TEXT;
import static dev.galvani.models.data.DataSpec.MR;
import static dev.galvani.models.data.DataSpec.SST2;

/**
 * Rebuilds a {@link DataSpec}'s training and held-out parts from a data folder ({@code --data-dir},
 * else {@code $GALVANI_DATA}; {@link DataLocator}), and refuses degenerate data with one line
 * naming the file or folder: a part with no examples, a class with no training examples (fewer
 * distinct classes than the model has), labels outside the classes, a vocabulary of nothing but
 * padding and unknown.
 */
public final class Splits {
    private Splits() {}

    /** A training part and a held-out part, and where they were read (a file or folder, for messages). */
    public record Split<D>(D train, D heldOut, String source) {}

    /** What a training run needs: the record to save (with its vocabulary or normalisation) and both parts ready for the model. */
    public record Prepared(DataSpec spec, Dataset train, Dataset heldOut) {}

    /** Largest vocabulary built (ids), and the fewest occurrences of a word kept. */
    static final int MAX_VOCABULARY = 50000, MIN_COUNT = 1;

    /** Sentences of a text record: the training part (its first {@code trainLimit} where set) and the held-out part. */
    public static Split<TextDataset> text(DataSpec spec, String dataDir) {
        if (!spec.isText()) throw new GalvaniException("data set " + spec.dataset() + " holds images, not sentences");
        String where;
        TextDataset[] parts;
        switch (spec.dataset()) {
            case MR -> {
                Path dir = DataLocator.require(dataDir, MR);
                where = dir.toString();
                parts = SentimentData.movieReviews(dir).fold(spec.fold(), spec.folds(), spec.splitSeed());
            }
            case SST2 -> {
                Path dir = DataLocator.require(dataDir, SST2);
                where = dir.resolve("train.tsv").toString();
                SentenceSplit.Result r = SentimentData.sst2Sentences(dir, spec.heldOutFraction(), spec.splitSeed());
                parts = new TextDataset[] {r.train(), r.heldOut()};
            }
            case GENERATED_TEXT -> {
                where = "generated sentences (seed " + spec.splitSeed() + ")";
                parts = SentimentData.generated(DataSpec.GENERATED_TEXT_SIZE, spec.splitSeed()).split(spec.heldOutFraction(), spec.splitSeed() + 1);
            }
            default -> throw new GalvaniException("unknown text data set '" + spec.dataset() + "'");
        }
        TextDataset train = parts[0];
        if (spec.trainLimit() > 0 && spec.trainLimit() < train.size()) train = train.subset(Dataset.range(0, spec.trainLimit()));
        requireUsable(where, "training part (" + spec.describe() + ")", train.labels(), spec.classNames(), true);
        requireUsable(where, "held-out part (" + spec.describe() + ")", parts[1].labels(), spec.classNames(), false);
        return new Split<>(train, parts[1], where);
    }

    /** Images of an image record, normalised as the record says (where it says nothing, with the training part's statistics). */
    public static Split<ImageDataset> images(DataSpec spec, String dataDir) {
        if (spec.isText()) throw new GalvaniException("data set " + spec.dataset() + " holds sentences, not images");
        String ds = spec.dataset().equals("auto") ? DataSpec.canonical("auto", false, dataDir) : spec.dataset();
        String where;
        ImageDataset train, test;
        switch (ds) {
            case FASHION_MNIST -> {
                Path dir = DataLocator.require(dataDir, FASHION_MNIST);
                where = dir.toString();
                FashionMnist.Splits s = FashionMnist.load(dir);
                train = s.train();
                test = s.test();
            }
            case GENERATED_IMAGES -> {
                where = "generated images";
                ImageDataset all = GeneratedImages.generate(DataSpec.GENERATED_IMAGES_SIZE, DataSpec.GENERATED_IMAGES_SEED);
                int cut = DataSpec.GENERATED_IMAGES_SIZE - DataSpec.GENERATED_IMAGES_HELD_OUT;
                train = all.subset(Dataset.range(0, cut));
                test = all.subset(Dataset.range(cut, all.size()));
            }
            default -> throw new GalvaniException("unknown image data set '" + spec.dataset() + "'");
        }
        if (Float.isFinite(spec.mean()) && Float.isFinite(spec.std()) && (spec.mean() != train.mean() || spec.std() != train.std())) {
            train = train.renormalised(spec.mean(), spec.std());
            test = test.renormalised(spec.mean(), spec.std());
        }
        if (spec.trainLimit() > 0) train = train.head(spec.trainLimit());
        List<String> classes = spec.classNames().size() == train.classNames().size() ? spec.classNames() : train.classNames();
        requireUsable(where, "training part (" + spec.describe() + ")", train.labels(), classes, true);
        requireUsable(where, "held-out part (" + spec.describe() + ")", test.labels(), classes, false);
        return new Split<>(train, test, where);
    }

    /** The held-out part as the model reads it (encoded with the record's vocabulary, or normalised with its statistics). */
    public static Dataset heldOut(DataSpec spec, String dataDir, String checkpoint) {
        if (spec.isText()) return text(spec, dataDir).heldOut().encoded(spec.requireVocabulary(checkpoint));
        return images(spec, dataDir).heldOut();
    }

    /**
     * The data of a training run: both parts of the requested split, and the record completed
     * with what the training part fixes (a text model's vocabulary, an image model's normalisation).
     */
    public static Prepared prepare(DataSpec request, String dataDir) {
        if (request.isText()) {
            Split<TextDataset> s = text(request, dataDir);
            Vocabulary v = Vocabulary.build(s.train().tokens(), MIN_COUNT, MAX_VOCABULARY);
            if (!v.hasWords()) {
                throw new GalvaniException(s.source() + ": the vocabulary of the training part (" + request.describe()
                        + ") holds nothing but <pad> and <unk>: none of its " + s.train().size() + " sentences has a word after tokenisation");
            }
            DataSpec spec = request.withVocabulary(v, s.train().classNames());
            return new Prepared(spec, s.train().encoded(v), s.heldOut().encoded(v));
        }
        Split<ImageDataset> s = images(request, dataDir);
        DataSpec spec = request.withNormalisation(s.train().mean(), s.train().std(), s.train().classNames());
        return new Prepared(spec, s.train(), s.heldOut());
    }

    /**
     * Refuses a part a model cannot be trained or scored on: no examples, a label outside
     * {@code 0..classes-1}, or (where {@code everyClass}, as for a training part) a class with no
     * examples. {@code where} names the file or folder, {@code part} which part of it.
     */
    public static void requireUsable(String where, String part, int[] labels, List<String> classNames, boolean everyClass) {
        if (labels.length == 0) throw new GalvaniException(where + ": the " + part + " has no examples");
        int k = classNames.size();
        int[] count = new int[k];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= k) {
                throw new GalvaniException(where + ": label " + labels[i] + " of example " + i + " in the " + part + " is outside the classes 0.." + (k - 1));
            }
            count[labels[i]]++;
        }
        if (!everyClass) return;
        int present = 0, missing = -1;
        for (int c = 0; c < k; c++) {
            if (count[c] > 0) present++;
            else if (missing < 0) missing = c;
        }
        if (missing >= 0) {
            throw new GalvaniException(where + ": class '" + classNames.get(missing) + "' has no examples in the " + part
                    + " (only " + present + " of the model's " + k + " classes occur)");
        }
    }
}
