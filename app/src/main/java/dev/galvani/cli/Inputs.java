package dev.galvani.cli;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;
import dev.galvani.models.SavedModel;
import dev.galvani.models.data.FashionMnist;
import dev.galvani.models.data.ImageDataset;
import dev.galvani.models.data.TextDataset;
import dev.galvani.models.data.Tokenizer;
import dev.galvani.models.data.Vocabulary;
import dev.galvani.models.train.Dataset;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Turns what the user names (a checkpoint's data set and indices, an image file, a sentence) into model inputs. */
final class Inputs {
    private Inputs() {}

    /** Examples to attribute, with their labels (−1 when unknown) and a text form for reports. */
    record Examples(Tensor x, int[] labels, List<String> descriptions, List<String[]> tokens) {}

    static boolean isText(SavedModel m) {
        return m.architecture().equals("textcnn");
    }

    static Vocabulary vocabulary(SavedModel m) {
        String v = m.metadata().get("vocabulary");
        if (v == null) throw new GalvaniException("checkpoint has no vocabulary in its metadata; retrain it with 'galvani train'");
        return Vocabulary.parse(v);
    }

    /** Parses "0-15", "3,7,9" or "5" for --indices. */
    static int[] indices(String spec, int size) {
        return indices("--indices", spec, size);
    }

    /** Parses "0-15", "3,7,9" or "5" for the named option; every index must lie in 0..size-1. */
    static int[] indices(String option, String spec, int size) {
        List<Integer> out = new ArrayList<>();
        for (String part : spec.split(",")) {
            String p = part.trim();
            try {
                if (p.contains("-")) {
                    String[] ab = p.split("-");
                    int a = Integer.parseInt(ab[0].trim()), b = Integer.parseInt(ab[1].trim());
                    if (b < a) throw new GalvaniException(option + " range '" + p + "' is empty");
                    for (int i = a; i <= b; i++) out.add(i);
                } else {
                    out.add(Integer.parseInt(p));
                }
            } catch (NumberFormatException e) {
                throw new GalvaniException(option + " '" + spec + "' is not a list like 0-15 or 3,7,9");
            }
        }
        for (int i : out) if (i < 0 || i >= size) throw new GalvaniException(option + ": " + i + " is outside 0.." + (size - 1));
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Test-split examples of the checkpoint's data set. */
    static Examples fromTestSplit(SavedModel m, DataOptions data, String indexSpec, long seed) {
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
