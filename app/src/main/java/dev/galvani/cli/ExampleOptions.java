package dev.galvani.cli;

import dev.galvani.models.ModelInputs;
import dev.galvani.models.SavedModel;
import dev.galvani.models.data.Examples;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/**
 * The model and the examples a command runs on: {@code --checkpoint}, then {@code --text}
 * sentences, {@code --input} files, or held-out examples of the checkpoint's data set by
 * {@code --indices} ({@link ModelInputs}).
 */
final class ExampleOptions {
    @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "The model: a Galvani checkpoint (.safetensors, from 'galvani train') or an ONNX file.")
    Path checkpoint;

    @Option(names = "--indices", defaultValue = "0-7", paramLabel = "LIST",
            description = "Which examples, like 0-15 or 3,7,9: of the held-out part of the checkpoint's data set, or of an IDX images file given with --input.")
    String indices;

    @Option(names = "--input", split = ",", paramLabel = "FILE",
            description = "Inputs instead of the held-out examples: image files (resized and centre-cropped to the model's input), .npy arrays, or folders of them; "
                    + "for the built-in nets also a 28x28 PNG or an IDX images file (with --indices).")
    List<Path> input;

    @Option(names = "--text", paramLabel = "SENTENCE", description = "A sentence instead (text models); repeat for several.")
    List<String> text;

    @Option(names = "--seed", description = "Split seed of the held-out examples (default: the checkpoint's own; another is refused).")
    Long seed;

    @Mixin ImageOptions images;

    SavedModel load() {
        return SavedModel.load(checkpoint);
    }

    /** The examples named by --text, --input or --indices. */
    Examples examples(SavedModel m, DataOptions data) {
        if (text != null) return ModelInputs.sentences(m, text);
        if (input != null) return images.files(m, input, indices);
        if (m.onnx() != null && !ModelInputs.fitsImageData(m)) throw ModelInputs.noDataSet(checkpoint);
        return ModelInputs.heldOut(m, data.dataDir, indices, data.evaluation(m, checkpoint, null, null, seed));
    }
}
