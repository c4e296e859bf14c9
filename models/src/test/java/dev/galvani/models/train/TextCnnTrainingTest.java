package dev.galvani.models.train;

import dev.galvani.engine.Tensor;
import dev.galvani.models.data.SentimentData;
import dev.galvani.models.data.TextDataset;
import dev.galvani.models.data.Vocabulary;
import dev.galvani.models.layers.Linear;
import dev.galvani.engine.Rng;
import dev.galvani.models.nets.TextCnn;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Kim (2014)'s training choices: Adadelta and the max-norm constraint on the output weights. */
class TextCnnTrainingTest {
    @Test void adadeltaStepsByHand() {
        // ρ = 0.95, ε = 1e-6, lr 1, g = 2 twice on w = 1:
        // step 1: E[g²] = 0.05·4 = 0.2, Δ = √(1e-6)/√(0.200001)·2, E[Δ²] = 0.05Δ²;
        // step 2: E[g²] = 0.95·0.2 + 0.2 = 0.39, Δ₂ = √(E[Δ²] + 1e-6)/√(0.390001)·2.
        Tensor w = Tensor.of(new float[] {1}, 1);
        Optimizer opt = Optimizer.create("adadelta", List.of(w), 1f, 0f);
        double d1 = Math.sqrt(1e-6) / Math.sqrt(0.2 + 1e-6) * 2, acc = 0.05 * d1 * d1;
        double d2 = Math.sqrt(acc + 1e-6) / Math.sqrt(0.39 + 1e-6) * 2;
        w.grad = Tensor.of(new float[] {2}, 1);
        opt.step();
        assertEquals(1 - d1, w.data()[0], 1e-6);
        w.grad = Tensor.of(new float[] {2}, 1);
        opt.step();
        assertEquals(1 - d1 - d2, w.data()[0], 1e-6);
    }

    @Test void maxNormRescalesOnlyLongRows() {
        Linear l = new Linear(new Rng(0), 2, 2, false);
        float[] w = l.parameters().get("weight").data();
        System.arraycopy(new float[] {3, 4, 0.3f, 0.4f}, 0, w, 0, 4);
        l.maxNormRows(1);
        assertArrayEquals(new float[] {0.6f, 0.8f, 0.3f, 0.4f}, w, 1e-6f);
    }

    @Test void trainingKeepsTheOutputRowsWithinTheMaxNorm() {
        TextDataset d = SentimentData.generated(200, 1);
        Vocabulary v = Vocabulary.build(d.tokens(), 1, 1000);
        double[] constrained = rowNorms(train(v, d, 0.05f)), free = rowNorms(train(v, d, 0f));
        for (int c = 0; c < 2; c++) {
            assertTrue(constrained[c] <= 0.05 + 1e-6, "row " + c + " norm " + constrained[c]);
            assertTrue(free[c] > 0.1, "without the constraint the row is longer: " + free[c]);
        }
    }

    static TextCnn train(Vocabulary v, TextDataset d, float maxNorm) {
        TextCnn net = new TextCnn(0, v.size(), 16, 8, 2, 0.5f, maxNorm);
        Trainer.fit(net, d.encoded(v), null, new Trainer.Config(1, 20, "adam", 0.01f, 0f, false, 0, 3));
        return net;
    }

    static double[] rowNorms(TextCnn net) {
        float[] w = net.parameters().get("fc.weight").data();        // [2, 24]
        double[] n = new double[2];
        for (int c = 0; c < 2; c++) {
            for (int j = 0; j < 24; j++) n[c] += w[c * 24 + j] * w[c * 24 + j];
            n[c] = Math.sqrt(n[c]);
        }
        return n;
    }
}
