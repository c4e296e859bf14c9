package dev.galvani.cli;

import dev.galvani.engine.GalvaniException;
import dev.galvani.models.ModelInputs;
import dev.galvani.models.Predictions;
import dev.galvani.models.SavedModel;
import dev.galvani.models.data.Examples;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/** {@code galvani predict}: class probabilities ({@link Predictions}) for sentences or input files. */
@Command(name = "predict", description = "Classify sentences (--text) or inputs (--input: images, .npy arrays, folders, an IDX file); prints each one's class probabilities.")
final class PredictCommand implements Runnable {
    @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "The model: a Galvani checkpoint (.safetensors) or an ONNX file.") Path checkpoint;
    @Option(names = "--text", paramLabel = "SENTENCE", description = "A sentence (text models); repeat for several.") List<String> text;
    @Option(names = "--input", split = ",", paramLabel = "FILE",
            description = "Image files (resized and centre-cropped to the model's input), .npy arrays or folders of them; for the built-in nets also a 28x28 PNG or an IDX images file.")
    List<Path> input;
    @Option(names = "--indices", defaultValue = "0", paramLabel = "LIST", description = "Which images of an IDX file given with --input, like 0-15 or 3,7,9.") String indices;
    @Option(names = "--top", defaultValue = "5", description = "Classes listed per input when the model has more than 10.") int top;
    @Mixin ImageOptions imageOptions;
    @Mixin ResultOutput output;

    @Override
    public void run() {
        SavedModel m = SavedModel.load(checkpoint);
        Examples ex;
        if (text != null) ex = ModelInputs.sentences(m, text);
        else if (input != null) ex = imageOptions.files(m, input, indices);
        else throw new GalvaniException("give " + (m.isText() ? "--text \"a sentence\"" : "--input FILE (images, .npy arrays or a folder of them)"));
        Predictions p = Predictions.of(m.model(), ex.x(), ex.descriptions(), ModelInputs.classNames(m));
        output.emit(p.text(top), p.json());
    }
}
