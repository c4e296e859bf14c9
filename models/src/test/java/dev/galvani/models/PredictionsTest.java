package dev.galvani.models;

import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.Module;
import dev.galvani.models.train.Evaluation;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The JSON and text of predictions and of an evaluation carry the numbers they were given. */
class PredictionsTest {
    /** Logits are the input itself. */
    static final class Identity extends Module {
        @Override protected Tensor forward(Tensor x) { return x; }
    }

    @Test void probabilitiesAreTheSoftmaxRankedHighestFirst() {
        Tensor logits = Tensor.of(new float[] {0, (float) Math.log(3), 0, 2, 1, 0}, 2, 3);
        Predictions p = Predictions.of(new Identity(), logits, List.of("x", "y"), List.of("a", "b"));
        assertEquals(0.6, p.probabilities().get(0, 1), 1e-6);               // 3 / (1 + 3 + 1)
        assertArrayEquals(new int[] {0, 1, 2}, p.ranking(1));
        Map<String, Object> j = p.json();
        assertEquals(List.of("a", "b", "class 2"), j.get("classes"));
        Map<?, ?> first = (Map<?, ?>) ((List<?>) j.get("inputs")).get(0);
        assertEquals("b", first.get("predicted_name"));
        assertEquals("x\n  b              0.6000\n  a              0.2000\n  class 2        0.2000\n", p.text(10).substring(0, p.text(10).indexOf("y\n")));
    }

    @Test void evaluationCountsTheDiagonal() {
        Evaluation e = new Evaluation("d", List.of("a", "b"), new int[][] {{3, 1}, {2, 4}});
        assertEquals(7, e.correct());
        assertEquals(10, e.examples());
        assertEquals(0.7, e.accuracy(), 1e-12);
        assertEquals(List.of("a", "b"), e.json().get("classes"));
        assertTrue(e.text().startsWith("accuracy 0.7000 (7/10) on 10 examples: d\n"), e.text());
    }
}
