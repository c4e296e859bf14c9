package dev.galvani.models.data;

import dev.galvani.models.testing.Corruption;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;

import static dev.galvani.models.testing.Theories.*;
import static org.junit.jupiter.api.Assertions.*;
import static org.quicktheories.generators.SourceDSL.integers;

/**
 * SST-2's TSV (UTF-8) and MR's sentence files (ISO-8859-1) under arbitrary bytes, one changed byte
 * and truncation. Text has no checksum: what a reader can promise is a result or one line naming
 * the file, and damage no wider than the lines the byte touches: a changed byte alters, removes,
 * splits or joins lines, so at most two examples differ around it and every other example reads
 * as before.
 */
class SentenceFilePropertiesTest {
    private static final String[] WORDS = {"the", "film", "is", "n't", "good", "dull", "très", "beau", "!", "(", "plot", "?"};
    static final byte[] TSV = tsv(new Random(3));
    static final byte[] POS = sentences(new Random(4)), NEG = sentences(new Random(5));
    static final TextDataset TSV_VALID = sst2(TSV).orElseThrow();
    static final TextDataset MR_VALID = movieReviews(POS, NEG).orElseThrow();

    static String sentence(Random r) {
        StringBuilder s = new StringBuilder();
        for (int i = 0, n = 2 + r.nextInt(8); i < n; i++) s.append(i == 0 ? "" : " ").append(WORDS[r.nextInt(WORDS.length)]);
        return s.toString();
    }

    static byte[] tsv(Random r) {
        StringBuilder s = new StringBuilder("label\tsentence\n");
        for (int i = 0; i < 30; i++) s.append(r.nextInt(2)).append('\t').append(sentence(r)).append('\n');
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    static byte[] sentences(Random r) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 15; i++) s.append(sentence(r)).append('\n');
        return s.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Read from memory (the file readers read the file's bytes and call the same code). */
    private static Optional<TextDataset> sst2(byte[] b) {
        return Corruption.readOrRefused("train.tsv", () -> SentimentData.sst2(b, "train.tsv"));
    }

    private static Optional<TextDataset> movieReviews(byte[] pos, byte[] neg) {
        return Corruption.readOrRefused("rt-polarity.", () -> SentimentData.movieReviews(neg, "rt-polarity.neg", pos, "rt-polarity.pos"));
    }

    /** Examples equal up to a middle stretch of at most two examples on either side. */
    static void atMostTwoExamplesDiffer(TextDataset before, TextDataset after, String what) {
        int n = before.size(), m = after.size(), p = 0, s = 0;
        while (p < Math.min(n, m) && same(before, p, after, p)) p++;
        while (s < Math.min(n, m) - p && same(before, n - 1 - s, after, m - 1 - s)) s++;
        assertTrue(n - p - s <= 2 && m - p - s <= 2, what + ": " + (n - p - s) + " examples became " + (m - p - s));
    }

    private static boolean same(TextDataset a, int i, TextDataset b, int j) {
        return a.labels()[i] == b.labels()[j] && Arrays.equals(a.tokens().get(i), b.tokens().get(j));
    }

    @Test void anyBytesAreReadOrRefused() {
        qt().forAll(bytes(2000)).checkAssert(bytes -> {
            sst2(bytes);
            movieReviews(bytes, NEG);
        });
    }

    @Test void anyRowsAfterTheHeaderAreReadOrRefused() {
        qt().forAll(strings(400)).checkAssert(rows ->
                sst2(("label\tsentence\n" + rows).getBytes(StandardCharsets.UTF_8)).ifPresent(d -> {
                    assertTrue(d.size() > 0);
                    for (int y : d.labels()) assertTrue(y == 0 || y == 1);
                }));
    }

    @Test void aChangedByteOfATsvFileChangesAtMostItsLines() {
        qt().forAll(indexIn(TSV), xors()).checkAssert((at, xor) ->
                sst2(Corruption.flip(TSV, at, xor)).ifPresent(d -> atMostTwoExamplesDiffer(TSV_VALID, d, "byte " + at)));
    }

    @Test void aChangedByteOfASentenceFileChangesAtMostItsLines() {
        qt().forAll(integers().between(0, POS.length + NEG.length - 1), xors()).checkAssert((at, xor) -> {
            boolean pos = at < POS.length;
            Optional<TextDataset> d = pos ? movieReviews(Corruption.flip(POS, at, xor), NEG) : movieReviews(POS, Corruption.flip(NEG, at - POS.length, xor));
            assertTrue(d.isPresent(), "every byte is a Latin-1 character: a changed byte is still a sentence file");
            atMostTwoExamplesDiffer(MR_VALID, d.get(), "byte " + at);
        });
    }

    @Test void aTruncatedFileLosesOnlyItsTail() {
        qt().forAll(integers().between(0, 100_000)).checkAssert(length -> {
            byte[] cut = Corruption.cut(TSV, length % TSV.length);
            sst2(cut).ifPresent(d -> {
                for (int i = 0; i < d.size() - 1; i++) assertTrue(same(TSV_VALID, i, d, i), "example " + i);
            });
            movieReviews(Corruption.cut(POS, length % POS.length), NEG).ifPresent(d -> {
                for (int i = 0; i < d.size() - 1; i++) assertTrue(same(MR_VALID, i, d, i), "example " + i);
            });
        });
    }
}
