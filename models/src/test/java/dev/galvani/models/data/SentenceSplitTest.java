package dev.galvani.models.data;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Rng;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class SentenceSplitTest {
    static TextDataset of(String... phrases) {
        List<String[]> t = new ArrayList<>();
        int[] y = new int[phrases.length];
        for (int i = 0; i < phrases.length; i++) {
            t.add(phrases[i].split(" "));
            y[i] = i % 2;
        }
        return new TextDataset("test", t, y, SentimentData.CLASSES);
    }

    static String join(String[] t) {
        return " " + String.join(" ", t) + " ";
    }

    /** The brute-force rule: no training phrase is a substring of a held-out sentence, on word boundaries. */
    static void assertDisjoint(SentenceSplit.Result r) {
        for (String[] p : r.train().tokens()) {
            String jp = join(p);
            for (String[] s : r.heldOut().tokens()) assertFalse(join(s).contains(jp), "'" + jp.trim() + "' occurs in held-out '" + join(s).trim() + "'");
        }
    }

    @Test void sentencesByHand() {
        // Two sentences and their phrases; "a b" occurs in both, "c" only in the first, "e" in neither.
        TextDataset d = of("a b c", "a b", "b c", "c", "a b d", "b d", "d", "e", "a");
        // maximal phrases: "a b c", "a b d", "e": each seed holds out round(3 × 0.34) = 1 of them
        for (long seed = 0; seed < 6; seed++) {
            SentenceSplit.Result r = SentenceSplit.split(d, 0.34, seed);
            assertEquals(3, r.sentences());
            assertEquals(1, r.heldOut().size());
            assertEquals(d.size() - 1, r.dropped() + r.kept());
            assertDisjoint(r);
            String held = String.join(" ", r.heldOut().tokens().get(0));
            Set<String> kept = new HashSet<>();
            for (String[] p : r.train().tokens()) kept.add(String.join(" ", p));
            switch (held) {
                case "a b c" -> assertEquals(Set.of("a b d", "b d", "d", "e"), kept);     // a b, b c, c, a dropped
                case "a b d" -> assertEquals(Set.of("a b c", "b c", "c", "e"), kept);
                case "e" -> assertEquals(Set.of("a b c", "a b", "b c", "c", "a b d", "b d", "d", "a"), kept);
                default -> fail("held out a phrase that is not a full sentence: " + held);
            }
        }
    }

    @Test void matchesBruteForceOnRandomPhrases() {
        // Random sentences over a 6-word vocabulary (so that phrases recur across sentences), with
        // every contiguous range of each sentence as a phrase, as in SST-2's train.tsv.
        Rng rng = new Rng(3);
        Set<String> seen = new HashSet<>();
        List<String> phrases = new ArrayList<>();
        for (int s = 0; s < 40; s++) {
            int len = 3 + rng.nextInt(8);
            String[] w = new String[len];
            for (int j = 0; j < len; j++) w[j] = "w" + rng.nextInt(6);
            for (int a = 0; a < len; a++) for (int b = a + 1; b <= len; b++) {
                String p = String.join(" ", java.util.Arrays.copyOfRange(w, a, b));
                if (seen.add(p)) phrases.add(p);
            }
        }
        TextDataset d = of(phrases.toArray(String[]::new));
        SentenceSplit.Result r = SentenceSplit.split(d, 0.2, 7);
        assertDisjoint(r);
        // Brute force: a phrase is kept exactly when it is not held out and occurs in no held-out sentence.
        Set<String> held = new HashSet<>();
        for (String[] s : r.heldOut().tokens()) held.add(join(s));
        int expectKept = 0, full = 0;
        for (String p : phrases) {
            String jp = " " + p + " ";
            boolean inOther = false;
            for (String q : phrases) if (!q.equals(p) && (" " + q + " ").contains(jp)) inOther = true;
            if (!inOther) full++;
            if (held.contains(jp)) continue;
            boolean inside = false;
            for (String h : held) if (h.contains(jp)) inside = true;
            if (!inside) expectKept++;
        }
        assertEquals(full, r.sentences());
        for (String h : held) {
            for (String q : phrases) assertFalse(!(" " + q + " ").equals(h) && (" " + q + " ").contains(h), "held out '" + h + "' is inside '" + q + "'");
        }
        assertEquals(expectKept, r.kept());
        assertTrue(r.dropped() > 0 && r.kept() > 0);
    }

    @Test void badFractionIsAClearError() {
        var e = assertThrows(GalvaniException.class, () -> SentenceSplit.split(of("a b", "a"), 1.0, 0));
        assertTrue(e.getMessage().contains("held-out fraction"), e.getMessage());
        e = assertThrows(GalvaniException.class, () -> SentenceSplit.split(of("a b", "a"), 0.5, 0));
        assertTrue(e.getMessage().contains("fewer than 2 full sentences"), e.getMessage());
    }

    /** SST-2 itself: a sample of training phrases checked against every held-out sentence by substring search. */
    @Test void sst2HeldOutSentencesHoldNoTrainingPhrase() {
        Optional<Path> dir = DataLocator.find(null, "sst2");
        Assumptions.assumeTrue(dir.isPresent(), "SST-2 not found (set GALVANI_DATA); skipping");
        TextDataset all = SentimentData.sst2(dir.get());
        SentenceSplit.Result r = SentenceSplit.split(all, 0.1, 0);
        assertTrue(r.sentences() > 5000 && r.sentences() < all.size() / 5, r.describe());
        assertEquals(Math.round(r.sentences() * 0.1), r.heldOut().size());
        assertEquals(all.size(), r.heldOut().size() + r.dropped() + r.kept());
        List<String> held = new ArrayList<>();
        for (String[] s : r.heldOut().tokens()) held.add(join(s));
        Rng rng = new Rng(1);
        for (int k = 0; k < 1500; k++) {
            String p = join(r.train().tokens().get(rng.nextInt(r.train().size())));
            for (String h : held) assertFalse(h.contains(p), "training phrase '" + p.trim() + "' occurs in held-out '" + h.trim() + "'");
        }
    }
}
