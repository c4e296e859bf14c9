package dev.galvani.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Same seed, same bits: {@code galvani train} run twice with one seed, once on one worker thread and
 * once on two ({@code -Dgalvani.threads}, fixed when a JVM starts, so each run is its own JVM),
 * writes byte-identical checkpoints. The checkpoint's metadata hold only what the run determines
 * (hyper-parameters, the data record, the held-out accuracy): no time, host or JDK; those go to the
 * metrics file beside it, which is not compared.
 */
class SameSeedSameBitsTest {
    @TempDir Path dir;

    private byte[] train(int threads, String name, String... args) throws Exception {
        Path out = dir.resolve(name + "-" + threads + ".safetensors"), log = dir.resolve(name + "-" + threads + ".log");
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--add-modules", "jdk.incubator.vector", "-Xmx1g", "-Dgalvani.threads=" + threads,
                "-cp", System.getProperty("java.class.path"), Galvani.class.getName(), "train"));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--out", out.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("GALVANI_PROGRESS", "off");
        Process p = pb.start();
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "training timed out");
        assertEquals(0, p.exitValue(), read(log));
        return Files.readAllBytes(out);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Test void aTextModelTrainsToTheSameBytesOnOneAndTwoThreads() throws Exception {
        String[] args = {"--model", "textcnn", "--data", "generated-sentiment", "--seed", "4", "--epochs", "1", "--train-examples", "400", "--batch", "50"};
        assertArrayEquals(train(1, "textcnn", args), train(2, "textcnn", args));
    }

    @Test void anImageModelWithBatchNormTrainsToTheSameBytesOnOneAndTwoThreads() throws Exception {
        String[] args = {"--model", "inception", "--width", "0.25", "--data", "generated", "--seed", "2", "--epochs", "1", "--train-examples", "192", "--batch", "64"};
        assertArrayEquals(train(1, "inception", args), train(2, "inception", args));
    }
}
