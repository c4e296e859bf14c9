package dev.galvani.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.galvani.cli.CommandLineTest.run;
import static org.junit.jupiter.api.Assertions.*;

/** The studies run from the command line end to end on a small checkpoint of the generated images, and write complete reports. */
class StudyCommandTest {
    @TempDir static Path dir;

    @Test void ablationAndInteractionsWriteTheirReports() throws Exception {
        Path ck = dir.resolve("inception.safetensors");
        CommandLineTest.Run t = run("train", "--model", "inception", "--width", "0.25", "--data", "generated", "--epochs", "1", "--train-examples", "128",
                "--batch", "64", "--out", ck.toString());
        assertEquals(0, t.code(), t.err());

        CommandLineTest.Run a = run("study", "ablation", "--checkpoint", ck.toString(), "--indices", "0-1", "--steps", "2", "--top", "2",
                "--out", dir.resolve("ablation").toString());
        assertEquals(0, a.code(), a.err());
        for (String m : List.of("Conductance", "Gradient*Activation", "Internal influence", "Activation", "Random")) {
            assertTrue(a.out().contains(m + " "), a.out());
        }
        assertEquals(List.of(), missing(dir.resolve("ablation/index.html")));

        CommandLineTest.Run i = run("study", "interactions", "--checkpoint", ck.toString(), "--samples", "1", "--variables", "3", "--iterations", "5",
                "--readout-examples", "100", "--noise-draws", "0", "--out", dir.resolve("interactions").toString());
        assertEquals(0, i.code(), i.err());
        assertTrue(i.out().matches("(?s)conv2 +readout 0\\.\\d{3} .*inception4a .*output .*"), i.out());
        assertEquals(List.of(), missing(dir.resolve("interactions/index.html")));

        CommandLineTest.failsWith("--variables 20 is more than the 16 cells of a 4x4 grid", "study", "interactions", "--checkpoint", ck.toString(),
                "--variables", "20", "--out", dir.resolve("x").toString());
        CommandLineTest.failsWith("checkpoint " + ck + " holds a 'inception' model; this study needs 'textcnn'", "study", "text-filters",
                "--checkpoint", ck.toString(), "--out", dir.resolve("y").toString());
        Path none = dir.resolve("none.safetensors");
        CommandLineTest.failsWith("checkpoint " + none + " not found; train one first: galvani train --model inception", "study", "ablation",
                "--checkpoint", none.toString(), "--out", dir.resolve("z").toString());
    }

    /** The files the page names (src and href, not web addresses) that are not beside it. */
    static List<String> missing(Path page) throws Exception {
        Matcher m = Pattern.compile("(?:src|href)=\"([^\"#]+)\"").matcher(Files.readString(page));
        List<String> out = new ArrayList<>();
        while (m.find()) if (!m.group(1).matches("^[a-z]+:.*") && !Files.isRegularFile(page.resolveSibling(m.group(1)))) out.add(m.group(1));
        return out;
    }
}
