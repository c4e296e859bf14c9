package dev.galvani.cli;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;
import dev.galvani.models.SavedModel;
import dev.galvani.models.onnx.OnnxFile;
import dev.galvani.models.onnx.OnnxModel;
import dev.galvani.models.onnx.RuntimeParity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** {@code galvani onnx check FILE.onnx}: Galvani's import against ONNX Runtime, output and every node. */
@Command(name = "onnx", description = "Work with ONNX files.", subcommands = {OnnxCommand.Check.class})
final class OnnxCommand {

    @Command(name = "check", description = "Import an ONNX file and compare it with ONNX Runtime on the same input: the largest relative difference "
            + "(max |galvani - ort| / max |ort|) of each output and of every node value. Exits non-zero when one exceeds --tolerance.")
    static final class Check implements Runnable {
        @Parameters(paramLabel = "FILE.onnx", description = "The ONNX file.") Path file;
        @Option(names = "--input", split = ",", description = "Inputs (images, .npy arrays, folders) (default: a random normal batch).") List<Path> input;
        @Option(names = "--batch", description = "Rows of the random batch (default: the model's fixed batch, else 2)") Integer batch;
        @Option(names = "--seed", defaultValue = "0", description = "Seed of the random batch.") long seed;
        @Option(names = "--tolerance", defaultValue = "1e-4", description = "Largest relative difference accepted.") double tolerance;
        @Option(names = "--outputs-only", description = "Compare the outputs only (faster on large nets)") boolean outputsOnly;
        @Mixin ImageOptions imageOptions;

        @Override
        public void run() {
            SavedModel sm = SavedModel.load(file);
            OnnxModel m = sm.onnx();
            if (m == null) throw new GalvaniException(file + ": not an ONNX file");
            Tensor x = RuntimeParity.input(m, input != null ? imageOptions.batch(sm, input).x() : null, batch, seed);
            RuntimeParity.Report r = RuntimeParity.compare(m, OnnxFile.read(file), x, !outputsOnly);
            System.out.print(RuntimeParity.text(r, file, x, tolerance));
            if (r.worst() > tolerance) {
                throw new GalvaniException(file + ": differs from ONNX Runtime by " + String.format(Locale.ROOT, "%.2e", r.worst()) + " relative, above " + tolerance);
            }
        }
    }
}
