package dev.galvani.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingBenchTest {

    @Test
    void textCnnRunReportsRatesAndMemoryWithoutPytorch() {
        TrainingBench.Result r = TrainingBench.run("textcnn", 4, 1, 2, false, 0.0);
        assertEquals(2, r.rates().length);
        assertTrue(r.best() > 0 && Double.isNaN(r.ratio()));
        assertTrue(r.liveHeapMiB() > 0, "live heap " + r.liveHeapMiB());
        String text = r.toText();
        assertTrue(text.startsWith("textcnn training, batch 4, 1 steps per repetition (random token ids [4, 36], Adam)"), text);
        assertTrue(text.contains("sentences/s") && text.contains("pytorch  (not measured: skipped)"), text);
    }

    @Test
    void aMissingPeerScriptSaysWhy() {
        PyTorchPeer.Outcome o = PyTorchPeer.run("no_such_script.py", List.of(), 10);
        assertFalse(o.ok());
        assertTrue(o.unavailable().contains("no_such_script.py") || o.unavailable().contains("bench/python"), o.unavailable());
    }
}
