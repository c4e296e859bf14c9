package dev.galvani.attribution.studies;

import dev.galvani.attribution.report.ReportFiles;
import dev.galvani.models.SavedModel;
import dev.galvani.models.data.DataSpec;
import dev.galvani.models.data.ImageDataset;
import dev.galvani.models.data.Splits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** A small demo run: the page names only files that exist, and its sentences agree with its tables. */
class DemoTest {
    @TempDir Path dir;

    @Test void smallRunWritesAConsistentPage() throws Exception {
        DataSpec request = DataSpec.request("generated", false, 0, 1, 400, null);
        Splits.Split<ImageDataset> split = Splits.images(request, null);
        ImageDataset train = split.train(), test = split.heldOut().head(100);
        DataSpec data = request.withNormalisation(train.mean(), train.std(), train.classNames());
        Demo.Summary s = Demo.run(train, test, data, new Demo.Config(1, 8, 4, 6, 300, 1), dir.resolve("rep"), dir.resolve("net.safetensors"));
        assertEquals(List.of(), ReportFiles.missing(s.page()));
        // the checkpoint records the split it was trained on: read back without a warning, the same record
        SavedModel back = SavedModel.load(dir.resolve("net.safetensors"), w -> fail(w));
        assertEquals(data.toMetadata(), back.data().toMetadata());
        String html = Files.readString(s.page());

        // Conservation: the sentence names, per block, the scheme whose median delta the table shows smaller.
        List<String> deltas = Files.readAllLines(s.page().resolveSibling("deltas.csv"));
        for (String layer : Demo.LAYERS) {
            double exact = Double.NaN, captum = Double.NaN;
            for (String line : deltas) {
                String[] f = line.split(",");
                if (!f[0].equals(layer)) continue;
                if (f[1].startsWith("JVP")) exact = Double.parseDouble(f[2]);
                else captum = Double.parseDouble(f[2]);
            }
            String who = exact <= captum ? "The exact scheme has the smaller median delta at " : "Captum's scheme has the smaller median delta at ";
            int at = html.indexOf(who);
            assertTrue(at >= 0 && html.indexOf(layer, at) > at && html.indexOf(layer, at) < html.indexOf(". ", at),
                    layer + ": expected \"" + who + layer + "...\" (exact " + exact + ", Captum " + captum + ")");
        }
        // Ablation: each method's flip count in the sentence is the table's.
        for (String line : Files.readAllLines(s.page().resolveSibling("ablation.csv")).subList(1, 6)) {
            String[] f = line.split(",");
            String count = f[3].replace("/", " of ");
            String expected = f[0].equals("Random") ? "a random order " + count : f[0].toLowerCase() + " " + count;
            assertTrue(html.contains(expected), "sentence lacks '" + expected + "'");
        }
        // Text: every held-out sentence's words are coloured, and their scores are in words.csv.
        assertTrue(html.contains("Words by their attribution"));
        assertTrue(Files.readAllLines(s.page().resolveSibling("words.csv")).size() > 10);
        assertTrue(s.textAccuracy() > 0.5, "text accuracy " + s.textAccuracy());
    }
}
