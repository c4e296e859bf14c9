package dev.galvani.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/** The Java in the docs compiles, runs, and prints what the docs say it prints. */
class DocExamplesTest {
    @TempDir Path work;

    @Test void howItWorksWorkedExamplePrintsTheHandWorkedNumbers() throws Exception {
        String[] block = JavaSnippets.firstBlock(JavaSnippets.root().resolve("docs/how-it-works.md"), "java");
        assertNotNull(block[1], "the worked example's output block follows it");
        assertEquals(block[1], JavaSnippets.compileAndRun(block[0], work, 60));
    }

    /**
     * README's first Java block is one complete class: it trains a small net on generated data,
     * computes conductance of two layers and ablates a filter, printing each result.
     */
    @Test void readmeQuickStartCompilesRunsAndPrintsItsResults() throws Exception {
        String[] block = JavaSnippets.firstBlock(JavaSnippets.root().resolve("README.md"), "java");
        String out = JavaSnippets.compileAndRun(block[0], work, 300);
        String[] lines = out.strip().split("\n");
        assertEquals(4, lines.length, out);
        Matcher acc = Pattern.compile("test accuracy (\\d\\.\\d\\d)").matcher(lines[0]);
        assertTrue(acc.matches(), lines[0]);
        assertTrue(Double.parseDouble(acc.group(1)) > 0.3, "the net learned something: " + lines[0]);
        Pattern layer = Pattern.compile("(inception3a|inception4a): image 0, predicted [a-z ]+; top filter \\d+, conductance -?[0-9.]+; "
                + "conservation gap ([0-9.]+e[-+]\\d+)");
        for (int i = 1; i <= 2; i++) {
            Matcher m = layer.matcher(lines[i]);
            assertTrue(m.matches(), lines[i]);
            assertTrue(Double.parseDouble(m.group(2)) < 0.1, "a block conserves: " + lines[i]);
        }
        assertTrue(lines[3].matches("zeroing filter \\d+ of inception4a: logit -?[0-9.]+ -> -?[0-9.]+"), lines[3]);
    }
}
