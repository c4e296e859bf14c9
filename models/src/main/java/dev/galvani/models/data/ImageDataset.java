package dev.galvani.models.data;

import dev.galvani.engine.Tensor;
import dev.galvani.models.train.Dataset;

import java.util.List;

/**
 * Grayscale images [N, 1, H, W], normalised as {@code (pixel/255 − mean) / std} with the training
 * split's statistics, and their labels.
 */
public record ImageDataset(String name, float[] images, int[] labels, int height, int width,
                           List<String> classNames, float mean, float std) implements Dataset {

    @Override public int size() {
        return labels.length;
    }

    @Override public int classes() {
        return classNames.size();
    }

    @Override public Batch batch(int[] indices) {
        int per = height * width;
        float[] x = new float[indices.length * per];
        int[] y = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(images, indices[i] * per, x, i * per, per);
            y[i] = labels[indices[i]];
        }
        return new Batch(new Tensor(x, indices.length, 1, height, width), y);
    }

    /** The first {@code n} examples (or all). */
    public ImageDataset head(int n) {
        return subset(Dataset.range(0, Math.min(n, size())));
    }

    public ImageDataset subset(int[] idx) {
        Batch b = batch(idx);
        return new ImageDataset(name, b.x().data(), b.y(), height, width, classNames, mean, std);
    }

    /** The same pixels normalised with other statistics (a test split takes the training split's). */
    public ImageDataset renormalised(float newMean, float newStd) {
        float[] d = new float[images.length];
        for (int i = 0; i < d.length; i++) d[i] = ((images[i] * std + mean) - newMean) / newStd;
        return new ImageDataset(name, d, labels, height, width, classNames, newMean, newStd);
    }
}
