package dev.galvani.cli;

import dev.galvani.engine.F;
import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.autodiff.Grad;
import dev.galvani.models.SavedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/** {@code galvani predict}: class probabilities for a sentence or an image. */
@Command(name = "predict", description = "Classify a sentence (--text) or an image (--image PNG, or IDX .gz with --index); prints probabilities.")
final class PredictCommand implements Runnable {
    @Option(names = "--checkpoint", required = true) Path checkpoint;
    @Option(names = "--text") String text;
    @Option(names = "--image") Path image;
    @Option(names = "--index", defaultValue = "0") int index;

    @Override
    public void run() {
        SavedModel m = SavedModel.load(checkpoint);
        Inputs.Examples ex;
        if (Inputs.isText(m)) {
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
        Integer[] order = new Integer[p.size(1)];
        for (int i = 0; i < order.length; i++) order[i] = i;
        java.util.Arrays.sort(order, (a, b) -> Float.compare(p.get(0, b), p.get(0, a)));
        System.out.println(ex.descriptions().get(0));
        for (int c : order) System.out.printf("  %-14s %.4f%n", names.get(c), p.get(0, c));
    }
}
