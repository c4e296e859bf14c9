package dev.galvani.cli;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;
import dev.galvani.models.SavedModel;
import dev.galvani.models.data.DataSpec;
import dev.galvani.models.data.FashionMnist;
import dev.galvani.models.data.ImageDataset;
import dev.galvani.models.data.ImageFile;
import dev.galvani.models.data.Indices;
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
import java.util.List;
import java.util.Map;

/** Turns what the user names (a checkpoint's data set and indices, an image file, a sentence) into model inputs. */
final class Inputs {
    private Inputs() {}

    /**
     * Examples to attribute, with their labels (−1 when unknown), a text form for reports, and how
     * image files were preprocessed (null when no image file was read).
     */
    record Examples(Tensor x, int[] labels, List<String> descriptions, List<String[]> tokens, Map<String, Object> preprocessing) {
        Examples(Tensor x, int[] labels, List<String> descriptions, List<String[]> tokens) {
            this(x, labels, descriptions, tokens, null);
        }
    }

    /** A text model: the built-in text CNN, or an imported model that takes integers (token ids). */
    static boolean isText(SavedModel m) {
        return m.isText();
    }

    /** The model's input shape, -1 for the batch and other free sizes. */
    static int[] inputShape(SavedModel m) {
        if (m.onnx() != null) return m.onnx().inputShape();
        return isText(m) ? new int[] {-1, -1} : new int[] {-1, 1, 28, 28};
    }

    /** Whether the image data sets (28x28 grey) fit the model: the built-in image nets, or an imported model taking [N, 1, 28, 28]. */
    static boolean fitsImageData(SavedModel m) {
        return m.onnx() == null ? !isText(m) : java.util.Arrays.equals(m.onnx().inputShape(), new int[] {-1, 1, 28, 28})
                || java.util.Arrays.equals(m.onnx().inputShape(), new int[] {1, 1, 28, 28});
    }

    /** The dotted node names for names the user typed (an imported model's raw ONNX names included). */
    static List<String> canonical(SavedModel m, List<String> names) {
        if (m.onnx() == null) return names;
        return names.stream().map(m.onnx()::canonical).toList();
    }

    /** The one line for a command that needs a data set and was given an ONNX model without inputs. */
    static GalvaniException noDataSet(Path file) {
        return new GalvaniException(file + ": an ONNX model carries no data set; give inputs with --input (images, .npy arrays or a folder of them)");
    }

    /**
     * Image files (resized and centre-cropped to the model's input), {@code .npy} arrays of the
     * model's input shape (with or without the batch axis), or folders of them, as one batch.
     */
    static Examples files(SavedModel m, List<Path> given, ImageOptions opts) {
        int[] want = inputShape(m);
        List<Path> files = InputFiles.expand(given);
        List<Tensor> xs = new ArrayList<>();
        List<String> desc = new ArrayList<>();
        Map<String, Object> pre = null;
        for (Path f : files) {
            Tensor t;
            if (InputFiles.isNpy(f)) {
                t = fitNpy(f, Npy.read(f), want, isText(m));
            } else if (InputFiles.isImage(f)) {
                if (want.length != 4 || isText(m)) {
                    throw new GalvaniException(f + ": the model takes " + OnnxModel.describe(want) + ", not images; pass a .npy array");
                }
                // a Galvani checkpoint's own normalisation unless --mean/--std say otherwise
                boolean own = m.onnx() == null && Float.isFinite(m.data().mean()) && Float.isFinite(m.data().std());
                Preprocessing p = own ? opts.preprocessing(want[1], m.data().mean(), m.data().std()) : opts.preprocessing(want[1]);
                t = p.load(f, want[1], want[2], want[3]);
                pre = p.describe(want[2], want[3]);
            } else {
                throw new GalvaniException(f + ": not a .png, .jpg, .jpeg or .npy file");
            }
            if (!xs.isEmpty() && !java.util.Arrays.equals(shapeAfterBatch(xs.get(0)), shapeAfterBatch(t))) {
                throw new GalvaniException(f + ": shape " + t.shapeString() + " differs from the first input's " + xs.get(0).shapeString() + "; one batch needs one shape");
            }
            xs.add(t);
            for (int i = 0; i < t.size(0); i++) desc.add(f.getFileName() + (t.size(0) > 1 ? "[" + i + "]" : ""));
        }
        Tensor x = xs.size() == 1 ? xs.get(0) : dev.galvani.engine.F.concat(0, xs.toArray(new Tensor[0]));
        int[] labels = new int[x.size(0)];
        java.util.Arrays.fill(labels, -1);
        return new Examples(x.detach(), labels, desc, null, pre);
    }

    private static int[] shapeAfterBatch(Tensor t) {
        return java.util.Arrays.copyOfRange(t.shape(), 1, t.dim());
    }

    /** A .npy array as a batch of model inputs: the model's shape with or without the batch axis. */
    static Tensor fitNpy(Path f, Tensor t, int[] want, boolean ids) {
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

    static Vocabulary vocabulary(SavedModel m) {
        if (m.onnx() != null) throw new GalvaniException(m.onnx().path() + ": an ONNX model carries no vocabulary; give token ids as a .npy array with --input");
        return m.data().requireVocabulary("checkpoint");
    }

    /** Parses "0-15", "3,7,9" or "5" for --indices. */
    static int[] indices(String spec, int size) {
        return indices("--indices", spec, size);
    }

    /** Parses "0-15", "3,7,9" or "5" for the named option; every index must lie in 0..size-1. */
    static int[] indices(String option, String spec, int size) {
        return Indices.parse(option, spec, size);
    }

    /** Held-out examples of {@code spec} (the checkpoint's own, or those the user named: {@link DataOptions#evaluation}); an imported model only if it takes 28x28 grey images. */
    static Examples fromTestSplit(SavedModel m, DataOptions data, String indexSpec, DataSpec spec) {
        if (m.onnx() != null && !fitsImageData(m)) throw noDataSet(m.onnx().path());
        if (isText(m)) {
            TextDataset test = data.text(spec).heldOut();
            int[] idx = indices(indexSpec, test.size());
            TextDataset sub = test.subset(idx);
            Dataset.Batch b = sub.encoded(vocabulary(m)).batch(DataOptions.range(0, idx.length));
            List<String> desc = new ArrayList<>();
            for (String[] t : sub.tokens()) desc.add(String.join(" ", t));
            return new Examples(b.x(), b.y(), desc, sub.tokens());
        }
        ImageDataset test = data.images(spec).heldOut();
        int[] idx = indices(indexSpec, test.size());
        Dataset.Batch b = test.batch(idx);
        List<String> desc = new ArrayList<>();
        for (int i = 0; i < idx.length; i++) desc.add("test[" + idx[i] + "] " + test.classNames().get(b.y()[i]));
        return new Examples(b.x(), b.y(), desc, null);
    }

    /** The mean of the first {@code n} training images, [1, 1, 28, 28], in the checkpoint's normalisation. */
    static Tensor meanTrainingImage(SavedModel m, DataOptions data, int n) {
        if (m.onnx() != null && !fitsImageData(m)) {
            throw new GalvaniException(m.onnx().path() + ": --baseline mean needs a training set, and an ONNX model carries none; use --baseline zeros");
        }
        return data.images(m.data()).train().meanImage(n);
    }

    static Examples sentences(SavedModel m, List<String> sentences) {
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
        int[] labels = new int[toks.size()];
        java.util.Arrays.fill(labels, -1);
        return new Examples(new Tensor(x, toks.size(), t), labels, sentences, toks);
    }

    /** A file the built-in nets read as before: an IDX images file, or a PNG (which must be 28x28). */
    static boolean isLegacyImage(Path f) {
        String n = f.getFileName().toString();
        return n.endsWith(".gz") || n.contains("idx3") || n.toLowerCase(java.util.Locale.ROOT).endsWith(".png");
    }

    /** A 28x28 grayscale image: a PNG (converted to gray, must be 28x28) or an IDX images file (gzip or raw) with an index. */
    static Examples imageFile(SavedModel m, Path file, int index) {
        if (!Files.isRegularFile(file)) throw new GalvaniException(file + ": no such file");
        float[] px;
        if (file.toString().endsWith(".gz") || file.toString().contains("idx3")) {
            float[] all = FashionMnist.images(file);
            int n = all.length / 784;
            if (index < 0 || index >= n) throw new GalvaniException("--index " + index + " is outside 0.." + (n - 1) + " for " + file);
            px = java.util.Arrays.copyOfRange(all, index * 784, (index + 1) * 784);
        } else {
            px = ImageFile.gray(file, 28, 28);
        }
        return new Examples(new Tensor(m.data().normalise(px), 1, 1, 28, 28), new int[] {-1}, List.of(file.getFileName().toString()), null);
    }

    static List<String> classNames(SavedModel m, int classes) {
        List<String> l = m.data().classNames();
        if (l.size() == classes) return l;
        List<String> numbered = new ArrayList<>();
        for (int i = 0; i < classes; i++) numbered.add("class " + i);
        return numbered;
    }
}
