package dev.galvani.models.train;

import dev.galvani.engine.Tensor;

/** What training and evaluation need of a labelled data set: sized, and batched by index. */
public interface Dataset {
    int size();

    int classes();

    /** The examples at these indices as one input tensor and their labels. */
    Batch batch(int[] indices);

    /** Every example's label (data sets that hold them override this). */
    default int[] labels() {
        int[] y = new int[size()];
        for (int s = 0; s < size(); s += 1024) {
            int[] b = batch(range(s, Math.min(size(), s + 1024))).y();
            System.arraycopy(b, 0, y, s, b.length);
        }
        return y;
    }

    record Batch(Tensor x, int[] y) {}

    /** Indices {@code from..to-1}. */
    static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) r[i] = from + i;
        return r;
    }
}
