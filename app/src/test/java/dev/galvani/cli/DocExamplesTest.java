package dev.galvani.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The Java in the docs compiles, runs, and prints what the docs say it prints. */
class DocExamplesTest {
    @TempDir Path work;

    @Test void howItWorksWorkedExamplePrintsTheHandWorkedNumbers() throws Exception {
        String[] block = JavaSnippets.firstBlock(JavaSnippets.root().resolve("docs/how-it-works.md"), "java");
        assertNotNull(block[1], "the worked example's output block follows it");
        assertEquals(block[1], JavaSnippets.compileAndRun(block[0], work, 60));
    }
}
