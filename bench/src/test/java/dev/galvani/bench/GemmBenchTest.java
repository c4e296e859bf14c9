package dev.galvani.bench;

import dev.galvani.engine.GalvaniException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GemmBenchTest {

    @Test
    void smallRunAgreesWithEjmlAndReportsPositiveRates() {
        GemmBench.Result r = GemmBench.run(37, 0.05, false);
        assertEquals(37, r.n());
        assertTrue(r.maxRelativeDifference() < 1e-5, "galvani and ejml differ: " + r.maxRelativeDifference());
        assertTrue(r.galvaniBest() >= r.galvaniMedian() && r.galvaniMedian() > 0);
        assertTrue(r.ejmlBest() >= r.ejmlMedian() && r.ejmlMedian() > 0);
        assertEquals(r.galvaniBest() / r.ejmlBest(), r.ratio(), 1e-12);
        assertTrue(r.toJson().startsWith("{\"benchmark\":\"gemm\",\"n\":37,"), r.toJson());
        assertTrue(r.toText().contains(r.jdk()));
        assertTrue(r.peak() > 0 && Double.isNaN(r.pytorchBest()), r.toText());
        assertEquals(r.galvaniBest() / r.peak(), r.fractionOfPeak(), 1e-12);
        assertTrue(r.toText().contains("pytorch  (not measured: skipped)"), r.toText());
    }

    @Test
    void sizeBelowOneIsAUserError() {
        GalvaniException e = assertThrows(GalvaniException.class, () -> GemmBench.run(0, 0.01));
        assertTrue(e.getMessage().contains("--size"));
    }
}
