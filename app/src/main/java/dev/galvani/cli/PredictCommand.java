package dev.galvani.cli;

import dev.galvani.engine.F;
import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.autodiff.Grad;
import dev.galvani.models.SavedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/** {@code galvani predict}: class probabilities for a sentence or an image. */
@Command(name = "predict", description = "Classify a sentence (--text), an image (--image PNG, or IDX .gz with --index), or any inputs (--input images, .npy, folders); prints probabilities.")
final class PredictCommand implements Runnable {
    @Option(names = "--checkpoint", required = true, description = "A Galvani checkpoint or an ONNX file") Path checkpoint;
    @Option(names = "--text") String text;
    @Option(names = "--image") Path image;
    @Option(names = "--index", defaultValue = "0") int index;
    @Option(names = "--input", split = ",", description = "Image files (resized and centre-cropped to the model's input), .npy arrays or folders of them") List<Path> input;
    @Option(names = "--top", defaultValue = "5", description = "Classes listed per input when there are more than 10 (default ${DEFAULT-VALUE})") int top;
    @Mixin ImageOptions imageOptions;

    @Override
    public void run() {
        SavedModel m = SavedModel.load(checkpoint);
        Inputs.Examples ex;
        if (input != null || (m.onnx() != null && image != null)) {
            ex = Inputs.files(m, input != null ? input : List.of(image), imageOptions);
        } else if (m.onnx() != null) {
            throw new GalvaniException(checkpoint + ": give inputs with --input (images, .npy arrays or a folder of them)");
        } else if (Inputs.isText(m)) {
            if (text == null) throw new GalvaniException("this is a text model: give --text \"a sentence\"");
            ex = Inputs.sentences(m, List.of(text));
        } else {
            if (image == null) throw new GalvaniException("this is an image model: give --image FILE (28x28 PNG, or IDX .gz with --index)");
            ex = Inputs.imageFile(m, image, index);
        }
        Tensor p;
        try (Grad.Scope s = Grad.off()) {
            p = F.softmax(m.model().call(ex.x()), 1);
        }
        List<String> names = Inputs.classNames(m, p.size(1));
        int shown = p.size(1) > 10 ? Math.max(1, Math.min(top, p.size(1))) : p.size(1);
        for (int r = 0; r < p.size(0); r++) {
            int row = r;
            Integer[] order = new Integer[p.size(1)];
            for (int i = 0; i < order.length; i++) order[i] = i;
            java.util.Arrays.sort(order, (a, b) -> Float.compare(p.get(row, b), p.get(row, a)));
            System.out.println(ex.descriptions().get(r));
            for (int k = 0; k < shown; k++) System.out.printf("  %-14s %.4f%n", names.get(order[k]), p.get(r, order[k]));
        }
    }
}
