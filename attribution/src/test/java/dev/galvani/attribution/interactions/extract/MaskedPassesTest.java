package dev.galvani.attribution.interactions.extract;

import dev.galvani.attribution.interactions.HarsanyiInteractions;
import dev.galvani.attribution.interactions.Interactions;
import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.HookPoint;
import dev.galvani.engine.nn.Module;
import org.junit.jupiter.api.Test;

import java.util.List;

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

    @Test void maskingAnAdditiveModelGivesOnlyFirstOrderDividends() {
        float[] px = new float[16];
        for (int i = 0; i < 16; i++) px[i] = i + 1;
        Tensor x = Tensor.of(px, 1, 1, 4, 4);
        Players p = Players.patches(4, 4, 2, 2, 4, 0);        // all four 2x2 cells
        MaskedPasses.Features f = MaskedPasses.run(new SumNet(), x, p, null, List.of("feat"), 5, 1 << 20);
        assertEquals(16, f.perLayer().get("feat").length, "2^4 subsets x 1 unit (the one channel, pooled over positions)");
        // v(x_T) with the logits readout: z_0 − z_1 = the sum of the kept pixels (two classes: logsumexp of one).
        double[] v = Readout.logits().logOdds(f.logits(), 16, 0);
        Interactions i = HarsanyiInteractions.harsanyi(v);
        for (int s = 0; s < 16; s++) {
            int order = Integer.bitCount(s);
            if (order == 1) {
                int player = Integer.numberOfTrailingZeros(s);
                double cell = 0;
                for (int q : p.positions(player)) cell += px[q];
                assertEquals(cell, i.and()[s], 1e-4, "cell " + player);
            } else if (order > 1) {
                assertEquals(0, i.and()[s], 1e-4, "subset " + s);
            }
        }
        assertEquals(0, i.and()[0], 1e-6, "the empty image gives v = 0");
    }

    @Test void memoryBoundSaysHowMuchIsNeeded() {
        Tensor x = Tensor.zeros(1, 1, 4, 4);
        Players p = Players.patches(4, 4, 4, 4, 12, 0);
        var e = assertThrows(GalvaniException.class, () -> MaskedPasses.run(new SumNet(), x, p, null, List.of("feat"), 64, 1024));
        assertTrue(e.getMessage().contains("12 variables need") && e.getMessage().contains("memory bound"), e.getMessage());
        assertThrows(GalvaniException.class, () -> Players.patches(4, 4, 2, 2, 5, 0));
    }
}
