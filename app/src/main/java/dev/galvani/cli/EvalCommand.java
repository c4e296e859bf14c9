package dev.galvani.cli;

import dev.galvani.kernels.Device;
import dev.galvani.engine.GalvaniException;
import dev.galvani.models.ModelInputs;
import dev.galvani.models.SavedModel;
import dev.galvani.models.data.DataSpec;
import dev.galvani.models.data.Splits;
import dev.galvani.models.train.Evaluation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;

/** {@code galvani eval}: {@link Evaluation} of a checkpoint on its held-out split, a labelled file or a labelled folder. */
@Command(name = "eval", description = "Accuracy and confusion matrix on the held-out part of the checkpoint's data set, or on a labelled file or folder (--input).")
final class EvalCommand implements Runnable {
    @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "The model: a Galvani checkpoint (.safetensors) or an ONNX file.") Path checkpoint;
    @Option(names = "--data", description = "Data set to score (default: the one the checkpoint was trained on).") String data;
    @Option(names = "--input", paramLabel = "PATH",
            description = "Score this instead: a folder with one subfolder of images (or .npy arrays) per class, in sorted order (torchvision's ImageFolder); "
                    + "an IDX images file (with --labels); or, for a text model, a TSV 'label<TAB>sentence' with a header.") Path input;
    @Option(names = "--labels", paramLabel = "FILE", description = "The IDX labels file of --input's IDX images.") Path labels;
    @Option(names = "--batch", defaultValue = "16", description = "Inputs per forward pass when --input is a folder.") int batch;
    @Option(names = "--fold", description = "MR fold to score (default: the checkpoint's held-out fold; another fold of its data set is refused).") Integer fold;
    @Option(names = "--seed", description = "Split seed (default: the checkpoint's; another seed of its data set is refused).") Long seed;
    @Mixin ResultOutput output;
    @Mixin DataOptions dataOptions;
    @Mixin ImageOptions imageOptions;
    @Mixin DeviceOption device;

    @Override
    public void run() {
        Device where = device.install();
        SavedModel m = SavedModel.load(checkpoint);
        m.model().to(where);
        Evaluation e;
        if (input != null && (data != null || fold != null || seed != null)) throw new GalvaniException("--input scores that file; --data, --fold and --seed do not apply");
        if (input != null && Files.isDirectory(input)) {
            e = imageOptions.evaluate(m, input, batch);
        } else if (input != null) {
            e = Evaluation.of(m.model(), ModelInputs.labelledFile(m, input, labels), input.toString(), m.data().classNames());
        } else {
            if (m.onnx() != null && !ModelInputs.fitsImageData(m)) {
                throw new GalvaniException(checkpoint + ": an ONNX model carries no data set; give --input DIR (one subfolder of images per class)");
            }
            DataSpec spec = dataOptions.evaluation(m, checkpoint, data, fold, seed);
            e = Evaluation.of(m.model(), Splits.heldOut(spec, dataOptions.dataDir, "checkpoint " + checkpoint), "the held-out part of " + spec.describe(), spec.classNames());
        }
        output.emit(e.text(), e.json());
    }
}
