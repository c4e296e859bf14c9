package dev.galvani.attribution.interactions.extract;

import dev.galvani.attribution.activations.LayerActivations.Pooling;
import dev.galvani.attribution.interactions.HarsanyiInteractions;
import dev.galvani.attribution.interactions.Interactions;
import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.HookPoint;
import dev.galvani.engine.nn.Module;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class MaskedPassesTest {
    /** logits = [Σ pixels, 0] on a 4x4 image: an additive game over patches, so only order-1 AND dividends. */
    static final class SumNet extends Module {
        final Module feat = add("feat", new HookPoint());
        @Override protected Tensor forward(Tensor x) {
            Tensor s = feat.call(x).reshape(x.size(0), -1).sum(true, 1);        // [R, 1]
            return dev.galvani.engine.F.concat(1, s, s.mul(0f));
        }
    }

    private static final float[] PIXELS = new float[16];
    static {
        for (int i = 0; i < 16; i++) PIXELS[i] = i + 1;
    }

    @Test void maskingAnAdditiveModelGivesOnlyFirstOrderDividends() {
        Tensor x = Tensor.of(PIXELS.clone(), 1, 1, 4, 4);
        Players p = Players.patches(4, 4, 2, 2, 4, 0);        // all four 2x2 cells
        // v(x_T) from the logits: z_0 − z_1 = the sum of the kept pixels (two classes: logsumexp of one)
        double[] v = MaskedPasses.games(new SumNet(), x, 0, p, null, null, Map.of(), 5).get(LayerwiseInteractions.OUTPUT);
        assertEquals(16, v.length);
        Interactions i = HarsanyiInteractions.harsanyi(v);
        for (int s = 0; s < 16; s++) {
            int order = Integer.bitCount(s);
            if (order == 1) {
                int player = Integer.numberOfTrailingZeros(s);
                double cell = 0;
                for (int q : p.positions(player)) cell += PIXELS[q];
                assertEquals(cell, i.and()[s], 1e-4, "cell " + player);
            } else if (order > 1) {
                assertEquals(0, i.and()[s], 1e-4, "subset " + s);
            }
        }
        assertEquals(0, i.and()[0], 1e-6, "the empty image gives v = 0");
    }

    @Test void aFlattenedReadoutSeesWherePixelsAre() {
        // readout on the 16 flattened pixels of 'feat': class 0 weighs pixel k by w_k, class 1 is 0, so
        // v(x_T) = Σ_{k kept} w_k x_k exactly; a position-pooled readout could only see the mean
        float[] w = new float[32];
        for (int k = 0; k < 16; k++) w[k] = (k % 3) - 1;     // −1, 0, 1, −1, ...
        LinearReadout ro = LinearReadout.of("feat", Pooling.NONE, w, new float[] {0.5f, 0});
        Tensor x = Tensor.of(PIXELS.clone(), 1, 1, 4, 4);
        Players p = Players.patches(4, 4, 2, 2, 4, 0);
        double[] v = MaskedPasses.games(new SumNet(), x, 0, p, null, null, Map.of("feat", ro), 3).get("feat");
        for (int t = 0; t < 16; t++) {
            double expected = 0.5;
            for (int player = 0; player < 4; player++) {
                if ((t >> player & 1) == 0) continue;
                for (int q : p.positions(player)) expected += w[q] * PIXELS[q];
            }
            assertEquals(expected, v[t], 1e-4, "T=" + t);
        }
    }

    @Test void noiseIsAddedBeforeMaskingSoAbsentPlayersStayAtTheBaseline() {
        Tensor x = Tensor.of(PIXELS.clone(), 1, 1, 4, 4);
        Tensor noise = Tensor.of(new float[16], 1, 1, 4, 4);
        noise.data()[0] = 100;                                    // on player 0's cell (top-left)
        Players p = Players.patches(4, 4, 2, 2, 4, 0);
        double[] clean = MaskedPasses.games(new SumNet(), x, 0, p, null, null, Map.of(), 16).get(LayerwiseInteractions.OUTPUT);
        double[] noisy = MaskedPasses.games(new SumNet(), x, 0, p, null, noise, Map.of(), 16).get(LayerwiseInteractions.OUTPUT);
        for (int t = 0; t < 16; t++) assertEquals(clean[t] + ((t & 1) == 1 ? 100 : 0), noisy[t], 1e-3, "T=" + t);
    }

    @Test void maskingAtANamedNodeZeroesWholePositions() {
        // a "sequence" [1, T=3, D=2] masked at the node 'feat': each word is a row of D values
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 1, 3, 2);
        Players words = Players.words(new String[] {"a", "b", "c"});
        double[] v = MaskedPasses.games(new SumNet(), x, 0, words, "feat", null, Map.of(), 8).get(LayerwiseInteractions.OUTPUT);
        assertArrayEquals(new double[] {0, 3, 7, 10, 11, 14, 18, 21}, v, 1e-4);
    }

    @Test void badArgumentsAreOneLine() {
        Tensor x = Tensor.zeros(1, 1, 4, 4);
        Players p = Players.patches(4, 4, 2, 2, 4, 0);
        var e = assertThrows(GalvaniException.class, () -> MaskedPasses.games(new SumNet(), x, 0, p, null, null, Map.of(), 0));
        assertTrue(e.getMessage().contains("--max-rows"), e.getMessage());
        assertThrows(GalvaniException.class, () -> Players.patches(4, 4, 2, 2, 5, 0));
        LinearReadout wrong = LinearReadout.of("feat", Pooling.NONE, new float[2 * 5], new float[2]);
        e = assertThrows(GalvaniException.class, () -> MaskedPasses.games(new SumNet(), x, 0, p, null, null, Map.of("feat", wrong), 4));
        assertTrue(e.getMessage().contains("expects 5 features"), e.getMessage());
    }
}
