package dev.galvani.models;

import dev.galvani.engine.F;
import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;
import dev.galvani.models.data.DataSpec;
import dev.galvani.models.data.Examples;
import dev.galvani.models.data.FashionMnist;
import dev.galvani.models.data.ImageDataset;
import dev.galvani.models.data.ImageFile;
import dev.galvani.models.data.SentimentData;
import dev.galvani.models.data.Indices;
import dev.galvani.models.data.Splits;
import dev.galvani.models.data.TextDataset;
import dev.galvani.models.data.Tokenizer;
import dev.galvani.models.data.Vocabulary;
import dev.galvani.models.io.InputFiles;
import dev.galvani.models.io.Npy;
import dev.galvani.models.io.Preprocessing;
import dev.galvani.models.onnx.OnnxModel;
import dev.galvani.models.train.Dataset;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a user names, turned into a checkpoint's model inputs: sentences (tokenised and encoded with
 * its vocabulary), image files (its normalisation, or resized, centre-cropped and normalised for
 * an imported model), {@code .npy} arrays, and held-out examples of the data set it was trained on
 * by index ({@code "0-15"}, {@code "3,7,9"}); with the checkpoint's class names and node names.
 *
 * <pre>{@code
 * SavedModel m = SavedModel.load(Path.of("runs/textcnn-mr.safetensors"));
 * Examples ex = ModelInputs.sentences(m, List.of("not a bad film at all"));   // ex.x(): token ids [1, 6]
 * }</pre>
 */
public final class ModelInputs {
    private ModelInputs() {}

    /** The model's input shape, −1 for the batch and other free sizes. */
    public static int[] inputShape(SavedModel m) {
        if (m.onnx() != null) return m.onnx().inputShape();
        return m.isText() ? new int[] {-1, -1} : new int[] {-1, 1, 28, 28};
    }

    /** Whether the image data sets (28x28 grey) fit the model: the built-in image nets, or an imported model taking [N, 1, 28, 28]. */
    public static boolean fitsImageData(SavedModel m) {
        return m.onnx() == null ? !m.isText() : Arrays.equals(m.onnx().inputShape(), new int[] {-1, 1, 28, 28})
                || Arrays.equals(m.onnx().inputShape(), new int[] {1, 1, 28, 28});
    }

    /** The dotted node names for names a user typed (an imported model's raw ONNX names included). */
    public static List<String> canonical(SavedModel m, List<String> names) {
        if (m.onnx() == null) return names;
        return names.stream().map(m.onnx()::canonical).toList();
    }

    /** Where a text model's path starts: the built-in net's embedding, or an imported model's token lookup. */
    public static String embeddingNode(SavedModel m) {
        if (m.onnx() == null) return "embedding";
        String e = m.onnx().embeddingNode();
        if (e == null) throw new GalvaniException(m.onnx().path() + ": no Gather node reads the token ids, so there is no embedding to start the path at");
        return e;
    }

    public static Vocabulary vocabulary(SavedModel m) {
        if (m.onnx() != null) throw new GalvaniException(m.onnx().path() + ": an ONNX model carries no vocabulary; give token ids as a .npy array with --input");
        return m.data().requireVocabulary("checkpoint");
    }

    /** The checkpoint's class names ("class i" for each of its classes when it names none). */
    public static List<String> classNames(SavedModel m) {
        List<String> l = m.data().classNames();
        if (!l.isEmpty()) return l;
        List<String> numbered = new ArrayList<>();
        for (int i = 0, k = Integer.parseInt(m.get("classes", "0")); i < k; i++) numbered.add("class " + i);
        return numbered;
    }

    /** Sentences, tokenised and encoded with the checkpoint's vocabulary, padded to a common length (at least the widest filter). */
    public static Examples sentences(SavedModel m, List<String> sentences) {
        if (!m.isText()) throw new GalvaniException("sentences need a text model; this checkpoint is '" + m.architecture() + "'");
        Vocabulary v = vocabulary(m);
        List<String[]> toks = new ArrayList<>();
        int t = TextDataset.MIN_WIDTH;
        for (String s : sentences) {
            String[] w = Tokenizer.tokenize(s);
            if (w.length == 0) throw new GalvaniException("sentence '" + s + "' has no words after tokenisation");
            toks.add(w);
            t = Math.max(t, w.length);
        }
        float[] x = new float[toks.size() * t];
        for (int i = 0; i < toks.size(); i++) {
            int[] ids = v.encode(toks.get(i));
            for (int j = 0; j < ids.length; j++) x[i * t + j] = ids[j];
        }
        return new Examples(new Tensor(x, toks.size(), t), unlabelled(toks.size()), sentences, toks);
    }

    /**
     * Held-out examples of {@code spec} (the checkpoint's own split, or one it allows:
     * {@link DataSpec#evaluation}) at the given indices; an imported model only if it takes 28x28
     * grey images. {@code dataDir}: a data folder, or null for {@code $GALVANI_DATA} and the defaults.
     */
    public static Examples heldOut(SavedModel m, String dataDir, String indices, DataSpec spec) {
        if (m.onnx() != null && !fitsImageData(m)) throw noDataSet(m.onnx().path());
        if (m.isText()) {
            TextDataset test = Splits.text(spec, dataDir).heldOut();
            int[] idx = Indices.parse("--indices", indices, test.size());
            TextDataset sub = test.subset(idx);
            Dataset.Batch b = sub.encoded(vocabulary(m)).batch(Dataset.range(0, idx.length));
            List<String> desc = new ArrayList<>();
            for (String[] t : sub.tokens()) desc.add(String.join(" ", t));
            return new Examples(b.x(), b.y(), desc, sub.tokens());
        }
        ImageDataset test = Splits.images(spec, dataDir).heldOut();
        int[] idx = Indices.parse("--indices", indices, test.size());
        Dataset.Batch b = test.batch(idx);
        List<String> desc = new ArrayList<>();
        for (int i = 0; i < idx.length; i++) desc.add("test[" + idx[i] + "] " + test.classNames().get(b.y()[i]));
        return new Examples(b.x(), b.y(), desc, null);
    }

    /** The mean of the first {@code n} training images, [1, 1, 28, 28], in the checkpoint's normalisation (a baseline). */
    public static Tensor meanTrainingImage(SavedModel m, String dataDir, int n) {
        if (m.isText()) throw new GalvaniException("--baseline mean is for image models; a text model's baseline is the padding embedding");
        if (m.onnx() != null && !fitsImageData(m)) {
            throw new GalvaniException(m.onnx().path() + ": --baseline mean needs a training set, and an ONNX model carries none; use --baseline zeros");
        }
        return Splits.images(m.data(), dataDir).train().meanImage(n);
    }

    /**
     * Input files as one batch: for the built-in image nets, one 28x28 PNG or an IDX images file
     * (gzip or raw; the examples at {@code indices}) read as the training data were; otherwise image
     * files resized and centre-cropped to the model's input ({@code resize}: the shorter side first,
     * null for input size x 256/224) and normalised ({@code mean}, {@code std} per channel, null for
     * the checkpoint's own or ImageNet's), {@code .npy} arrays of the model's input shape (with or
     * without the batch axis), or folders of them.
     */
    public static Examples files(SavedModel m, List<Path> given, String indices, Integer resize, float[] mean, float[] std) {
        if (m.onnx() == null && given.size() == 1 && isTrainingFormat(given.get(0))) return trainingFormat(m, given.get(0), indices);
        return batch(m, given, resize, mean, std);
    }

    /** Image files, {@code .npy} arrays or folders of them as one batch, as {@link #files} reads them, whatever their number and format. */
    public static Examples batch(SavedModel m, List<Path> given, Integer resize, float[] mean, float[] std) {
        int[] want = inputShape(m);
        List<Tensor> xs = new ArrayList<>();
        List<String> desc = new ArrayList<>();
        Map<String, Object> pre = null;
        for (Path f : InputFiles.expand(given)) {
            Tensor t;
            if (InputFiles.isNpy(f)) {
                t = fitNpy(f, Npy.read(f), want, m.isText());
            } else if (InputFiles.isImage(f)) {
                if (want.length != 4 || m.isText()) throw new GalvaniException(f + ": the model takes " + OnnxModel.describe(want) + ", not images; pass a .npy array");
                // a Galvani checkpoint's own normalisation unless mean or std say otherwise
                boolean own = m.onnx() == null && Float.isFinite(m.data().mean()) && Float.isFinite(m.data().std());
                Preprocessing p = Preprocessing.of(want[1], resize, mean != null || !own ? mean : new float[] {m.data().mean()},
                        std != null || !own ? std : new float[] {m.data().std()});
                t = p.load(f, want[1], want[2], want[3]);
                pre = p.describe(want[2], want[3]);
            } else {
                throw new GalvaniException(f + ": not a .png, .jpg, .jpeg or .npy file");
            }
            if (!xs.isEmpty() && !Arrays.equals(perExample(xs.get(0)), perExample(t))) {
                throw new GalvaniException(f + ": shape " + t.shapeString() + " differs from the first input's " + xs.get(0).shapeString() + "; one batch needs one shape");
            }
            xs.add(t);
            for (int i = 0; i < t.size(0); i++) desc.add(f.getFileName() + (t.size(0) > 1 ? "[" + i + "]" : ""));
        }
        Tensor x = xs.size() == 1 ? xs.get(0) : F.concat(0, xs.toArray(new Tensor[0]));
        return new Examples(x.detach(), unlabelled(x.size(0)), desc, null, pre);
    }

    /**
     * A labelled file to score the checkpoint on: for a text model a TSV ({@code label<TAB>sentence}
     * with a header, SST-2's layout), for an image model an IDX images file with its IDX
     * {@code labels} file; read as the training data were (vocabulary, normalisation).
     */
    public static Dataset labelledFile(SavedModel m, Path file, Path labels) {
        List<String> names = m.data().classNames();
        if (m.isText()) {
            TextDataset t = SentimentData.sst2File(file);
            Splits.requireUsable(file.toString(), "file", t.labels(), names, false);
            return t.encoded(vocabulary(m));
        }
        if (m.onnx() != null && !fitsImageData(m)) throw new GalvaniException(m.onnx().path() + ": an IDX file holds 28x28 grey images, which this model does not take");
        if (labels == null) throw new GalvaniException(file + ": IDX images need their labels file (--labels)");
        float[] px = m.data().normalise(FashionMnist.images(file));
        int[] y = FashionMnist.labels(labels, px.length / 784, names.size());
        Splits.requireUsable(file.toString(), "file", y, names, false);
        return new ImageDataset(file.toString(), px, y, 28, 28, names, m.data().mean(), m.data().std());
    }

    /**
     * The checkpoint a study needs: it exists (else one line with {@code trainHint}, the command that
     * trains one), holds the {@code expected} architecture (null: any), or is an imported model whose
     * input fits the study's data (28x28 grey images; a text study needs a vocabulary, which an ONNX
     * file lacks).
     */
    public static SavedModel forStudy(Path p, String expected, String trainHint) {
        if (!Files.isRegularFile(p)) throw new GalvaniException("checkpoint " + p + " not found; train one first: " + trainHint);
        SavedModel m = SavedModel.load(p);
        if (m.onnx() != null) {
            if ("textcnn".equals(expected) || !fitsImageData(m)) {
                throw new GalvaniException(p + ": an ONNX model carries no data set, and this study's data (" + ("textcnn".equals(expected) ? "sentences, with a vocabulary"
                        : "28x28 grey images") + ") does not fit its input " + m.get("input_shape", "?"));
            }
            return m;
        }
        if (expected != null && !m.architecture().equals(expected)) {
            throw new GalvaniException("checkpoint " + p + " holds a '" + m.architecture() + "' model; this study needs '" + expected + "'");
        }
        return m;
    }

    /** A checkpoint for a report's title: "inception from runs/x.safetensors (fashion-mnist, ..., held-out accuracy 0.91)". */
    public static String describe(SavedModel m, Path file) {
        return m.architecture() + " from " + file + " (" + m.data().describe() + ", held-out accuracy " + m.get("test_accuracy", "?") + ")";
    }

    /** The one line for a command that needs a data set and was given an ONNX model without inputs. */
    public static GalvaniException noDataSet(Path file) {
        return new GalvaniException(file + ": an ONNX model carries no data set; give inputs with --input (images, .npy arrays or a folder of them)");
    }

    /** An IDX images file or a PNG: what the built-in nets read as their training data were read. */
    private static boolean isTrainingFormat(Path f) {
        String n = f.getFileName().toString();
        return n.endsWith(".gz") || n.contains("idx3") || n.toLowerCase(Locale.ROOT).endsWith(".png");
    }

    /** 28x28 grey images in the checkpoint's normalisation: a PNG (must be 28x28), or the examples of an IDX images file at {@code indices}. */
    private static Examples trainingFormat(SavedModel m, Path file, String indices) {
        if (!Files.isRegularFile(file)) throw new GalvaniException(file + ": no such file");
        String name = file.getFileName().toString();
        if (!(name.endsWith(".gz") || name.contains("idx3"))) {
            float[] px = m.data().normalise(ImageFile.gray(file, 28, 28));
            return new Examples(new Tensor(px, 1, 1, 28, 28), unlabelled(1), List.of(name), null);
        }
        float[] all = FashionMnist.images(file);
        int[] idx = Indices.parse("--indices", indices, all.length / 784);
        float[] px = new float[idx.length * 784];
        List<String> desc = new ArrayList<>();
        for (int i = 0; i < idx.length; i++) {
            System.arraycopy(all, idx[i] * 784, px, i * 784, 784);
            desc.add(name + "[" + idx[i] + "]");
        }
        return new Examples(new Tensor(m.data().normalise(px), idx.length, 1, 28, 28), unlabelled(idx.length), desc, null);
    }

    /** A .npy array as a batch of model inputs: the model's shape with or without the batch axis. */
    private static Tensor fitNpy(Path f, Tensor t, int[] want, boolean ids) {
        if (t.dim() == want.length - 1) {
            int[] s = new int[want.length];
            s[0] = 1;
            System.arraycopy(t.shape(), 0, s, 1, t.dim());
            t = t.reshape(s);
        }
        boolean ok = t.dim() == want.length && t.size(0) > 0;
        for (int i = 1; ok && i < want.length; i++) ok = want[i] < 0 || want[i] == t.size(i);
        if (!ok) throw new GalvaniException(f + ": shape " + t.shapeString() + " does not fit the model's input " + OnnxModel.describe(want));
        if (ids) {
            for (float v : t.data()) {
                if (v != Math.rint(v) || v < 0) throw new GalvaniException(f + ": token ids must be non-negative integers, found " + v);
            }
        }
        return t;
    }

    private static int[] perExample(Tensor t) {
        return Arrays.copyOfRange(t.shape(), 1, t.dim());
    }

    private static int[] unlabelled(int n) {
        int[] l = new int[n];
        Arrays.fill(l, -1);
        return l;
    }
}
