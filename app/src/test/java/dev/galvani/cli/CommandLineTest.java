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
        Path out = dir.resolve("c");
        Run r = run("conductance", "--checkpoint", ckpt.toString(), "--layer", "inception3a", "--input", png.toString(),
                "--steps", "16", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("square.png: target "), r.out());
        @SuppressWarnings("unchecked")
        Map<String, Object> j = (Map<String, Object>) Json.parse(Files.readString(out.resolve("attribution.json")));
        assertEquals(1, ((Number) j.get("schema_version")).intValue());
        var ex = (java.util.List<?>) j.get("examples");
        var layer = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) ex.get(0)).get("layers")).get("inception3a");
        assertEquals(56, ((java.util.List<?>) layer.get("per_filter")).size());
        assertTrue(((Number) layer.get("relative_delta")).doubleValue() < 0.1, layer.toString());
        assertTrue(Files.isRegularFile(out.resolve("index.html")));
        failsWith("--out names a folder", "conductance", "--checkpoint", ckpt.toString(), "--layer", "inception3a", "--input", png.toString(),
                "--out", dir.resolve("c.json").toString());
        Files.writeString(dir.resolve("notes.txt"), "mine");
        failsWith("is a file", "conductance", "--checkpoint", ckpt.toString(), "--layer", "inception3a", "--input", png.toString(),
                "--out", dir.resolve("notes.txt").toString());
        assertEquals("mine", Files.readString(dir.resolve("notes.txt")));
    }

    @Test void igOnASentencePrintsEveryWordWithItsScore() throws Exception {
        var vocab = dev.galvani.models.data.Vocabulary.build(java.util.List.of(new String[][] {{"not", "a", "bad", "film", "at", "all"}}), 1, 100);
        Path text = dir.resolve("text.safetensors");
        new SavedModel(ModelZoo.create("textcnn", Map.of("vocab", Integer.toString(vocab.size()), "dim", "8", "filters", "4", "seed", "1")), "textcnn",
                Map.of("vocab", Integer.toString(vocab.size()), "dim", "8", "filters", "4", "classes", "2", "vocabulary", vocab.serialise(),
                        "classes_names", "negative\npositive")).save(text);
        Run r = run("ig", "--checkpoint", text.toString(), "--text", "not a bad film at all", "--json");
        assertEquals(0, r.code(), r.err());
        @SuppressWarnings("unchecked")
        Map<String, Object> j = (Map<String, Object>) Json.parse(r.out());
        var input = (Map<?, ?>) ((Map<?, ?>) ((java.util.List<?>) j.get("examples")).get(0)).get("input");
        assertEquals(java.util.List.of("not", "a", "bad", "film", "at", "all"), input.get("tokens"));
        double sum = 0;
        for (Object o : (java.util.List<?>) input.get("token_scores")) sum += ((Number) o).doubleValue();
        assertEquals(((Number) input.get("total")).doubleValue(), sum, 1e-6);
        Run plain = run("ig", "--checkpoint", text.toString(), "--text", "not a bad film at all");
        assertEquals(0, plain.code(), plain.err());
        for (String w : new String[] {"not", "a", "bad", "film", "at", "all"}) assertTrue(plain.out().matches("(?s).*\\n    " + w + " +[+-]\\d\\.\\d{4}\\n.*"), plain.out());
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
                "--layer", "inception3x", "--input", png.toString(), "--out", dir.resolve("x").toString());
        failsWith("steps must be at least 1", "conductance", "--checkpoint", ckpt.toString(), "--layer", "inception3a",
                "--input", png.toString(), "--steps", "0", "--out", dir.resolve("x").toString());
        failsWith("no such file", "eval", "--checkpoint", dir.resolve("missing.safetensors").toString());
        Path bad = dir.resolve("bad.safetensors");
        Files.write(bad, new byte[] {1, 2, 3});
        failsWith("too short", "predict", "--checkpoint", bad.toString(), "--input", png.toString());
        BufferedImage small = new BufferedImage(10, 10, BufferedImage.TYPE_INT_RGB);
        Path smallPng = dir.resolve("small.png");
        ImageIO.write(small, "png", smallPng.toFile());
        failsWith("the model expects 28x28", "predict", "--checkpoint", ckpt.toString(), "--input", smallPng.toString());
        failsWith("--epochs must be at least 1", "train", "--model", "inception", "--data", "generated", "--epochs", "0", "--out", dir.resolve("t.safetensors").toString());
        failsWith("--dim, --dropout and --max-norm apply to the text CNN only", "train", "--model", "inception", "--data", "generated",
                "--max-norm", "3", "--out", dir.resolve("t.safetensors").toString());
        failsWith("--grid must be at least 3", "study", "selectivity", "--grid", "2");
        failsWith("training sizes per side must be positive and ascending", "study", "feature-selection", "--checkpoint", ckpt.toString(),
                "--train-per-side", "10,5");
        failsWith("unknown ablation mode 'half'", "ablate", "--checkpoint", ckpt.toString(), "--layer", "inception3a", "--filters", "1", "--mode", "half");
        failsWith("unknown model 'lenet'", "model", "show", "lenet");
        failsWith("unknown --method 'simpson'", "conductance", "--checkpoint", ckpt.toString(), "--layer", "inception3a", "--input", png.toString(),
                "--method", "simpson", "--out", dir.resolve("x").toString());
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

    @Test void runningOutOfMemoryNamesTheHeapAndOptionsThatExist() {
        java.io.StringWriter w = new java.io.StringWriter();
        assertEquals(3, Galvani.report(new OutOfMemoryError("Java heap space"), new java.io.PrintWriter(w), false));
        String line = w.toString().strip();
        assertEquals(1, line.lines().count(), line);
        assertTrue(line.startsWith("galvani: out of memory in a heap of at most " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB;"), line);
        // every option the line suggests is one a command has
        assertTrue(run("study", "interactions", "--help").out().contains("--readout-memory"), "study interactions --readout-memory");
        assertTrue(line.contains("--readout-memory") && line.contains("--batch") && !line.contains("--max-memory"), line);
    }

    @Test void cudaWithoutAGpuSaysWhatIsMissing() {
        org.junit.jupiter.api.Assumptions.assumeFalse(dev.galvani.kernels.cuda.Cuda.availability().available(), "a GPU is present");
        failsWith("--device cuda: ", "bench", "conductance", "--device", "cuda");
    }

    @Test void resultsAsJsonOnStdoutAndInAFile() throws Exception {
        Path out = dir.resolve("p.json");
        Run r = run("predict", "--checkpoint", ckpt.toString(), "--input", png.toString(), "--json", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(Json.parse(r.out()), Json.parse(Files.readString(out)));
        var input = (Map<?, ?>) ((java.util.List<?>) ((Map<?, ?>) Json.parse(r.out())).get("inputs")).get(0);
        assertEquals("square.png", input.get("input"));
        double sum = 0;
        for (Object p : (java.util.List<?>) input.get("probabilities")) sum += ((Number) p).doubleValue();
        assertEquals(1.0, sum, 1e-5);
        Run g = run("bench", "gemm", "--size", "48", "--warmup", "0", "--json");
        assertEquals(0, g.code(), g.err());
        var gj = (Map<?, ?>) Json.parse(g.out());
        assertEquals(48, ((Number) gj.get("n")).intValue());
        assertTrue(((Number) gj.get("max_relative_difference")).doubleValue() < 1e-4, g.out());
    }

    @Test void predictPrintsProbabilities() {
        Run r = run("predict", "--checkpoint", ckpt.toString(), "--input", png.toString());
        assertEquals(0, r.code(), r.err());
        double sum = 0;
        for (String line : r.out().split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length >= 2 && parts[parts.length - 1].matches("[0-9.]+")) sum += Double.parseDouble(parts[parts.length - 1]);
        }
        assertEquals(1.0, sum, 1e-3, r.out());
    }
}
