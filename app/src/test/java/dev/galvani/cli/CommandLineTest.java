package dev.galvani.cli;

import dev.galvani.models.ModelZoo;
import dev.galvani.models.SavedModel;
import dev.galvani.models.data.DataSpec;
import dev.galvani.models.data.GeneratedImages;
import dev.galvani.models.io.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The command line: success writes what it says; bad input is one line on stderr and exit code 2. */
class CommandLineTest {
    @TempDir static Path dir;
    static Path ckpt, png;

    @BeforeAll static void setUp() throws Exception {
        ckpt = dir.resolve("inc.safetensors");
        DataSpec data = DataSpec.request("generated", false, 0, 0, 0, null).withNormalisation(0.286f, 0.353f, GeneratedImages.CLASSES);
        new SavedModel(ModelZoo.create("inception", Map.of("width", "0.5")), "inception", Map.of("width", "0.5", "classes", "10"), data).save(ckpt);
        BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
        for (int y = 8; y < 20; y++) for (int x = 8; x < 20; x++) img.setRGB(x, y, 0xffffff);
        png = dir.resolve("square.png");
        ImageIO.write(img, "png", png.toFile());
    }

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true));
            System.setErr(new PrintStream(err, true));
            int code = Galvani.run(args);
            return new Run(code, out.toString(), err.toString());
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    static void failsWith(String fragment, String... args) {
        Run r = run(args);
        assertEquals(2, r.code(), r.err());
        String line = r.err().strip();
        assertFalse(line.contains("\n"), "one line: " + line);
        assertFalse(line.contains("Exception") || line.contains("\tat "), "no stack trace: " + line);
        assertTrue(line.contains(fragment), line);
    }

    @Test void conductanceWritesJsonWithDeltas() throws Exception {
        Path out = dir.resolve("c.json");
        Run r = run("conductance", "--checkpoint", ckpt.toString(), "--layer", "inception3a", "--input", png.toString(),
                "--steps", "16", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        @SuppressWarnings("unchecked")
        Map<String, Object> j = (Map<String, Object>) Json.parse(Files.readString(out));
        var ex = (java.util.List<?>) j.get("examples");
        var layer = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) ex.get(0)).get("layers")).get("inception3a");
        assertEquals(56, ((java.util.List<?>) layer.get("per_filter")).size());
        assertTrue(((Number) layer.get("relative_delta")).doubleValue() < 0.1, layer.toString());
    }

    @Test void neuronConductanceWritesNpyJsonAndAReport() throws Exception {
        Path out = dir.resolve("nc");
        Run r = run("neuron-conductance", "--checkpoint", ckpt.toString(), "--layer", "inception4a", "--filters", "0-5,9",
                "--input", png.toString(), "--steps", "4", "--top", "4", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("reverse mode"), r.err());
        byte[] npy = Files.readAllBytes(out.resolve("example-0.npy"));
        assertTrue(new String(npy, 0, 120, java.nio.charset.StandardCharsets.US_ASCII).contains("'shape': (7, 1, 28, 28)"));
        @SuppressWarnings("unchecked")
        Map<String, Object> j = (Map<String, Object>) Json.parse(Files.readString(out.resolve("neuron-conductance.json")));
        assertEquals("reverse", j.get("mode"));
        assertEquals(java.util.List.of(0, 1, 2, 3, 4, 5, 9), ((java.util.List<?>) j.get("indices")).stream().map(o -> ((Number) o).intValue()).toList());
        assertTrue(Files.readString(out.resolve("index.html")).contains("on one colour scale"));
        failsWith("filter 500 out of range for 'inception4a'", "neuron-conductance", "--checkpoint", ckpt.toString(), "--layer", "inception4a",
                "--filters", "500", "--input", png.toString(), "--steps", "2", "--out", dir.resolve("nc2").toString());
        failsWith("give --filters or --units, not both", "neuron-conductance", "--checkpoint", ckpt.toString(), "--layer", "inception4a",
                "--filters", "1", "--units", "2", "--input", png.toString(), "--out", dir.resolve("nc2").toString());
        failsWith("--format must be npy or safetensors", "neuron-conductance", "--checkpoint", ckpt.toString(), "--layer", "inception4a",
                "--format", "csv", "--input", png.toString(), "--out", dir.resolve("nc2").toString());
    }

    @Test void badInputIsOneLineAndExitCode2() throws Exception {
        failsWith("unknown layer 'inception3x'; nearest: inception3a", "conductance", "--checkpoint", ckpt.toString(),
                "--layer", "inception3x", "--input", png.toString(), "--out", dir.resolve("x.json").toString());
        failsWith("steps must be at least 1", "conductance", "--checkpoint", ckpt.toString(), "--layer", "inception3a",
                "--input", png.toString(), "--steps", "0", "--out", dir.resolve("x.json").toString());
        failsWith("no such file", "eval", "--checkpoint", dir.resolve("missing.safetensors").toString());
        Path bad = dir.resolve("bad.safetensors");
        Files.write(bad, new byte[] {1, 2, 3});
        failsWith("too short", "predict", "--checkpoint", bad.toString(), "--image", png.toString());
        BufferedImage small = new BufferedImage(10, 10, BufferedImage.TYPE_INT_RGB);
        Path smallPng = dir.resolve("small.png");
        ImageIO.write(small, "png", smallPng.toFile());
        failsWith("the model expects 28x28", "predict", "--checkpoint", ckpt.toString(), "--image", smallPng.toString());
        failsWith("--epochs must be at least 1", "train", "--model", "inception", "--data", "generated", "--epochs", "0", "--out", dir.resolve("t.safetensors").toString());
        failsWith("--dim, --dropout and --max-norm apply to the text CNN only", "train", "--model", "inception", "--data", "generated",
                "--max-norm", "3", "--out", dir.resolve("t.safetensors").toString());
        failsWith("--grid must be at least 3", "study", "selectivity", "--grid", "2");
        failsWith("training sizes per side must be positive and ascending", "study", "feature-selection", "--checkpoint", ckpt.toString(),
                "--train-per-side", "10,5");
        failsWith("unknown ablation mode 'half'", "ablate", "--checkpoint", ckpt.toString(), "--layer", "inception3a", "--units", "1", "--mode", "half");
        failsWith("unknown model 'lenet'", "model", "show", "lenet");
        failsWith("unknown --method 'simpson'", "conductance", "--checkpoint", ckpt.toString(), "--layer", "inception3a", "--input", png.toString(),
                "--method", "simpson", "--out", dir.resolve("x.json").toString());
    }

    @Test void anUnexpectedErrorIsOneLineWithAHintAndItsTraceOnlyWhenDebugging() {
        java.io.StringWriter quiet = new java.io.StringWriter(), loud = new java.io.StringWriter();
        RuntimeException bug = new IllegalStateException("index 3\nout of range", new ArithmeticException("/ by zero"));
        assertEquals(1, Galvani.report(bug, new java.io.PrintWriter(quiet), false));
        assertEquals("galvani: unexpected error ArithmeticException: / by zero (a bug; rerun with --debug or GALVANI_DEBUG=1 for the stack trace)",
                quiet.toString().strip());
        assertEquals(1, Galvani.report(new StackOverflowError(), new java.io.PrintWriter(loud), true));
        assertTrue(loud.toString().contains("\tat "), "--debug prints the stack trace");
        assertTrue(loud.toString().strip().endsWith("galvani: unexpected error StackOverflowError"), loud.toString());
        // --debug is accepted by every command, and bad input stays one line with it
        Run r = run("eval", "--debug", "--checkpoint", dir.resolve("missing.safetensors").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("galvani: checkpoint ") && r.err().contains("no such file"), r.err());
    }

    @Test void cudaWithoutAGpuSaysWhatIsMissing() {
        org.junit.jupiter.api.Assumptions.assumeFalse(dev.galvani.kernels.cuda.Cuda.availability().available(), "a GPU is present");
        failsWith("--device cuda: ", "bench", "conductance", "--device", "cuda");
    }

    @Test void predictPrintsProbabilities() {
        Run r = run("predict", "--checkpoint", ckpt.toString(), "--image", png.toString());
        assertEquals(0, r.code(), r.err());
        double sum = 0;
        for (String line : r.out().split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length >= 2 && parts[parts.length - 1].matches("[0-9.]+")) sum += Double.parseDouble(parts[parts.length - 1]);
        }
        assertEquals(1.0, sum, 1e-3, r.out());
    }
}
