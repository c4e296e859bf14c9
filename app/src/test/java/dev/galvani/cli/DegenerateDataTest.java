package dev.galvani.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.galvani.cli.CommandLineTest.run;
import static org.junit.jupiter.api.Assertions.*;

/** Data that cannot train or score a model is refused with one line naming the file and the problem. */
class DegenerateDataTest {
    @TempDir Path dir;

    private void refused(String file, String problem, String... args) {
        CommandLineTest.Run r = run(args);
        assertEquals(2, r.code(), "exit code; stdout: " + r.out() + " stderr: " + r.err());
        String err = r.err().strip();
        String last = err.substring(err.lastIndexOf('\n') + 1);
        assertFalse(err.contains("Exception") || err.contains("\tat "), err);
        assertTrue(last.startsWith("galvani: ") && last.contains(file) && last.contains(problem), last);
    }

    @Test void headerOnlySst2IsRefused() throws Exception {
        Files.createDirectories(dir.resolve("sst2"));
        Files.writeString(dir.resolve("sst2/train.tsv"), "label\tsentence\n");
        refused("train.tsv", "no examples", "train", "--model", "textcnn", "--data", "sst2", "--data-dir", dir.toString(),
                "--epochs", "1", "--out", dir.resolve("m.safetensors").toString());
        assertFalse(Files.exists(dir.resolve("m.safetensors")), "no checkpoint written");
    }

    @Test void emptyNegativeMovieReviewsAreRefused() throws Exception {
        Files.createDirectories(dir.resolve("mr"));
        StringBuilder pos = new StringBuilder();
        for (int i = 0; i < 50; i++) pos.append("a truly good film number ").append(i).append('\n');
        Files.write(dir.resolve("mr/rt-polarity.pos"), pos.toString().getBytes(StandardCharsets.ISO_8859_1));
        Files.write(dir.resolve("mr/rt-polarity.neg"), new byte[0]);
        refused("rt-polarity.neg", "no sentences", "train", "--model", "textcnn", "--data", "mr", "--data-dir", dir.toString(),
                "--epochs", "1", "--out", dir.resolve("m.safetensors").toString());
        assertFalse(Files.exists(dir.resolve("m.safetensors")), "no checkpoint written");
    }
}
