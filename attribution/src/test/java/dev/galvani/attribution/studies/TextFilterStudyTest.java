package dev.galvani.attribution.studies;

import dev.galvani.attribution.report.ReportFiles;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.Module;
import dev.galvani.models.ModelZoo;
import dev.galvani.models.data.SentimentData;
import dev.galvani.models.data.TextDataset;
import dev.galvani.models.data.Vocabulary;
import dev.galvani.models.nets.TextCnn;
import dev.galvani.models.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The text-filter study on a text CNN whose weights are set by hand: 2-d embeddings "good" =
 * (1, 0), "not" = (0, 1), "film" = (0, 0); one filter per width. The width-3 filter reads the
 * second embedding dimension at its first tap (it fires on "not"), the width-4 filter the first
 * dimension at its first tap (it fires on "good"), the width-5 filter is all zero. The positive
 * logit is −2·f₃ + 1·f₄, the negative logit 0.
 *
 * <p>"not good film" (padded to 5): f₃ = 1 at position 0, f₄ = 1 at position 1, positive logit
 * −1. Along the path from the padding embedding (0) every feature is α·(its value), so the
 * conductances are −2, +1 and 0. "good film": f₃ = 0 everywhere (max at position 0, the first),
 * f₄ = 1 at position 0, conductances 0, +1, 0. So the width-3 filter leans negative (mean −1),
 * the width-4 filter positive (mean +1); the width-3 filter's max window holds a negation in
 * one sentence of two (rate ½), the width-4 filter's in none.
 */
class TextFilterStudyTest {
    static final int PAD = 0, GOOD = 1, NOT = 2, FILM = 3;

    @TempDir Path dir;

    static TextCnn net() {
        TextCnn m = new TextCnn(0, 4, 2, 1, 2);
        Map<String, Tensor> p = m.parameters();
        for (Tensor t : p.values()) Arrays.fill(t.data(), 0f);
        float[] e = p.get("embedding.weight").data();           // [4, 2]
        e[GOOD * 2] = 1;
        e[NOT * 2 + 1] = 1;
        p.get("conv3.conv.weight").data()[3] = 1;               // [1, 2, 3]: channel 1, tap 0
        p.get("conv4.conv.weight").data()[0] = 1;               // [1, 2, 4]: channel 0, tap 0
        float[] fc = p.get("fc.weight").data();                 // [2, 3]: row 1 is the positive class
        fc[3] = -2;
        fc[4] = 1;
        return m;
    }

    @Test void leaningAndNegationOfHandSetFilters() {
        int[][] ids = {{NOT, GOOD, FILM, PAD, PAD}, {GOOD, FILM, PAD, PAD, PAD}};
        String[][] tokens = {{"not", "good", "film"}, {"good", "film"}};
        TextFilterStudy.Result r = TextFilterStudy.run(net(), ids, tokens, new int[] {0, 1}, 8, 2);
        assertEquals(3, r.filters().size());
        TextFilterStudy.Filter f3 = r.filters().get(0), f4 = r.filters().get(1), f5 = r.filters().get(2);
        assertEquals(3, f3.width());
        assertEquals(4, f4.width());
        assertEquals(5, f5.width());
        assertEquals(-1.0, f3.meanConductance(), 1e-4);
        assertEquals(1.0, f3.meanAbsConductance(), 1e-4);
        assertEquals(1.0, f4.meanConductance(), 1e-4);
        assertEquals(0.0, f5.meanConductance(), 1e-6);
        assertEquals(0.5, f3.negationRate(), 1e-12);
        assertEquals(0.0, f4.negationRate(), 1e-12);
        assertEquals(0.5, r.baseNegationRate(), 1e-12);
        assertTrue(f4.topNgrams().contains("good film (2)"), f4.topNgrams().toString());
        assertTrue(f3.topNgrams().contains("not good film (1)"), f3.topNgrams().toString());
        assertEquals(0, f3.topSentences().get(0), "the sentence with the largest |conductance| first");
        assertTrue(r.medianRelativeDelta() < 1e-4, "conservation at 'features': " + r.medianRelativeDelta());
    }

    @Test void maxPositionsAreTheFiringWords() {
        Tensor x = TextFilterStudy.idsTensor(new int[][] {{FILM, NOT, GOOD, FILM, PAD, PAD}}, 0, 1, 6);
        int[][] pos = TextFilterStudy.maxPositions(net(), x);
        assertArrayEquals(new int[] {1, 2, 0}, pos[0]);
    }

    @Test void windowsAndNegationWords() {
        String[] s = {"it", "is", "not", "bad", "at", "all"};
        assertEquals("not bad at", TextFilterStudy.ngram(s, 2, 3));
        assertEquals("at all", TextFilterStudy.ngram(s, 4, 5), "cut at the sentence's end");
        assertEquals("", TextFilterStudy.ngram(s, 7, 3), "a position in the padding");
        assertTrue(TextFilterStudy.containsNegation(s, 0, 3));
        assertFalse(TextFilterStudy.containsNegation(s, 3, 3));
        assertTrue(TextFilterStudy.containsNegation(new String[] {"is", "n't"}, 0, 3));
        // windows of 4 at positions 0..3 of the 6 words: the first three hold "not"
        assertEquals(0.75, TextFilterStudy.baseNegationRate(new String[][] {s}), 1e-12);
    }

    /** A small trained study: example sentences carry a score per word, and the page names only files that exist. */
    @Test void smallStudyColoursEveryWordOfItsExamples() throws Exception {
        TextDataset d = SentimentData.generated(400, 2);
        Vocabulary v = Vocabulary.build(d.tokens(), 1, 100);
        Module net = ModelZoo.create("textcnn", Map.of("vocab", Integer.toString(v.size()), "dim", "16", "filters", "6", "seed", "1"));
        Trainer.fit(net, d.encoded(v), null, new Trainer.Config(2, 50, "adam", 3e-3f, 0f, false, 1, Integer.MAX_VALUE));
        int n = 40, t = TextDataset.MIN_WIDTH;
        for (int i = 0; i < n; i++) t = Math.max(t, d.tokens().get(i).length);
        int[][] ids = new int[n][];
        String[][] toks = new String[n][];
        for (int i = 0; i < n; i++) {
            ids[i] = Arrays.copyOf(v.encode(d.tokens().get(i)), t);
            toks[i] = d.tokens().get(i);
        }
        TextFilterStudy.Result r = TextFilterStudy.run(net, ids, toks, Arrays.copyOf(d.labels(), n), 16, 16);
        List<Integer> examples = TextFilterStudy.exampleSentences(r.filters());
        assertEquals(examples, List.copyOf(r.wordScores().keySet()));
        for (int i : examples) assertEquals(toks[i].length, r.wordScores().get(i).length, "one score per word of sentence " + i);
        Path page = TextFilterStudy.report(r, dir.resolve("rep"), "test net");
        assertEquals(List.of(), ReportFiles.missing(page));
        assertTrue(Files.readString(page).contains("<span style=\"background:rgb("), "coloured words");
    }
}
