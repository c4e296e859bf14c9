package dev.galvani.cli;

import dev.galvani.models.data.DataLocator;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
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
                "--limit", "2000", "--batch", "50");
        assertEquals(1066, r[2], "held-out fold size");
        assertEquals(r[0], r[1], 1e-9, "eval must score fold 3 of seed 1, as train did");
    }

    @Test void evalOfAGeneratedSentimentCheckpointScoresItsOwnSeed() {
        double[] r = trainThenEval("train", "--model", "textcnn", "--data", "generated-sentiment", "--seed", "3", "--epochs", "1",
                "--limit", "300", "--batch", "50");
        assertEquals(800, r[2]);
        assertEquals(r[0], r[1], 1e-9, "eval must score seed 3's held-out sentences, as train did");
    }
}
