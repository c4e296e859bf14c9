package dev.galvani.models.data;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;
import dev.galvani.models.SavedModel;
import dev.galvani.models.train.Dataset;

import java.util.ArrayList;
import java.util.List;

/**
 * A checkpoint's own data: the data set it names in its metadata, normalised with its training
 * statistics and encoded with its vocabulary, so that attribution sees the inputs the model was
 * trained on (the command line and the distributed sweeps both read examples through here).
 */
public final class CheckpointData {
    private CheckpointData() {}

    public static boolean isText(SavedModel m) {
        return m.architecture().equals("textcnn");
    }

    public static Vocabulary vocabulary(SavedModel m) {
        String v = m.metadata().get("vocabulary");
        if (v == null) throw new GalvaniException("checkpoint has no vocabulary in its metadata; retrain it with 'galvani train'");
        return Vocabulary.parse(v);
    }

    /** The image data set the checkpoint was trained on: fashion-mnist or generated, else the first that exists. */
    public static DataSets.Images images(SavedModel m, DataSets data) {
        String name = m.get("data", "auto");
        return data.images(name.equals("fashion-mnist") || name.equals("generated") ? name : "auto");
    }

    /** Parses "0-15", "3,7,9" or "5" into indices, each checked against {@code 0..size-1}. */
    public static int[] indices(String spec, int size) {
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

    /** Test-split examples of the checkpoint's data set, by an index list like "0-15". */
    public static Examples testSplit(SavedModel m, DataSets data, String indexSpec, long seed) {
        if (isText(m)) {
            TextDataset test = textSplits(m, data, seed)[1];
            int[] idx = indices(indexSpec, test.size());
            TextDataset sub = test.subset(idx);
            Dataset.Batch b = sub.encoded(vocabulary(m)).batch(Dataset.range(0, idx.length));
            List<String> desc = new ArrayList<>();
            for (String[] t : sub.tokens()) desc.add(String.join(" ", t));
            return new Examples(b.x(), b.y(), desc, sub.tokens());
        }
        ImageDataset test = images(m, data).test();
        return testImages(m, test, indices(indexSpec, test.size()));
    }

    /** Test images at these indices, in the checkpoint's normalisation. */
    public static Examples testImages(SavedModel m, ImageDataset test, int[] idx) {
        for (int i : idx) if (i < 0 || i >= test.size()) throw new GalvaniException("test image " + i + " is outside 0.." + (test.size() - 1) + " of " + test.name());
        Dataset.Batch b = test.batch(idx);
        List<String> desc = new ArrayList<>();
        for (int i = 0; i < idx.length; i++) desc.add("test[" + idx[i] + "] " + test.classNames().get(b.y()[i]));
        return new Examples(renormalise(b.x(), test, m), b.y(), desc, null);
    }

    /** A text checkpoint's train and held-out sentences. */
    public static TextDataset[] textSplits(SavedModel m, DataSets data, long seed) {
        String name = m.get("data", "generated-sentiment");
        return data.text(name.equals("mr") ? "mr" : name, 0, seed);
    }

    /** The mean of the first {@code n} training images, [1, 1, 28, 28], in the checkpoint's normalisation. */
    public static Tensor meanTrainingImage(SavedModel m, DataSets data, int n) {
        ImageDataset train = images(m, data).train();
        int k = Math.min(n, train.size());
        Dataset.Batch b = train.batch(Dataset.range(0, k));
        Tensor x = renormalise(b.x(), train, m);
        float[] mean = new float[784];
        for (int i = 0; i < k; i++) for (int j = 0; j < 784; j++) mean[j] += x.data()[i * 784 + j] / k;
        return new Tensor(mean, 1, 1, 28, 28);
    }

    /** Images are normalised with the checkpoint's training statistics. */
    static Tensor renormalise(Tensor x, ImageDataset d, SavedModel m) {
        float mean = Float.parseFloat(m.get("mean", Float.toString(d.mean()))), std = Float.parseFloat(m.get("std", Float.toString(d.std())));
        if (mean == d.mean() && std == d.std()) return x;
        return new Tensor(ImageDataset.renormalise(x.data(), d.mean(), d.std(), mean, std), x.shape());
    }
}
