package dev.galvani.attribution.studies;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The ablation findings are written from the numbers, whichever way they go. */
class AblationDescribeTest {
    static AblationStudy.MethodSummary s(String m, double rho, double k, int flipped) {
        return new AblationStudy.MethodSummary(m, rho, rho, k, flipped, 8);
    }

    @Test void conductanceAheadOfRandom() {
        String t = AblationStudy.describe(List.of(s("Conductance", 0.7, 3, 8), s("Activation", 0.9, 12, 5), s("Random", Double.NaN, 25, 1)), 24);
        assertTrue(t.contains("conductance 8 of 8 (median 3 filters)"), t);
        assertTrue(t.contains("a random order 1 of 8"), t);
        assertTrue(t.contains("Conductance flips the most predictions with the fewest filters, well ahead of a random order."), t);
        assertTrue(t.contains("Activation's scores agree best with the single-filter drops (mean Spearman 0.90)."), t);
    }

    @Test void randomAsGoodSaysSo() {
        String t = AblationStudy.describe(List.of(s("Conductance", 0.2, 1, 5), s("Random", Double.NaN, 25, 5)), 24);
        assertTrue(t.contains("conductance 5 of 8 (median 1 filter)"), t);
        assertTrue(t.contains("but no better than a random order"), t);
    }

    @Test void aMedianOfMostlyNoFlipsIsNotCalledANumberOfFilters() {
        String t = AblationStudy.describe(List.of(s("Conductance", 0.3, 25, 1), s("Internal influence", 0.8, 15.5, 8)), 24);
        assertTrue(t.contains("conductance 1 of 8;"), t);
        assertTrue(t.contains("internal influence 8 of 8 (median 15.5 filters)"), t);
    }

    @Test void noFlipSaysSo() {
        String t = AblationStudy.describe(List.of(s("Conductance", 0.2, 25, 0), s("Random", Double.NaN, 25, 0)), 24);
        assertTrue(t.contains("No ranking flips a prediction within 24 filters."), t);
    }
}
