package dev.galvani.attribution.studies;

import dev.galvani.attribution.report.ReportFiles;
import dev.galvani.engine.nn.Module;
import dev.galvani.models.ModelZoo;
import dev.galvani.models.data.SentimentData;
import dev.galvani.models.data.TextDataset;
import dev.galvani.models.data.Vocabulary;
import dev.galvani.models.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** A small text-filter study: example sentences carry a score per word, and the page names only files that exist. */
class TextFilterStudyTest {
    @TempDir Path dir;

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
