package dev.galvani.attribution.studies;

import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.HookPoint;
import dev.galvani.engine.nn.Module;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The ablation study on a model small enough to work by hand: units {@code u = x + β} (node
 * "units", β = (4, 0, 0)), logits {@code z₀ = u₀ + 5u₁ − u₂} and {@code z₁ = ½(u₀ + u₁ + u₂)}.
 * For x = (3, 1, 2): u = (7, 1, 2), z = (10, 5), predicted class 0. The baseline x' = 0 gives
 * u' = β. Everything is linear, so:
 * <ul>
 * <li>conductance of u_i = a_i (u_i − u'_i) = a_i x_i = (3, 5, −2); gradient × activation
 *     a_i u_i = (7, 5, −2); internal influence a = (1, 5, −1); activation u = (7, 1, 2);</li>
 * <li>zeroing u_i drops z₀ by a_i u_i = (7, 5, −2); patching it to u'_i drops z₀ by a_i x_i = (3, 5, −2).</li>
 * </ul>
 * Ranks (highest first): conductance and internal influence u₁, u₀, u₂; gradient × activation
 * and the zero drops u₀, u₁, u₂; activation u₀, u₂, u₁. Spearman by {@code 1 − 6Σd²/(n(n²−1))}
 * with n = 3: conductance against zero drops Σd² = 2, ρ = ½; against baseline drops ρ = 1;
 * activation against zero drops ½, against baseline drops Σd² = 6, ρ = −½.
 */
class AblationStudyTest {
    static final class Net extends Module {
        final Module units = add("units", new HookPoint());
        final Tensor beta = param("beta", Tensor.of(new float[] {4, 0, 0}, 1, 3));
        final Tensor w = param("w", Tensor.of(new float[] {1, 0.5f, 5, 0.5f, -1, 0.5f}, 3, 2));

        @Override
        protected Tensor forward(Tensor x) {
            return units.call(x.add(beta)).matmul(w);
        }
    }

    static AblationStudy.MethodSummary summary(AblationStudy.RemovalResult r, String method) {
        return r.summary().stream().filter(s -> s.method().equals(method)).findFirst().orElseThrow();
    }

    @Test void rankingDirectionSpearmanAndFlipsByHand() {
        Tensor x = Tensor.of(new float[] {3, 1, 2}, 1, 3);
        AblationStudy.Result r = AblationStudy.run(new Net(), x, new AblationStudy.Config("units", 16, 3, 64, 0));
        assertEquals(3, r.filters());
        assertArrayEquals(new int[] {0}, r.predicted());
        assertArrayEquals(new double[] {3, 5, -2}, r.conductance()[0], 1e-4);

        AblationStudy.RemovalResult zero = r.removal(AblationStudy.Removal.ZERO), base = r.removal(AblationStudy.Removal.BASELINE);
        assertArrayEquals(new double[] {7, 5, -2}, zero.singleDrops()[0], 1e-4);
        assertArrayEquals(new double[] {3, 5, -2}, base.singleDrops()[0], 1e-4);

        assertEquals(0.5, summary(zero, "Conductance").meanSpearman(), 1e-9);
        assertEquals(1.0, summary(base, "Conductance").meanSpearman(), 1e-9);
        assertEquals(1.0, summary(zero, "Gradient*Activation").meanSpearman(), 1e-9);
        assertEquals(0.5, summary(base, "Gradient*Activation").meanSpearman(), 1e-9);
        assertEquals(0.5, summary(zero, "Internal influence").meanSpearman(), 1e-9);
        assertEquals(1.0, summary(base, "Internal influence").meanSpearman(), 1e-9);
        assertEquals(0.5, summary(zero, "Activation").meanSpearman(), 1e-9);
        assertEquals(-0.5, summary(base, "Activation").meanSpearman(), 1e-9);
        assertTrue(Double.isNaN(summary(zero, "Random").meanSpearman()));

        // Flips, zeroing in conductance's order u₁, u₀: u = (7, 0, 2) gives z = (5, 4.5), still
        // class 0; then u = (0, 0, 2) gives (−2, 1): flipped at k = 2. Gradient × activation's
        // order u₀, u₁: (0, 1, 2) gives (3, 1.5), then (0, 0, 2): k = 2. Activation's order u₀,
        // u₂, u₁: (0, 1, 2) → (3, 1.5), (0, 1, 0) → (5, 0.5), (0, 0, 0) → (0, 0), a tie that
        // argmax resolves to class 0: never flips within 3 (−1; summarised as maxK + 1 = 4).
        assertEquals(2, zero.flipK().get("Conductance")[0]);
        assertEquals(2, zero.flipK().get("Gradient*Activation")[0]);
        assertEquals(-1, zero.flipK().get("Activation")[0]);
        assertEquals(4.0, summary(zero, "Activation").medianFlipK());
        assertEquals(0, summary(zero, "Activation").flipped());
        // Patched to the baseline in conductance's order: u₁ → 0 gives (7, 0, 2), z = (5, 4.5);
        // u₀ → 4 gives (4, 0, 2), z = (2, 3): flipped at k = 2.
        assertEquals(2, base.flipK().get("Conductance")[0]);
        // Activation's order patched: u₀ → 4: (4, 1, 2), z = (7, 3.5); u₂ → 0: (4, 1, 0), z = (9, 2.5);
        // u₁ → 0: (4, 0, 0), z = (4, 2): never flips.
        assertEquals(-1, base.flipK().get("Activation")[0]);
    }

    @Test void flipKIsTheFirstChangedPrediction() {
        assertEquals(2, AblationStudy.flipK(new int[][] {{1}, {1}, {0}, {1}}, 1));
        assertEquals(1, AblationStudy.flipK(new int[][] {{1}, {2}}, 1));
        assertEquals(-1, AblationStudy.flipK(new int[][] {{1}, {1}, {1}}, 1));
        assertEquals(-1, AblationStudy.flipK(new int[][] {{1}}, 1));
    }
}
