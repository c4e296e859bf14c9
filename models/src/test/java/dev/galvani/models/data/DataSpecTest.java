package dev.galvani.models.data;

import dev.galvani.engine.GalvaniException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The record of a model's data: written, read back, rebuilt into the same parts, and guarding its held-out part. */
class DataSpecTest {
    @TempDir Path dir;

    private static DataSpec textSpec(String data, int fold, long seed) {
        DataSpec r = DataSpec.request(data, true, fold, seed, 0, null);
        return r.withVocabulary(Vocabulary.build(List.<String[]>of(new String[] {"good", "bad"}), 1, 10), SentimentData.CLASSES);
    }

    @Test void metadataRoundTripIsExact() {
        DataSpec s = textSpec("generated-sentiment", 0, 7);
        DataSpec back = DataSpec.fromMetadata(s.toMetadata(), true, 2, "ck", w -> fail("no warning for a recorded checkpoint: " + w));
        assertEquals(s.dataset(), back.dataset());
        assertEquals(s.splitSeed(), back.splitSeed());
        assertEquals(s.heldOutFraction(), back.heldOutFraction());
        assertEquals(s.vocabulary().serialise(), back.vocabulary().serialise());
        assertEquals(s.classNames(), back.classNames());
        assertTrue(back.recorded());

        DataSpec img = DataSpec.request("generated", false, 0, 0, 500, null).withNormalisation(0.25f, 0.5f, GeneratedImages.CLASSES);
        DataSpec imgBack = DataSpec.fromMetadata(img.toMetadata(), false, 10, "ck", w -> fail(w));
        assertEquals(img, new DataSpec(imgBack.dataset(), imgBack.fold(), imgBack.folds(), imgBack.splitSeed(), imgBack.heldOutFraction(),
                imgBack.trainLimit(), imgBack.mean(), imgBack.std(), null, imgBack.classNames(), true));
        assertEquals(500, imgBack.trainLimit());
    }

    @Test void olderCheckpointsLoadWithOneWarningAndTheSplitTrainUsed() {
        Map<String, String> legacy = new HashMap<>(Map.of("data", "mr", "fold", "3", "seed", "1", "vocabulary", "<pad>\n<unk>\ngood",
                "classes_names", "negative\npositive"));
        List<String> warnings = new ArrayList<>();
        DataSpec s = DataSpec.fromMetadata(legacy, true, 2, "checkpoint old.safetensors", warnings::add);
        assertEquals(1, warnings.size());
        assertFalse(warnings.get(0).contains("\n"));
        assertTrue(warnings.get(0).startsWith("warning: checkpoint old.safetensors has no record of its data split"), warnings.get(0));
        assertEquals(3, s.fold());
        assertEquals(1, s.splitSeed(), "the old train seeded the split with its --seed");
        assertFalse(s.recorded());
        // without a record, what the user names is taken
        DataSpec other = s.evaluation(null, 0, 0L, null, "ck");
        assertEquals(0, other.fold());
        assertEquals(0, other.splitSeed());
    }

    @Test void anotherFoldOrSeedOfTheSameDataIsRefusedInOneLine() {
        DataSpec s = textSpec("mr", 3, 1);
        assertSame(s, s.evaluation(null, null, null, null, "checkpoint m.safetensors"));
        assertSame(s, s.evaluation("mr", 3, 1L, null, "checkpoint m.safetensors"), "naming the recorded split is fine");
        var e = assertThrows(GalvaniException.class, () -> s.evaluation(null, 0, null, null, "checkpoint m.safetensors"));
        assertEquals("--fold 0: checkpoint m.safetensors was trained on mr, fold 3 of 10 held out, split seed 1; fold 0 holds sentences it "
                + "trained on. Leave out --fold, or score another file with eval --input", e.getMessage());
        e = assertThrows(GalvaniException.class, () -> s.evaluation(null, null, 0L, null, "checkpoint m.safetensors"));
        assertEquals("--seed 0: checkpoint m.safetensors was trained on mr, fold 3 of 10 held out, split seed 1; split seed 0 mixes "
                + "sentences it trained on into the held-out part. Leave out --seed, or score another file with eval --input", e.getMessage());
        DataSpec g = textSpec("generated-sentiment", 0, 4);
        e = assertThrows(GalvaniException.class, () -> g.evaluation(null, 2, null, null, "ck"));
        assertEquals("--fold 2: generated-sentiment has no folds (only mr is cross-validated)", e.getMessage());
        // another data set: its own held-out part, read with this model's vocabulary
        DataSpec sst = s.evaluation("sst2", null, null, null, "ck");
        assertEquals("sst2", sst.dataset());
        assertSame(s.vocabulary(), sst.vocabulary());
        DataSpec img = DataSpec.request("generated", false, 0, 0, 0, null).withNormalisation(0.2f, 0.3f, GeneratedImages.CLASSES);
        e = assertThrows(GalvaniException.class, () -> img.evaluation(null, null, 5L, null, "ck"));
        assertEquals("--seed: generated has a fixed test split; --seed does not apply", e.getMessage());
        e = assertThrows(GalvaniException.class, () -> img.evaluation("mr", null, null, null, "ck"));
        assertTrue(e.getMessage().contains("holds sentences"), e.getMessage());
    }

    @Test void splitsAreRebuiltFromTheRecord() {
        DataSpec s = textSpec("generated-sentiment", 0, 9);
        Splits.Split<TextDataset> a = Splits.text(s, null);
        TextDataset[] expected = SentimentData.generated(4000, 9).split(0.2, 10);
        assertEquals(expected[1].size(), a.heldOut().size());
        for (int i = 0; i < expected[1].size(); i++) assertArrayEquals(expected[1].tokens().get(i), a.heldOut().tokens().get(i));
        DataSpec limited = DataSpec.request("generated-sentiment", true, 0, 9, 100, null);
        assertEquals(100, Splits.text(limited, null).train().size());
        assertEquals(a.heldOut().size(), Splits.text(limited, null).heldOut().size(), "the limit trims training only");
    }

    @Test void mrFoldMatchesTheCrossValidation() {
        Assumptions.assumeTrue(DataLocator.find(null, "mr").isPresent(), "MR not found (set GALVANI_DATA); skipping");
        Splits.Split<TextDataset> s = Splits.text(textSpec("mr", 3, 1), null);
        TextDataset[] f = SentimentData.movieReviews(DataLocator.require(null, "mr")).fold(3, 10, 1);
        assertEquals(1066, s.heldOut().size());
        assertArrayEquals(f[1].labels(), s.heldOut().labels());
        assertEquals(f[0].size(), s.train().size());
    }

    private Path mr(int pos, int neg) throws Exception {
        Path d = Files.createDirectories(dir.resolve("mr"));
        StringBuilder p = new StringBuilder(), n = new StringBuilder();
        for (int i = 0; i < pos; i++) p.append("a fine film ").append(i).append('\n');
        for (int i = 0; i < neg; i++) n.append("a dull film ").append(i).append('\n');
        Files.write(d.resolve("rt-polarity.pos"), p.toString().getBytes(StandardCharsets.ISO_8859_1));
        Files.write(d.resolve("rt-polarity.neg"), n.toString().getBytes(StandardCharsets.ISO_8859_1));
        return d;
    }

    @Test void degenerateDataAreRefusedNamingTheFileAndTheProblem() throws Exception {
        Path d = mr(2, 2);
        var e = assertThrows(GalvaniException.class, () -> Splits.prepare(DataSpec.request("mr", true, 0, 0, 0, dir.toString()), dir.toString()));
        assertEquals(d + ": the held-out part (mr, fold 0 of 10 held out, split seed 0) has no examples", e.getMessage());

        Path tsv = Files.createDirectories(dir.resolve("sst2")).resolve("train.tsv");
        StringBuilder rows = new StringBuilder("label\tsentence\n");
        for (int i = 0; i < 30; i++) rows.append("1\tgood ").append(i).append('\n');
        Files.writeString(tsv, rows);
        e = assertThrows(GalvaniException.class, () -> Splits.prepare(DataSpec.request("sst2", true, 0, 0, 0, dir.toString()), dir.toString()));
        assertEquals(tsv + ": class 'negative' has no examples in the training part (sst2, 10% of its full sentences held out with split seed 0) "
                + "(only 1 of the model's 2 classes occur)", e.getMessage());

        // two copies of one sentence: one is held out, the other lies inside it and is dropped
        rows = new StringBuilder("label\tsentence\n1\tgood\n0\tgood\n");
        for (int i = 0; i < 27; i++) rows.append(i % 2).append("\t\u65e5\u672c\u8a9e\n"); // no letters clean_str keeps
        Files.writeString(tsv, rows);
        e = assertThrows(GalvaniException.class, () -> Splits.prepare(DataSpec.request("sst2", true, 0, 0, 0, dir.toString()), dir.toString()));
        assertEquals(tsv + ": the vocabulary of the training part (sst2, 10% of its full sentences held out with split seed 0) holds nothing but <pad> and <unk>: "
                + "none of its 27 sentences has a word after tokenisation", e.getMessage());

        e = assertThrows(GalvaniException.class, () -> Splits.requireUsable("labels.gz", "file", new int[] {0, 1, 7}, SentimentData.CLASSES, false));
        assertEquals("labels.gz: label 7 of example 2 in the file is outside the classes 0..1", e.getMessage());
        e = assertThrows(GalvaniException.class, () -> Splits.requireUsable("x.tsv", "file", new int[0], SentimentData.CLASSES, false));
        assertEquals("x.tsv: the file has no examples", e.getMessage());
        Splits.requireUsable("x.tsv", "file", new int[] {1, 1}, SentimentData.CLASSES, false); // one class is fine to score
    }

    @Test void aCheckpointVocabularyOfOnlyPaddingAndUnknownIsRefused() {
        Map<String, String> m = new HashMap<>(textSpec("sst2", 0, 0).toMetadata());
        m.put("vocabulary", "<pad>\n<unk>");
        var e = assertThrows(GalvaniException.class, () -> DataSpec.fromMetadata(m, true, 2, "checkpoint v.safetensors", w -> { }));
        assertEquals("checkpoint v.safetensors: its vocabulary holds nothing but <pad> and <unk>", e.getMessage());
        m.put("vocabulary", "<pad>\n<unk>\ngood\ngood");
        e = assertThrows(GalvaniException.class, () -> DataSpec.fromMetadata(m, true, 2, "checkpoint v.safetensors", w -> { }));
        assertEquals("checkpoint v.safetensors: vocabulary lists 'good' twice", e.getMessage());
        Map<String, String> c = new HashMap<>(textSpec("sst2", 0, 0).toMetadata());
        e = assertThrows(GalvaniException.class, () -> DataSpec.fromMetadata(c, true, 3, "checkpoint v.safetensors", w -> { }));
        assertEquals("checkpoint v.safetensors: records 2 class names for a model of 3 classes", e.getMessage());
        assertTrue(Arrays.asList("mr", "sst2", "generated-sentiment").containsAll(DataSpec.TEXT_SETS));
    }

    @Test void anSst2CheckpointSplitByPhrasesIsRefused() {
        Map<String, String> m = new HashMap<>(textSpec("sst2", 0, 0).toMetadata());
        assertEquals("sentences", m.get("sst2_split"));
        assertEquals("sst2", DataSpec.fromMetadata(m, true, 2, "ck", w -> { }).dataset());
        m.remove("sst2_split");
        var e = assertThrows(GalvaniException.class, () -> DataSpec.fromMetadata(m, true, 2, "checkpoint p.safetensors", w -> { }));
        assertEquals("checkpoint p.safetensors: records SST-2 split by phrases (written by an older galvani), which cannot be rebuilt; "
                + "retrain with 'galvani train --data sst2' (held-out full sentences)", e.getMessage());
        Map<String, String> legacy = new HashMap<>(Map.of("data", "sst2", "seed", "0"));
        assertThrows(GalvaniException.class, () -> DataSpec.fromMetadata(legacy, true, 2, "ck", w -> { }));
    }
}
