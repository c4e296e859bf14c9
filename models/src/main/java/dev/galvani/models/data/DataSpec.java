package dev.galvani.models.data;

import dev.galvani.engine.GalvaniException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * How a model's data were prepared, recorded in its checkpoint so that every command that reads the
 * checkpoint rebuilds exactly the examples it trained on and the examples it held out
 * ({@link Splits}): the data set, the held-out fold of a cross-validation ({@code folds} = 0: none),
 * the seed of the split, the held-out fraction of a seeded split (0 where the split is by fold or
 * by file), the training limit (the first {@code trainLimit} training examples; 0: all), the input
 * normalisation (images; NaN for text), the vocabulary (text; null for images) and the class names.
 *
 * <p>The splits by data set: MR, 10-fold cross-validation of a seeded permutation (Kim 2014);
 * SST-2, a seeded 10% of the full sentences of {@code train.tsv}, every training phrase inside
 * one of them dropped ({@link SentenceSplit}); generated sentences, 4,000 drawn with the seed and a 20%
 * split with the seed + 1; Fashion-MNIST, its own test files; generated images, the last 2,000 of
 * 12,000 drawn with seed 17.
 *
 * <p>{@code recorded} is false for a checkpoint written before the record existed: its split is
 * assumed (with a warning) and an explicit fold or seed may override the assumption.
 */
public record DataSpec(String dataset, int fold, int folds, long splitSeed, double heldOutFraction, int trainLimit,
                       float mean, float std, Vocabulary vocabulary, List<String> classNames, boolean recorded) {

    public static final String FASHION_MNIST = "fashion-mnist", GENERATED_IMAGES = "generated",
            MR = "mr", SST2 = "sst2", GENERATED_TEXT = "generated-sentiment";
    public static final List<String> IMAGE_SETS = List.of(FASHION_MNIST, GENERATED_IMAGES);
    public static final List<String> TEXT_SETS = List.of(MR, SST2, GENERATED_TEXT);

    static final int MR_FOLDS = 10;
    static final double SST2_HELD_OUT = 0.1, GENERATED_TEXT_HELD_OUT = 0.2;
    static final int GENERATED_TEXT_SIZE = 4000, GENERATED_IMAGES_SIZE = 12000, GENERATED_IMAGES_HELD_OUT = 2000;
    static final long GENERATED_IMAGES_SEED = 17;

    /** Metadata keys ({@code data}, {@code fold}, {@code mean}, {@code std}, {@code vocabulary}, {@code classes_names} predate the record). */
    public static final String DATA = "data", FOLD = "fold", FOLDS = "folds", SPLIT_SEED = "split_seed",
            HELD_OUT_FRACTION = "held_out_fraction", TRAIN_LIMIT = "train_limit", MEAN = "mean", STD = "std",
            VOCABULARY = "vocabulary", CLASS_NAMES = "classes_names";
    /** SST-2's split kind; "sentences" (held-out full sentences, {@link SentenceSplit}) is the only one rebuilt. */
    public static final String SST2_SPLIT = "sst2_split", SST2_SENTENCES = "sentences";

    public DataSpec {
        classNames = List.copyOf(classNames);
    }

    public boolean isText() {
        return TEXT_SETS.contains(dataset);
    }

    /** True where the held-out part depends on the seed (MR's folds, SST-2's and the generated sentences' splits). */
    public boolean seeded() {
        return isText();
    }

    /**
     * The split a training run asks for: a data set by name ({@code auto}: Fashion-MNIST when found,
     * else generated images; for text, the generated sentences), the held-out fold (MR only), the
     * split seed (text only) and a training limit. Normalisation, vocabulary and class names are
     * filled in from the data ({@link Splits#prepare}).
     */
    public static DataSpec request(String name, boolean text, int fold, long seed, int trainLimit, String dataDir) {
        String ds = canonical(name, text, dataDir);
        if (trainLimit < 0) throw new GalvaniException("--train-examples must be 0 (all) or more, got " + trainLimit);
        int folds = ds.equals(MR) ? MR_FOLDS : 0;
        if (folds == 0 && fold != 0) throw new GalvaniException("--fold " + fold + ": " + ds + " has no folds (only mr is cross-validated)");
        if (folds > 0 && (fold < 0 || fold >= folds)) throw new GalvaniException("--fold " + fold + " is outside 0.." + (folds - 1));
        long splitSeed = switch (ds) {
            case MR, SST2, GENERATED_TEXT -> seed;
            case GENERATED_IMAGES -> GENERATED_IMAGES_SEED;
            default -> 0;
        };
        double fraction = switch (ds) {
            case SST2 -> SST2_HELD_OUT;
            case GENERATED_TEXT -> GENERATED_TEXT_HELD_OUT;
            case GENERATED_IMAGES -> (double) GENERATED_IMAGES_HELD_OUT / GENERATED_IMAGES_SIZE;
            default -> 0;
        };
        return new DataSpec(ds, fold, folds, splitSeed, fraction, trainLimit, Float.NaN, Float.NaN, null, defaultClassNames(ds), true);
    }

    /** A data set's name as recorded: {@code generated} and {@code auto} resolved by kind; an unknown name or a wrong kind is refused. */
    public static String canonical(String name, boolean text, String dataDir) {
        String n = name.toLowerCase(Locale.ROOT);
        if (text) {
            if (n.equals("auto") || n.equals("generated")) return GENERATED_TEXT;
            if (TEXT_SETS.contains(n)) return n;
            if (IMAGE_SETS.contains(n)) throw new GalvaniException("data set '" + name + "' holds images; a text model takes " + String.join(", ", TEXT_SETS));
            throw new GalvaniException("unknown text data set '" + name + "'; use " + String.join(", ", TEXT_SETS));
        }
        if (n.equals("auto")) return DataLocator.find(dataDir, FASHION_MNIST).isPresent() ? FASHION_MNIST : GENERATED_IMAGES;
        if (IMAGE_SETS.contains(n)) return n;
        if (TEXT_SETS.contains(n)) throw new GalvaniException("data set '" + name + "' holds sentences; an image model takes " + String.join(", ", IMAGE_SETS) + " or auto");
        throw new GalvaniException("unknown image data set '" + name + "'; use fashion-mnist, generated or auto");
    }

    static List<String> defaultClassNames(String dataset) {
        return switch (dataset) {
            case FASHION_MNIST -> FashionMnist.CLASSES;
            case GENERATED_IMAGES -> GeneratedImages.CLASSES;
            default -> SentimentData.CLASSES;
        };
    }

    /** The record with what training fixed from the data: a text model's vocabulary and class names. */
    public DataSpec withVocabulary(Vocabulary v, List<String> names) {
        return new DataSpec(dataset, fold, folds, splitSeed, heldOutFraction, trainLimit, mean, std, v, names, recorded);
    }

    /** The record with what training fixed from the data: an image model's normalisation and class names. */
    public DataSpec withNormalisation(float newMean, float newStd, List<String> names) {
        return new DataSpec(dataset, fold, folds, splitSeed, heldOutFraction, trainLimit, newMean, newStd, vocabulary, names, recorded);
    }

    /**
     * Fails unless {@code other} reads examples the same way (data set and split, normalisation,
     * vocabulary): two checkpoints studied on the same examples must, or one of them would see
     * inputs prepared for the other. {@code where} and {@code otherWhere} name them.
     */
    public void requireSameInputs(DataSpec other, String where, String otherWhere) {
        boolean same = dataset.equals(other.dataset) && fold == other.fold && splitSeed == other.splitSeed
                && Float.compare(mean, other.mean) == 0 && Float.compare(std, other.std) == 0
                && (vocabulary == null ? other.vocabulary == null : other.vocabulary != null && vocabulary.serialise().equals(other.vocabulary.serialise()));
        if (!same) {
            throw new GalvaniException(otherWhere + " was trained on " + other.describe() + " with its own inputs; " + where
                    + " on " + describe() + ": they cannot be studied on the same examples");
        }
    }

    /** One phrase for messages: "mr, fold 3 of 10 held out, split seed 1". */
    public String describe() {
        return switch (dataset) {
            case MR -> String.format(Locale.ROOT, "mr, fold %d of %d held out, split seed %d", fold, folds, splitSeed);
            case SST2 -> String.format(Locale.ROOT, "sst2, %.0f%% of its full sentences held out with split seed %d", 100 * heldOutFraction, splitSeed);
            case GENERATED_TEXT -> String.format(Locale.ROOT, "generated-sentiment from seed %d, %.0f%% held out", splitSeed, 100 * heldOutFraction);
            case FASHION_MNIST -> "fashion-mnist, its test files held out";
            case GENERATED_IMAGES -> "generated images, the last " + GENERATED_IMAGES_HELD_OUT + " of " + GENERATED_IMAGES_SIZE + " held out";
            default -> dataset + " (fashion-mnist when found, else generated images)";
        };
    }

    /** The metadata entries of this record (string to string, as safetensors metadata). */
    public Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(DATA, dataset);
        m.put(FOLD, Integer.toString(fold));
        m.put(FOLDS, Integer.toString(folds));
        m.put(SPLIT_SEED, Long.toString(splitSeed));
        m.put(HELD_OUT_FRACTION, Double.toString(heldOutFraction));
        m.put(TRAIN_LIMIT, Integer.toString(trainLimit));
        if (dataset.equals(SST2)) m.put(SST2_SPLIT, SST2_SENTENCES);
        if (Float.isFinite(mean)) m.put(MEAN, Float.toString(mean));
        if (Float.isFinite(std)) m.put(STD, Float.toString(std));
        if (vocabulary != null) m.put(VOCABULARY, vocabulary.serialise());
        m.put(CLASS_NAMES, String.join("\n", classNames));
        return m;
    }

    /**
     * Reads the record from a checkpoint's metadata and checks it against the model ({@code text},
     * {@code classes}); {@code where} names the checkpoint. A checkpoint written before the record
     * existed is read with what it has and the split {@code galvani train} then used (the training
     * seed also seeded the split), announced by one line to {@code warn}.
     */
    public static DataSpec fromMetadata(Map<String, String> meta, boolean text, int classes, String where, Consumer<String> warn) {
        if (!meta.containsKey(SPLIT_SEED)) return legacy(meta, text, classes, where, warn);
        String ds = required(meta, DATA, where);
        if (!(text ? TEXT_SETS : IMAGE_SETS).contains(ds)) {
            throw new GalvaniException(where + ": records data set '" + ds + "', not one a " + (text ? "text" : "image") + " model takes");
        }
        if (ds.equals(SST2) && !SST2_SENTENCES.equals(meta.get(SST2_SPLIT))) throw phraseSplit(where);
        int fold = integer(meta, FOLD, where), folds = integer(meta, FOLDS, where), limit = integer(meta, TRAIN_LIMIT, where);
        long seed = longValue(meta, SPLIT_SEED, where);
        double fraction = number(meta, HELD_OUT_FRACTION, where);
        if (folds < 0 || (folds == 0 ? fold != 0 : fold < 0 || fold >= folds)) throw new GalvaniException(where + ": records fold " + fold + " of " + folds);
        if (!(fraction >= 0 && fraction < 1)) throw new GalvaniException(where + ": records a held-out fraction of " + fraction);
        if (limit < 0) throw new GalvaniException(where + ": records a training limit of " + limit);
        List<String> names = List.of(required(meta, CLASS_NAMES, where).split("\n", -1));
        if (names.size() != classes) throw new GalvaniException(where + ": records " + names.size() + " class names for a model of " + classes + " classes");
        float mean = Float.NaN, std = Float.NaN;
        Vocabulary vocab = null;
        if (text) {
            vocab = vocabulary(required(meta, VOCABULARY, where), where);
        } else {
            mean = (float) number(meta, MEAN, where);
            std = (float) number(meta, STD, where);
            if (!Float.isFinite(mean) || !(std > 0) || !Float.isFinite(std)) throw new GalvaniException(where + ": records normalisation mean " + mean + ", std " + std);
        }
        return new DataSpec(ds, fold, folds, seed, fraction, limit, mean, std, vocab, names, true);
    }

    private static DataSpec legacy(Map<String, String> meta, boolean text, int classes, String where, Consumer<String> warn) {
        String ds = meta.getOrDefault(DATA, text ? GENERATED_TEXT : "auto");
        if (!(text ? TEXT_SETS : IMAGE_SETS).contains(ds) && !(ds.equals("auto") && !text)) {
            throw new GalvaniException(where + ": records data set '" + ds + "', not one a " + (text ? "text" : "image") + " model takes");
        }
        if (ds.equals(SST2)) throw phraseSplit(where);
        int folds = ds.equals(MR) ? MR_FOLDS : 0;
        int fold = folds > 0 && meta.containsKey(FOLD) ? integer(meta, FOLD, where) : 0;
        if (fold < 0 || (folds > 0 && fold >= folds)) throw new GalvaniException(where + ": records fold " + fold + " of " + folds);
        long seed = switch (ds) {
            case MR, SST2, GENERATED_TEXT -> meta.containsKey("seed") ? longValue(meta, "seed", where) : 0;
            case GENERATED_IMAGES -> GENERATED_IMAGES_SEED;
            default -> 0;
        };
        double fraction = switch (ds) {
            case SST2 -> SST2_HELD_OUT;
            case GENERATED_TEXT -> GENERATED_TEXT_HELD_OUT;
            case GENERATED_IMAGES -> (double) GENERATED_IMAGES_HELD_OUT / GENERATED_IMAGES_SIZE;
            default -> 0;
        };
        List<String> names = meta.containsKey(CLASS_NAMES) ? List.of(meta.get(CLASS_NAMES).split("\n", -1)) : List.of();
        if (names.size() != classes) {
            names = ds.equals("auto") ? List.of() : defaultClassNames(ds);
            if (names.size() != classes) {
                List<String> numbered = new ArrayList<>();
                for (int i = 0; i < classes; i++) numbered.add("class " + i);
                names = numbered;
            }
        }
        float mean = meta.containsKey(MEAN) ? (float) number(meta, MEAN, where) : Float.NaN;
        float std = meta.containsKey(STD) ? (float) number(meta, STD, where) : Float.NaN;
        Vocabulary vocab = text && meta.containsKey(VOCABULARY) ? vocabulary(meta.get(VOCABULARY), where) : null;
        DataSpec d = new DataSpec(ds, fold, folds, seed, fraction, 0, mean, std, vocab, names, false);
        warn.accept("warning: " + where + " has no record of its data split (written by an older galvani); assuming " + d.describe()
                + (text ? ", as 'galvani train' then split it; give --fold and --seed if it was split otherwise" : ""));
        return d;
    }

    /**
     * An SST-2 checkpoint written before the split held out full sentences: its held-out phrases
     * were drawn at random from train.tsv, so they shared text with its training phrases, and
     * rebuilding the sentence split would score it on sentences it partly trained on.
     */
    private static GalvaniException phraseSplit(String where) {
        return new GalvaniException(where + ": records SST-2 split by phrases (written by an older galvani), which cannot be rebuilt; "
                + "retrain with 'galvani train --data sst2' (held-out full sentences)");
    }

    private static Vocabulary vocabulary(String s, String where) {
        Vocabulary v;
        try {
            v = Vocabulary.parse(s);
        } catch (GalvaniException e) {
            throw new GalvaniException(where + ": " + e.getMessage());
        }
        if (!v.hasWords()) throw new GalvaniException(where + ": its vocabulary holds nothing but <pad> and <unk>");
        return v;
    }

    /** The vocabulary of a text model, or a one-line error naming the checkpoint. */
    public Vocabulary requireVocabulary(String where) {
        if (vocabulary == null) throw new GalvaniException(where + ": no vocabulary in its metadata; retrain it with 'galvani train'");
        return vocabulary;
    }

    /**
     * The data to score the checkpoint on when the user names a data set, fold or seed (null: not
     * named): its own held-out part when they name none or the recorded ones; another data set's
     * held-out part when they name another data set (with this model's vocabulary, normalisation
     * and class count). Another fold or seed of its own data set is refused in one line: that part
     * holds examples the model trained on. A checkpoint without a record takes what is named.
     */
    public DataSpec evaluation(String name, Integer newFold, Long newSeed, String dataDir, String where) {
        String ds = name == null ? dataset : canonical(name, isText(), dataDir);
        boolean same = ds.equals(dataset) || (dataset.equals("auto") && ds.equals(canonical("auto", false, dataDir)));
        if (!same) {
            DataSpec other = request(ds, isText(), newFold == null ? 0 : newFold, newSeed == null ? 0 : newSeed, 0, dataDir);
            if (other.classNames.size() != classNames.size()) {
                throw new GalvaniException("data set " + ds + " has " + other.classNames.size() + " classes; " + where + " has " + classNames.size());
            }
            if (!isText() && newSeed != null) throw new GalvaniException("--seed: " + ds + " has a fixed test split; --seed does not apply");
            return new DataSpec(ds, other.fold, other.folds, other.splitSeed, other.heldOutFraction, 0, mean, std, vocabulary, other.classNames, true);
        }
        if (newFold != null && newFold != fold) {
            if (folds == 0) throw new GalvaniException("--fold " + newFold + ": " + ds + " has no folds (only mr is cross-validated)");
            if (newFold < 0 || newFold >= folds) throw new GalvaniException("--fold " + newFold + " is outside 0.." + (folds - 1));
            if (recorded) {
                throw new GalvaniException("--fold " + newFold + ": " + where + " was trained on " + describe() + "; fold " + newFold
                        + " holds sentences it trained on. Leave out --fold, or score another file with eval --input");
            }
        }
        if (newSeed != null && newSeed != splitSeed) {
            if (!seeded()) throw new GalvaniException("--seed: " + ds + " has a fixed test split; --seed does not apply");
            if (recorded) {
                throw new GalvaniException("--seed " + newSeed + ": " + where + " was trained on " + describe() + "; split seed " + newSeed
                        + " mixes sentences it trained on into the held-out part. Leave out --seed, or score another file with eval --input");
            }
        }
        if (recorded || (newFold == null && newSeed == null)) return this;
        return new DataSpec(dataset, newFold == null ? fold : newFold, folds, newSeed == null ? splitSeed : newSeed, heldOutFraction, trainLimit,
                mean, std, vocabulary, classNames, false);
    }

    /** Pixels in [0, 1] normalised as this model's inputs ({@code (p − mean) / std}; unnormalised where none is recorded). */
    public float[] normalise(float[] px) {
        float m = Float.isFinite(mean) ? mean : 0f, s = Float.isFinite(std) ? std : 1f;
        float[] out = new float[px.length];
        for (int i = 0; i < px.length; i++) out[i] = (px[i] - m) / s;
        return out;
    }

    private static String required(Map<String, String> meta, String key, String where) {
        String v = meta.get(key);
        if (v == null) throw new GalvaniException(where + ": its data record lacks '" + key + "'");
        return v;
    }

    private static int integer(Map<String, String> meta, String key, String where) {
        long v = longValue(meta, key, where);
        if (v != (int) v) throw new GalvaniException(where + ": metadata '" + key + "' is " + v + ", out of range");
        return (int) v;
    }

    private static long longValue(Map<String, String> meta, String key, String where) {
        String v = required(meta, key, where);
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new GalvaniException(where + ": metadata '" + key + "' is '" + v + "', not an integer");
        }
    }

    private static double number(Map<String, String> meta, String key, String where) {
        String v = required(meta, key, where);
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new GalvaniException(where + ": metadata '" + key + "' is '" + v + "', not a number");
        }
    }
}
