package dev.galvani.cli;

import dev.galvani.models.SavedModel;
import dev.galvani.models.checkpoint.Safetensors;
import dev.galvani.models.data.DataLocator;
import dev.galvani.models.data.DataSpec;
import dev.galvani.models.data.Splits;
import dev.galvani.models.data.TextDataset;
import dev.galvani.models.io.Json;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.galvani.cli.CommandLineTest.run;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A checkpoint is scored on the examples it held out, whatever fold and seed it was trained with:
 * {@code eval} with no split options must report the held-out accuracy {@code train} reported.
 */
class HeldOutSplitTest {
    @TempDir Path dir;

    private static final Pattern TRAIN = Pattern.compile("eval accuracy ([0-9.]+)");
    private static final Pattern EVAL = Pattern.compile("accuracy ([0-9.]+) \\((\\d+)/(\\d+)\\)");

    /** Trains, evaluates with no split options, and returns {train's held-out accuracy, eval's, eval's example count}. */
    private double[] trainThenEval(String... trainArgs) {
        Path ck = dir.resolve("m.safetensors");
        String[] args = new String[trainArgs.length + 2];
        System.arraycopy(trainArgs, 0, args, 0, trainArgs.length);
        args[trainArgs.length] = "--out";
        args[trainArgs.length + 1] = ck.toString();
        CommandLineTest.Run t = run(args);
        assertEquals(0, t.code(), t.err());
        Matcher mt = TRAIN.matcher(t.out());
        assertTrue(mt.find(), t.out());
        CommandLineTest.Run e = run("eval", "--checkpoint", ck.toString());
        assertEquals(0, e.code(), e.err());
        Matcher me = EVAL.matcher(e.out());
        assertTrue(me.find(), e.out());
        return new double[] {Double.parseDouble(mt.group(1)), Double.parseDouble(me.group(1)), Double.parseDouble(me.group(3))};
    }

    @Test void evalOfAnMrCheckpointScoresItsOwnHeldOutFold() {
        Assumptions.assumeTrue(DataLocator.find(null, "mr").isPresent(), "MR not found (set GALVANI_DATA); skipping");
        // fold 3 of seed 1 holds out sentences 1066 of the 10662; fold 0 of seed 0 holds sentences this model trained on
        double[] r = trainThenEval("train", "--model", "textcnn", "--data", "mr", "--fold", "3", "--seed", "1", "--epochs", "1",
                "--train-examples", "2000", "--batch", "50");
        assertEquals(1066, r[2], "held-out fold size");
        assertEquals(r[0], r[1], 1e-9, "eval must score fold 3 of seed 1, as train did");

        String ck = dir.resolve("m.safetensors").toString();
        assertEquals(0, run("eval", "--checkpoint", ck, "--fold", "3", "--seed", "1").code(), "naming the recorded split is fine");
        refused("--fold 0: checkpoint " + ck + " was trained on mr, fold 3 of 10 held out, split seed 1; fold 0 holds sentences it trained on."
                + " Leave out --fold, or score another file with eval --input", "eval", "--checkpoint", ck, "--fold", "0");
        refused("--seed 0: checkpoint " + ck + " was trained on mr, fold 3 of 10 held out, split seed 1; split seed 0 mixes sentences it trained on"
                + " into the held-out part. Leave out --seed, or score another file with eval --input", "study", "text-filters", "--checkpoint", ck, "--seed", "0",
                "--out", dir.resolve("tf").toString());
    }

    private static void refused(String line, String... args) {
        CommandLineTest.Run r = run(args);
        assertEquals(2, r.code(), r.err());
        assertEquals("galvani: " + line, r.err().strip());
    }

    @Test void everyCommandReadsTheCheckpointsSplitAndOlderCheckpointsWarnOnce() throws Exception {
        Path ck = dir.resolve("g.safetensors");
        CommandLineTest.Run t = run("train", "--model", "textcnn", "--data", "generated-sentiment", "--seed", "5", "--epochs", "1",
                "--train-examples", "200", "--batch", "50", "--out", ck.toString());
        assertEquals(0, t.code(), t.err());
        SavedModel m = SavedModel.load(ck, w -> fail("a new checkpoint needs no warning: " + w));
        TextDataset heldOut = Splits.text(m.data(), null).heldOut();

        // attribution reads the held-out sentences of seed 5, not of seed 0
        Path out = dir.resolve("c");
        CommandLineTest.Run c = run("conductance", "--checkpoint", ck.toString(), "--layer", "conv3", "--indices", "0-2", "--steps", "4", "--out", out.toString());
        assertEquals(0, c.code(), c.err());
        List<?> examples = (List<?>) ((Map<?, ?>) Json.read(out.resolve("attribution.json"))).get("examples");
        for (int i = 0; i < 3; i++) assertEquals(String.join(" ", heldOut.tokens().get(i)), ((Map<?, ?>) examples.get(i)).get("description"));
        refused("--seed 0: checkpoint " + ck + " was trained on generated-sentiment from seed 5, 20% held out;"
                + " split seed 0 mixes sentences it trained on into the held-out part. Leave out --seed, or score another file with eval --input",
                "conductance", "--checkpoint", ck.toString(), "--layer", "conv3", "--seed", "0", "--out", out.toString());
        refused("--fold 1: generated-sentiment has no folds (only mr is cross-validated)", "eval", "--checkpoint", ck.toString(), "--fold", "1");

        // a separate file is scored whatever the split
        Path tsv = dir.resolve("mine.tsv");
        Files.writeString(tsv, "label\tsentence\n1\tthe film is good\n0\tthe plot is dull\n");
        CommandLineTest.Run f = run("eval", "--checkpoint", ck.toString(), "--input", tsv.toString());
        assertEquals(0, f.code(), f.err());
        assertTrue(f.out().contains("on 2 examples: " + tsv), f.out());

        // the same checkpoint without its record: one warning line, and the split 'train' then used (its seed)
        Safetensors.Contents contents = Safetensors.read(ck);
        Map<String, String> meta = new LinkedHashMap<>(contents.metadata());
        for (String k : List.of(DataSpec.FOLDS, DataSpec.SPLIT_SEED, DataSpec.HELD_OUT_FRACTION, DataSpec.TRAIN_LIMIT)) meta.remove(k);
        Path old = dir.resolve("old.safetensors");
        Safetensors.write(old, contents.tensors(), meta);
        CommandLineTest.Run now = run("eval", "--checkpoint", ck.toString()), before = run("eval", "--checkpoint", old.toString());
        assertEquals(0, before.code(), before.err());
        assertEquals("warning: checkpoint " + old + " has no record of its data split (written by an older galvani); assuming generated-sentiment "
                + "from seed 5, 20% held out, as 'galvani train' then split it; give --fold and --seed if it was split otherwise", before.err().strip());
        assertEquals(now.out(), before.out());
    }

    @Test void evalOfAGeneratedSentimentCheckpointScoresItsOwnSeed() {
        double[] r = trainThenEval("train", "--model", "textcnn", "--data", "generated-sentiment", "--seed", "3", "--epochs", "1",
                "--train-examples", "300", "--batch", "50");
        assertEquals(800, r[2]);
        assertEquals(r[0], r[1], 1e-9, "eval must score seed 3's held-out sentences, as train did");
    }
}
