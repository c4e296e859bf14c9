package dev.galvani.cli;

import dev.galvani.models.io.Preprocessing;
import picocli.CommandLine.Option;

import java.util.List;

/** How image files become inputs: {@code --mean}, {@code --std}, {@code --resize} (recorded in the outputs). */
final class ImageOptions {
    @Option(names = "--mean", split = ",", paramLabel = "M", description = "Per-channel mean subtracted from pixels in [0, 1] (default: ImageNet's for 3 channels, else 0)")
    List<Float> mean;
    @Option(names = "--std", split = ",", paramLabel = "S", description = "Per-channel standard deviation (default: ImageNet's for 3 channels, else 1)")
    List<Float> std;
    @Option(names = "--resize", paramLabel = "PX", description = "Shorter side images are resized to (bilinear, antialiased) before the centre crop (default: input size x 256/224)")
    Integer resize;

    Preprocessing preprocessing(int channels) {
        return Preprocessing.of(channels, resize, floats(mean), floats(std));
    }

    /** With another default normalisation (a checkpoint's own) where --mean or --std is not given. */
    Preprocessing preprocessing(int channels, float defaultMean, float defaultStd) {
        return Preprocessing.of(channels, resize, mean != null ? floats(mean) : new float[] {defaultMean},
                std != null ? floats(std) : new float[] {defaultStd});
    }

    private static float[] floats(List<Float> l) {
        if (l == null) return null;
        float[] f = new float[l.size()];
        for (int i = 0; i < f.length; i++) f[i] = l.get(i);
        return f;
    }
}
