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

    /** The mean of the first {@code n} images (or all), [1, 1, H, W]: a baseline for attribution. */
    public Tensor meanImage(int n) {
        int k = Math.min(n, size()), per = height * width;
        float[] mean = new float[per];
        for (int i = 0; i < k; i++) for (int j = 0; j < per; j++) mean[j] += images[i * per + j] / k;
        return new Tensor(mean, 1, 1, height, width);
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
        return new ImageDataset(name, renormalise(images, mean, std, newMean, newStd), labels, height, width, classNames, newMean, newStd);
    }

    /** Pixels normalised with (mean, std) re-expressed with (newMean, newStd); a copy. */
    public static float[] renormalise(float[] x, float mean, float std, float newMean, float newStd) {
        float[] d = new float[x.length];
        for (int i = 0; i < d.length; i++) d[i] = ((x[i] * std + mean) - newMean) / newStd;
        return d;
    }
}
