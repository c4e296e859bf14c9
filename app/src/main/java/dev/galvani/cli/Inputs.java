package dev.galvani.cli;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;
import dev.galvani.models.SavedModel;
import dev.galvani.models.data.FashionMnist;
import dev.galvani.models.data.ImageDataset;
import dev.galvani.models.data.TextDataset;
import dev.galvani.models.data.Tokenizer;
import dev.galvani.models.data.Vocabulary;
import dev.galvani.models.io.InputFiles;
import dev.galvani.models.io.Npy;
import dev.galvani.models.io.Preprocessing;
import dev.galvani.models.onnx.OnnxModel;
import dev.galvani.models.train.Dataset;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
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
        return m.architecture().equals("textcnn") || (m.onnx() != null && m.onnx().integerInput());
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
                Preprocessing p = opts.preprocessing(want[1]);
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
        String v = m.metadata().get("vocabulary");
        if (v == null) throw new GalvaniException("checkpoint has no vocabulary in its metadata; retrain it with 'galvani train'");
        return Vocabulary.parse(v);
    }

    /** Parses "0-15", "3,7,9" or "5". */
    static int[] indices(String spec, int size) {
        List<Integer> out = new ArrayList<>();
        for (String part : spec.split(",")) {
            String p = part.trim();
            try {
                if (p.contains("-")) {
                    String[] ab = p.split("-");
                    int a = Integer.parseInt(ab[0].trim()), b = Integer.parseInt(ab[1].trim());
                    if (b < a) throw new GalvaniException("--indices range '" + p + "' is empty");
                    for (int i = a; i <= b; i++) out.add(i);
                } else {
                    out.add(Integer.parseInt(p));
                }
            } catch (NumberFormatException e) {
                throw new GalvaniException("--indices '" + spec + "' is not a list like 0-15 or 3,7,9");
            }
        }
        for (int i : out) if (i < 0 || i >= size) throw new GalvaniException("--indices: " + i + " is outside 0.." + (size - 1));
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Test-split examples of the checkpoint's data set (an imported model: only if it takes 28x28 grey images). */
    static Examples fromTestSplit(SavedModel m, DataOptions data, String indexSpec, long seed) {
        if (m.onnx() != null && !fitsImageData(m)) throw noDataSet(m.onnx().path());
        String name = m.get("data", isText(m) ? "generated-sentiment" : "auto");
        if (isText(m)) {
            TextDataset[] parts = data.text(name.equals("mr") ? "mr" : name, 0, seed);
            TextDataset test = parts[1];
            int[] idx = indices(indexSpec, test.size());
            TextDataset sub = test.subset(idx);
            Dataset.Batch b = sub.encoded(vocabulary(m)).batch(DataOptions.range(0, idx.length));
            List<String> desc = new ArrayList<>();
            for (String[] t : sub.tokens()) desc.add(String.join(" ", t));
            return new Examples(b.x(), b.y(), desc, sub.tokens());
        }
        ImageDataset test = data.images(name.equals("fashion-mnist") || name.equals("generated") ? name : "auto").test();
        int[] idx = indices(indexSpec, test.size());
        Dataset.Batch b = test.batch(idx);
        List<String> desc = new ArrayList<>();
        for (int i = 0; i < idx.length; i++) desc.add("test[" + idx[i] + "] " + test.classNames().get(b.y()[i]));
        return new Examples(renormalise(b.x(), test, m), b.y(), desc, null);
    }

    /** The mean of the first {@code n} training images, [1, 1, 28, 28], in the checkpoint's normalisation. */
    static Tensor meanTrainingImage(SavedModel m, DataOptions data, int n) {
        if (m.onnx() != null && !fitsImageData(m)) {
            throw new GalvaniException(m.onnx().path() + ": --baseline mean needs a training set, and an ONNX model carries none; use --baseline zeros");
        }
        String name = m.get("data", "auto");
        ImageDataset train = data.images(name.equals("fashion-mnist") || name.equals("generated") ? name : "auto").train();
        int k = Math.min(n, train.size());
        Dataset.Batch b = train.batch(DataOptions.range(0, k));
        Tensor x = renormalise(b.x(), train, m);
        float[] mean = new float[784];
        for (int i = 0; i < k; i++) for (int j = 0; j < 784; j++) mean[j] += x.data()[i * 784 + j] / k;
        return new Tensor(mean, 1, 1, 28, 28);
    }

    /** Images are normalised with the checkpoint's training statistics. */
    private static Tensor renormalise(Tensor x, ImageDataset d, SavedModel m) {
        float mean = Float.parseFloat(m.get("mean", Float.toString(d.mean()))), std = Float.parseFloat(m.get("std", Float.toString(d.std())));
        if (mean == d.mean() && std == d.std()) return x;
        return new Tensor(ImageDataset.renormalise(x.data(), d.mean(), d.std(), mean, std), x.shape());
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

    /** A 28x28 grayscale image: a PNG (converted to gray, must be 28x28) or an IDX images file (gz) with an index. */
    static Examples imageFile(SavedModel m, Path file, int index) {
        if (!Files.isRegularFile(file)) throw new GalvaniException(file + ": no such file");
        float[] px;
        if (file.toString().endsWith(".gz") || file.toString().contains("idx3")) {
            float[] all = FashionMnist.images(file);
            int n = all.length / 784;
            if (index < 0 || index >= n) throw new GalvaniException("--index " + index + " is outside 0.." + (n - 1) + " for " + file);
            px = java.util.Arrays.copyOfRange(all, index * 784, (index + 1) * 784);
        } else {
            BufferedImage img;
            try {
                img = ImageIO.read(file.toFile());
            } catch (IOException e) {
                throw new GalvaniException(file + ": cannot read image (" + e.getMessage() + ")");
            }
            if (img == null) throw new GalvaniException(file + ": not a PNG or other readable image");
            if (img.getWidth() != 28 || img.getHeight() != 28) {
                throw new GalvaniException(file + ": image is " + img.getWidth() + "x" + img.getHeight() + ", the model expects 28x28");
            }
            px = new float[784];
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    int rgb = img.getRGB(x, y);
                    px[y * 28 + x] = (((rgb >> 16) & 255) + ((rgb >> 8) & 255) + (rgb & 255)) / (3f * 255f);
                }
            }
        }
        float mean = Float.parseFloat(m.get("mean", "0")), std = Float.parseFloat(m.get("std", "1"));
        for (int i = 0; i < px.length; i++) px[i] = (px[i] - mean) / std;
        return new Examples(new Tensor(px, 1, 1, 28, 28), new int[] {-1}, List.of(file.getFileName().toString()), null);
    }

    static List<String> classNames(SavedModel m, int classes) {
        String c = m.metadata().get("classes_names");
        if (c != null) {
            List<String> l = List.of(c.split("\n"));
            if (l.size() == classes) return l;
        }
        List<String> l = new ArrayList<>();
        for (int i = 0; i < classes; i++) l.add("class " + i);
        return l;
    }
}
