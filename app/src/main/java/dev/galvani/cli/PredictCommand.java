package dev.galvani.cli;

import dev.galvani.models.ModelInputs;
import dev.galvani.models.data.Examples;
import dev.galvani.engine.GalvaniException;
import dev.galvani.models.Predictions;
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
    @Mixin ResultOutput output;

    @Override
    public void run() {
        SavedModel m = SavedModel.load(checkpoint);
        Examples ex;
        if (input != null || (m.onnx() != null && image != null)) {
            ex = imageOptions.batch(m, input != null ? input : List.of(image));
        } else if (m.onnx() != null) {
            throw new GalvaniException(checkpoint + ": give inputs with --input (images, .npy arrays or a folder of them)");
        } else if (m.isText()) {
            if (text == null) throw new GalvaniException("this is a text model: give --text \"a sentence\"");
            ex = ModelInputs.sentences(m, List.of(text));
        } else {
            if (image == null) throw new GalvaniException("this is an image model: give --image FILE (28x28 PNG, or IDX .gz with --index)");
            ex = imageOptions.files(m, List.of(image), Integer.toString(index));
        }
        Predictions p = Predictions.of(m.model(), ex.x(), ex.descriptions(), ModelInputs.classNames(m));
        output.emit(p.text(top), p.json());
    }
}
