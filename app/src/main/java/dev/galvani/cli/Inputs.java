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
import dev.galvani.models.train.Dataset;

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
        return m.isText();
    }

    static Vocabulary vocabulary(SavedModel m) {
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

    /** Held-out examples of {@code spec} (the checkpoint's own, or those the user named: {@link DataOptions#evaluation}). */
    static Examples fromTestSplit(SavedModel m, DataOptions data, String indexSpec, DataSpec spec) {
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
