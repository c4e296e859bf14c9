package dev.galvani.models.data;

import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;
import dev.galvani.models.train.Dataset;

import java.util.ArrayList;
import java.util.List;

/**
 * Tokenised sentences with labels. A batch pads its sentences with 0 to the longest one, but to at
 * least {@link #MIN_WIDTH} (the widest filter of the text CNN), as token ids held in a float tensor.
 */
public record TextDataset(String name, List<String[]> tokens, int[] labels, List<String> classNames) {
    public static final int MIN_WIDTH = 5;

    public int size() {
        return labels.length;
    }

    /** The data set encoded with a vocabulary, ready for training: a batch pads to its longest sentence (at least {@link #MIN_WIDTH}). */
    public Dataset encoded(Vocabulary vocab) {
        return encoded(vocab, 0);
    }

    /**
     * The data set encoded with a vocabulary, every sentence padded (or cut) to exactly {@code length}
     * tokens, so that every example gives layer outputs of one shape; {@code 0} pads each batch to
     * its longest sentence instead.
     */
    public Dataset encoded(Vocabulary vocab, int length) {
        if (length < 0) throw new dev.galvani.engine.GalvaniException("sentence length must be at least 0, got " + length);
        int[][] ids = new int[tokens.size()][];
        for (int i = 0; i < ids.length; i++) ids[i] = vocab.encode(tokens.get(i));
        TextDataset self = this;
        return new Dataset() {
            @Override public int size() { return self.size(); }
            @Override public int classes() { return classNames.size(); }
            @Override public Batch batch(int[] idx) {
                int t = length;
                if (length == 0) {
                    t = MIN_WIDTH;
                    for (int i : idx) t = Math.max(t, ids[i].length);
                }
                float[] x = new float[idx.length * t];
                int[] y = new int[idx.length];
                for (int r = 0; r < idx.length; r++) {
                    int[] s = ids[idx[r]];
                    for (int j = 0; j < Math.min(t, s.length); j++) x[r * t + j] = s[j];
                    y[r] = labels[idx[r]];
                }
                return new Batch(new Tensor(x, idx.length, t), y);
            }
        };
    }

    /** The number of tokens of the longest sentence. */
    public int longest() {
        int t = 0;
        for (String[] s : tokens) t = Math.max(t, s.length);
        return t;
    }

    public TextDataset subset(int[] idx) {
        List<String[]> t = new ArrayList<>();
        int[] y = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            t.add(tokens.get(idx[i]));
            y[i] = labels[idx[i]];
        }
        return new TextDataset(name, t, y, classNames);
    }

    /** A seeded split: the first part holds {@code 1 − heldOut} of the examples. */
    public TextDataset[] split(double heldOut, long seed) {
        int[] p = new Rng(seed).permutation(size());
        int cut = (int) Math.round(size() * (1 - heldOut));
        return new TextDataset[] {subset(java.util.Arrays.copyOfRange(p, 0, cut)), subset(java.util.Arrays.copyOfRange(p, cut, p.length))};
    }

    /** Seeded {@code k}-fold cross-validation: fold {@code f} is the test part. */
    public TextDataset[] fold(int f, int k, long seed) {
        if (f < 0 || f >= k) throw new dev.galvani.engine.GalvaniException("--fold " + f + " is outside 0.." + (k - 1));
        int[] p = new Rng(seed).permutation(size());
        int lo = (int) ((long) size() * f / k), hi = (int) ((long) size() * (f + 1) / k);
        int[] test = java.util.Arrays.copyOfRange(p, lo, hi);
        int[] train = new int[size() - test.length];
        System.arraycopy(p, 0, train, 0, lo);
        System.arraycopy(p, hi, train, lo, size() - hi);
        return new TextDataset[] {subset(train), subset(test)};
    }
}
