package dev.galvani.distributed;

import dev.galvani.attribution.ablation.Ablation;
import dev.galvani.distributed.cli.Sweep;
import dev.galvani.models.ModelZoo;
import dev.galvani.models.SavedModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sweep command line when things go wrong: a task that fails once, a missing checkpoint, an unknown layer. */
class SweepFailureTest {
    @TempDir static Path dir;
    static Path ck;

    @BeforeAll static void checkpoint() {
        ck = Fixtures.checkpoint(dir, "inception", 5);
    }

    record Run(int code, String error, String log) {}

    static Run sweep(String... args) {
        StringWriter err = new StringWriter();
        PrintStream saved = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(log, true));
        try {
            int code = Sweep.run(new PrintWriter(err, true), args);
            return new Run(code, err.toString(), log.toString());
        } finally {
            System.setErr(saved);
        }
    }

    static List<String> conductance(String checkpoints, String layers, String out) {
        return List.of("conductance", "--checkpoint", checkpoints, "--layer", layers, "--indices", "0-7", "--batch", "2", "--steps", "3",
                "--partitions", "2", "--master", "local[2,3]", "--no-ui", "--csv", "--out", out);
    }

    @Test void aTaskThatFailsOnceIsRetriedAndTheOutputHasEveryRowOnce() throws IOException {
        Path out = dir.resolve("retried");
        System.setProperty(FaultInjection.KEY, "1"); // item 1 is the second of partition 0: its task fails after writing two items' rows
        Run r;
        try {
            r = sweep(conductance(ck.toString(), "conv2,inception3a", out.toString()).toArray(new String[0]));
        } finally {
            System.clearProperty(FaultInjection.KEY);
        }
        assertEquals(0, r.code(), r.error() + r.log());
        assertTrue(r.log().contains("attempt 0 failed: injected failure after item 1"), r.log());

        SavedModel m = SavedModel.load(ck);
        int filters = 0;
        for (String l : List.of("conv2", "inception3a")) filters += new Ablation(m.model(), l).units(ModelZoo.exampleInput("inception"));
        List<String> rows;
        try (Stream<Path> s = Files.list(out.resolve("conductance.csv"))) {
            Path csv = s.filter(p -> p.getFileName().toString().endsWith(".csv")).findFirst().orElseThrow();
            rows = Files.readAllLines(csv);
        }
        List<String> header = List.of(rows.get(0).split(","));
        int layer = header.indexOf("layer"), example = header.indexOf("example"), filter = header.indexOf("filter");
        Set<String> keys = new HashSet<>();
        for (String row : rows.subList(1, rows.size())) {
            String[] f = row.split(",");
            keys.add(f[layer] + "/" + f[example] + "/" + f[filter]);
        }
        assertEquals(8 * filters, rows.size() - 1, "every (layer, image, filter) row");
        assertEquals(rows.size() - 1, keys.size(), "no row twice");
        try (Stream<Path> s = Files.walk(out)) {
            assertFalse(s.anyMatch(p -> p.toString().contains("_temporary")), "no task attempt's files left behind");
        }
    }

    @Test void aMissingCheckpointFailsWithOneLineNamingTheItem() {
        Path out = dir.resolve("missing");
        String missing = dir.resolve("gone.safetensors").toString();
        Run r = sweep(conductance(ck + "," + missing, "conv2", out.toString()).toArray(new String[0]));
        assertEquals(2, r.code());
        assertEquals(1, r.error().strip().lines().count(), r.error());
        assertTrue(r.error().startsWith("galvani sweep: item 4 (checkpoint " + missing + ", layers conv2, test examples 0-1): "), r.error());
        assertTrue(r.error().contains("no such file"), r.error());
        assertFalse(r.log().contains("\tat "), "no stack trace: " + r.log());
        assertFalse(Files.exists(out.resolve("conductance")), () -> "a failed sweep leaves no table behind: " + listing(out));
    }

    @Test void aMeanBaselineForATextModelFailsWithOneLine() {
        Path text = Fixtures.textCheckpoint(dir, 2);
        Run r = sweep("conductance", "--checkpoint", text.toString(), "--layer", "conv3", "--indices", "0-3", "--baseline", "mean", "--steps", "2",
                "--master", "local[1]", "--no-ui", "--out", dir.resolve("text-mean").toString());
        assertEquals(2, r.code(), r.error() + r.log());
        assertEquals(1, r.error().strip().lines().count(), r.error());
        assertTrue(r.error().startsWith("galvani sweep: item 0 (checkpoint " + text + ", layers conv3, test examples 0-3): --baseline mean is for image models"), r.error());
        assertFalse(r.log().contains("\tat "), "no stack trace: " + r.log());
    }

    static String listing(Path p) {
        try (Stream<Path> s = Files.walk(p)) {
            return s.map(Path::toString).toList().toString();
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Test void anUnknownLayerFailsWithOneLineNamingTheItemAndTheNearestNames() {
        Run r = sweep(conductance(ck.toString(), "conv2,inception9", dir.resolve("unknown").toString()).toArray(new String[0]));
        assertEquals(2, r.code());
        assertEquals(1, r.error().strip().lines().count(), r.error());
        assertTrue(r.error().matches("galvani sweep: item \\d \\(checkpoint .*, layers conv2,inception9, test examples \\d-\\d\\): unknown layer 'inception9'; nearest: inception3a.*\\s*"), r.error());
        assertFalse(r.log().contains("\tat "), "no stack trace: " + r.log());
    }
}
