package dev.galvani.cli;

import dev.galvani.models.ModelInputs;
import dev.galvani.models.SavedModel;
import dev.galvani.models.data.Examples;
import dev.galvani.models.train.Evaluation;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/** How image files become inputs: {@code --mean}, {@code --std}, {@code --resize} (recorded in the outputs). */
final class ImageOptions {
    @Option(names = "--mean", split = ",", paramLabel = "M", description = "Per-channel mean subtracted from pixels in [0, 1] (default: ImageNet's for 3 channels, else 0)")
    List<Float> mean;
    @Option(names = "--std", split = ",", paramLabel = "S", description = "Per-channel standard deviation (default: ImageNet's for 3 channels, else 1)")
    List<Float> std;
    @Option(names = "--resize", paramLabel = "PX", description = "Shorter side images are resized to (bilinear, antialiased) before the centre crop (default: input size x 256/224)")
    Integer resize;

    /** The files named (a single PNG or IDX file read as the training data were, for the built-in nets), as one batch: {@link ModelInputs#files}. */
    Examples files(SavedModel m, List<Path> files, String indices) {
        return ModelInputs.files(m, files, indices, resize, floats(mean), floats(std));
    }

    /** Files of any number and format as one batch: {@link ModelInputs#batch}. */
    Examples batch(SavedModel m, List<Path> files) {
        return ModelInputs.batch(m, files, resize, floats(mean), floats(std));
    }

    /** A labelled folder scored with these settings: {@link Evaluation#ofFolder}. */
    Evaluation evaluate(SavedModel m, Path folder, int batch) {
        return Evaluation.ofFolder(m, folder, batch, resize, floats(mean), floats(std));
    }

    private static float[] floats(List<Float> l) {
        if (l == null) return null;
        float[] f = new float[l.size()];
        for (int i = 0; i < f.length; i++) f[i] = l.get(i);
        return f;
    }
}
