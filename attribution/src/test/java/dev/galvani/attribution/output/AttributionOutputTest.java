package dev.galvani.attribution.output;

import dev.galvani.attribution.conductance.AttributionMethod;
import dev.galvani.attribution.conductance.AttributionResult;
import dev.galvani.attribution.conductance.LayerConductance;
import dev.galvani.attribution.report.ReportFiles;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.Module;
import dev.galvani.models.ModelZoo;
import dev.galvani.models.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The attribution document (docs/output-schema.md): its fields, the token scores, the maps and per-unit files agree with the result. */
class AttributionOutputTest {
    @TempDir Path dir;

    @Test void textIgGivesEveryTokenItsScoreSummedOverTheEmbedding() throws Exception {
        Module net = ModelZoo.create("textcnn", Map.of("vocab", "30", "dim", "8", "filters", "6", "seed", "2"));
        Tensor ids = Tensor.of(new float[] {3, 7, 9, 2, 11, 0, 0, 5, 6, 7, 8, 9, 10, 12}, 2, 7);
        AttributionResult r = AttributionMethod.INTEGRATED_GRADIENTS.configure(new LayerConductance(net).pathFrom("embedding").steps(32))
                .attribute(ids, new int[] {1, 0});
        List<String[]> tokens = List.of(new String[] {"not", "a", "bad", "film", "at"}, new String[] {"a", "b", "c", "d", "e", "f", "g"});
        AttributionOutput o = new AttributionOutput(AttributionMethod.INTEGRATED_GRADIENTS, r).model("t.safetensors", "textcnn", List.of("negative", "positive"))
                .examples(ids, List.of("not a bad film at", "a b c d e f g"), new int[] {1, -1}, tokens);
        Map<?, ?> j = (Map<?, ?>) Json.parse(Json.pretty(o.json()));
        assertEquals(AttributionOutput.SCHEMA_VERSION, ((Number) j.get("schema_version")).intValue());
        assertEquals("ig", j.get("method"));
        assertEquals("logit", j.get("units"));
        assertEquals(List.of("negative", "positive"), ((Map<?, ?>) j.get("model")).get("classes"));
        assertEquals("tokens", ((Map<?, ?>) j.get("input")).get("kind"));
        assertNull(j.get("layers"), "ig scores no layers");
        Map<?, ?> e0 = (Map<?, ?>) ((List<?>) j.get("examples")).get(0);
        assertEquals("positive", e0.get("target_name"));
        assertEquals("positive", e0.get("label_name"));
        assertNull(((Map<?, ?>) ((List<?>) j.get("examples")).get(1)).get("label"));
        Map<?, ?> in = (Map<?, ?>) e0.get("input");
        assertEquals(List.of("not", "a", "bad", "film", "at"), in.get("tokens"));
        List<?> scores = (List<?>) in.get("token_scores");
        assertEquals(5, scores.size());
        // Each token's score is its IG summed over the 8 embedding dimensions, and the tokens add up to the total (padding scores 0).
        Tensor ig = r.integratedGradients();
        double sum = 0;
        for (int t = 0; t < 5; t++) {
            double s = 0;
            for (int k = 0; k < 8; k++) s += ig.get(0, t, k);
            assertEquals(s, ((Number) scores.get(t)).doubleValue(), 1e-5);
            sum += s;
        }
        assertEquals(((Number) in.get("total")).doubleValue(), sum, 1e-5);
        String text = o.summary();
        assertTrue(text.matches("(?s).*\\n    bad +[+-]\\d\\.\\d{4}\\n.*"), text);

        Path page = o.write(dir.resolve("ig")).resolveSibling("index.html");
        assertEquals(List.of(), ReportFiles.missing(page));
        assertTrue(Files.readString(page).contains(">bad</span>"));
        assertTrue(Files.readString(dir.resolve("ig/token_scores.csv")).startsWith("sentence,position,word,score\n0,0,not,"));
    }

    @Test void imageIgWritesOneMapPerExampleAndLayerMethodsTheirFiles() throws Exception {
        Module net = ModelZoo.create("inception", Map.of("width", "0.25", "seed", "3"));
        Tensor x = Tensor.randn(new dev.galvani.engine.Rng(4), 1f, 3, 1, 28, 28);
        AttributionResult r = new LayerConductance(net).layers("inception3a").steps(8).attribute(x);
        AttributionOutput ig = new AttributionOutput(AttributionMethod.INTEGRATED_GRADIENTS, r).examples(x, null, null, null);
        Path maps = ig.write(dir.resolve("ig")).resolveSibling(AttributionOutput.MAPS_FILE);
        float[] m = readNpy(maps, "(3, 28, 28)");
        double[] totals = r.inputTotals();
        for (int i = 0; i < 3; i++) {
            double s = 0;
            for (int p = 0; p < 784; p++) s += m[i * 784 + p];
            assertEquals(totals[i], s, 1e-3 * Math.max(1, Math.abs(totals[i])));
        }
        assertEquals(List.of(), ReportFiles.missing(dir.resolve("ig/index.html")));

        for (var f : AttributionOutput.ArrayFormat.values()) {
            Path json = new AttributionOutput(AttributionMethod.CONDUCTANCE, r).perUnit(true, f).write(dir.resolve("c-" + f));
            Map<?, ?> j = (Map<?, ?>) Json.parse(Files.readString(json));
            Map<?, ?> layer = (Map<?, ?>) ((Map<?, ?>) j.get("layers")).get("inception3a");
            Tensor cond = r.layer("inception3a").conductance();
            assertEquals(List.of(cond.size(1), cond.size(2), cond.size(3)), ((List<?>) layer.get("shape")).stream().map(o -> ((Number) o).intValue()).toList());
            Map<?, ?> e1 = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) ((List<?>) j.get("examples")).get(1)).get("layers")).get("inception3a");
            assertEquals(r.relativeDelta("inception3a")[1], ((Number) e1.get("relative_delta")).doubleValue(), 1e-12);
            int per = cond.numel() / 3;
            switch (f) {
                case JSON -> assertEquals(cond.get(1, 2, 3, 4), ((Number) ((List<?>) e1.get("per_unit")).get((2 * cond.size(2) + 3) * cond.size(3) + 4)).floatValue());
                case NPY -> assertEquals(cond.data()[per + 17], readNpy(json.resolveSibling("inception3a.per_unit.npy"), "(3, " + cond.size(1) + ", " + cond.size(2) + ", " + cond.size(3) + ")")[per + 17]);
                case CSV -> {
                    List<String> rows = Files.readAllLines(json.resolveSibling("inception3a.per_unit.csv"));
                    assertEquals("example,channel,index,score", rows.get(0));
                    assertEquals(1 + cond.numel(), rows.size());
                    String[] row = rows.get(1 + per + 200).split(",");
                    assertEquals(List.of("1", Integer.toString(200 / (cond.size(2) * cond.size(3))), "200"), List.of(row[0], row[1], row[2]));
                    assertEquals(cond.data()[per + 200], Float.parseFloat(row[3]));
                }
            }
        }
    }

    /** A float32 .npy file's data, after checking its header names this shape. */
    static float[] readNpy(Path p, String shape) throws Exception {
        byte[] b = Files.readAllBytes(p);
        int header = (b[8] & 255) | (b[9] & 255) << 8;
        String dict = new String(b, 10, header, java.nio.charset.StandardCharsets.US_ASCII);
        assertTrue(dict.contains("'shape': " + shape), dict);
        float[] out = new float[(b.length - 10 - header) / 4];
        ByteBuffer.wrap(b, 10 + header, out.length * 4).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }
}
