package dev.galvani.cli;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Rng;
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
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** {@code galvani onnx check FILE.onnx}: Galvani's import against ONNX Runtime, output and every node. */
@Command(name = "onnx", description = "Work with ONNX files.", subcommands = {OnnxCommand.Check.class})
final class OnnxCommand {

    @Command(name = "check", description = "Import an ONNX file and compare it with ONNX Runtime on the same input: the largest relative difference "
            + "(max |galvani - ort| / max |ort|) of each output and of every node value. Exits non-zero when one exceeds --tolerance.")
    static final class Check implements Runnable {
        @Parameters(paramLabel = "FILE.onnx") Path file;
        @Option(names = "--input", split = ",", description = "Inputs (images, .npy, folders); default: a random normal batch") List<Path> input;
        @Option(names = "--batch", description = "Rows of the random batch (default: the model's fixed batch, else 2)") Integer batch;
        @Option(names = "--seed", defaultValue = "0") long seed;
        @Option(names = "--tolerance", defaultValue = "1e-4", description = "Largest relative difference accepted (default ${DEFAULT-VALUE})") double tolerance;
        @Option(names = "--outputs-only", description = "Compare the outputs only (faster on large nets)") boolean outputsOnly;
        @Mixin ImageOptions imageOptions;

        @Override
        public void run() {
            SavedModel sm = SavedModel.load(file);
            OnnxModel m = sm.onnx();
            if (m == null) throw new GalvaniException(file + ": not an ONNX file");
            int fixed = m.inputShape()[0];
            int rows = batch != null ? batch : fixed > 0 ? fixed : 2;
            if (rows < 1) throw new GalvaniException("--batch must be at least 1, got " + rows);
            Tensor x = input != null ? Inputs.files(sm, input, imageOptions).x() : randomInput(m, rows, seed);
            if (fixed > 0 && x.size(0) != fixed) {
                throw new GalvaniException(file + " declares a fixed batch of " + fixed + " and ONNX Runtime accepts only that; give "
                        + fixed + " inputs, or export with a dynamic batch axis");
            }
            RuntimeParity.Report r = RuntimeParity.compare(m, OnnxFile.read(file), x, !outputsOnly);
            System.out.printf(Locale.ROOT, "%s: %d node values and %d outputs compared on input %s%n", file, r.nodes().size(), r.outputs().size(), x.shapeString());
            System.out.printf(Locale.ROOT, "%-48s %-22s %12s%n", "node", "shape", "rel. diff.");
            for (RuntimeParity.Difference d : r.nodes()) print(d);
            for (RuntimeParity.Difference d : r.outputs()) print(d);
            double worstNode = r.nodes().stream().mapToDouble(RuntimeParity.Difference::relative).max().orElse(0);
            System.out.printf(Locale.ROOT, "largest relative difference: outputs %.2e, nodes %.2e (tolerance %.0e)%n", r.worstOutput(), worstNode, tolerance);
            if (r.worst() > tolerance) {
                throw new GalvaniException(file + ": differs from ONNX Runtime by " + String.format(Locale.ROOT, "%.2e", r.worst()) + " relative, above " + tolerance);
            }
        }

        private static void print(RuntimeParity.Difference d) {
            String shape = d.shape() == null ? "?" : Arrays.toString(d.shape()).replace(" ", "");
            System.out.printf(Locale.ROOT, "%-48s %-22s %12.2e%n", d.node(), shape, d.relative());
        }
    }

    /** Standard normal images, or token ids in 1..99 for a text model, of the declared shape. */
    static Tensor randomInput(OnnxModel m, int batch, long seed) {
        Tensor x = m.exampleInput(batch);
        Rng rng = new Rng(seed);
        float[] d = x.data();
        for (int i = 0; i < d.length; i++) d[i] = m.integerInput() ? 1 + rng.nextInt(99) : (float) rng.gaussian();
        return x;
    }
}
