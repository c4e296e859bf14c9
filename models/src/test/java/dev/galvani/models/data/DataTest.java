package dev.galvani.models.data;

import dev.galvani.engine.GalvaniException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.*;

class DataTest {
    @TempDir Path dir;

    static Optional<Path> real(String name) {
        return DataLocator.find(null, name);
    }

    @Test void fashionMnistFromTheSharedData() {
        Optional<Path> d = real("fashion-mnist");
        Assumptions.assumeTrue(d.isPresent(), "Fashion-MNIST not found (set GALVANI_DATA); skipping the real-data check");
        FashionMnist.Splits s = FashionMnist.load(d.get());
        assertEquals(60000, s.train().size());
        assertEquals(10000, s.test().size());
        assertEquals(9, s.train().labels()[0], "the first training image is an ankle boot");
        assertEquals(0.2860, s.train().mean(), 1e-3);
        assertEquals(0.3530, s.train().std(), 1e-3);
    }

    @Test void movieReviewsAreLatin1AndSst2HasItsRows() {
        Optional<Path> mr = real("mr"), sst = real("sst2");
        Assumptions.assumeTrue(mr.isPresent() && sst.isPresent(), "MR/SST-2 not found (set GALVANI_DATA); skipping");
        TextDataset m = SentimentData.movieReviews(mr.get());
        assertEquals(10662, m.size());
        long pos = java.util.Arrays.stream(m.labels()).filter(y -> y == 1).count();
        assertEquals(5331, pos);
        TextDataset s = SentimentData.sst2(sst.get());
        assertEquals(67349, s.size());
        TextDataset[] f = m.fold(3, 10, 1);
        assertEquals(m.size(), f[0].size() + f[1].size());
    }

    private Path gz(String name, byte[] content) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(b)) {
            g.write(content);
        }
        Path p = dir.resolve(name);
        Files.write(p, b.toByteArray());
        return p;
    }

    private static byte[] idx(int magic, int... header) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream o = new DataOutputStream(b);
        o.writeInt(magic);
        for (int h : header) o.writeInt(h);
        return b.toByteArray();
    }

    private static void fails(Runnable r, String... fragments) {
        var e = assertThrows(GalvaniException.class, r::run);
        for (String f : fragments) assertTrue(e.getMessage().contains(f), e.getMessage());
    }

    @Test void corruptIdxFilesNameTheFileAndTheFault() throws Exception {
        Path wrongMagic = gz("a.gz", idx(2049, 1, 28, 28));
        fails(() -> FashionMnist.images(wrongMagic), "a.gz", "wrong magic 2049");
        Path truncated = gz("b.gz", idx(2051, 2, 28, 28));
        fails(() -> FashionMnist.images(truncated), "b.gz", "truncated");
        Path notGzip = dir.resolve("c.gz");
        Files.writeString(notGzip, "plain text");
        fails(() -> FashionMnist.images(notGzip), "c.gz", "wrong magic"); // not gzip: read as a raw IDX file
        byte[] labels = idx(2049, 3);
        Path count = gz("d.gz", java.util.Arrays.copyOf(labels, labels.length + 3));
        fails(() -> FashionMnist.labels(count, 5, 10), "d.gz", "3 labels for 5 images");
        byte[] bad = java.util.Arrays.copyOf(labels, labels.length + 3);
        bad[bad.length - 1] = 12;
        Path badLabel = gz("e.gz", bad);
        fails(() -> FashionMnist.labels(badLabel, 3, 10), "e.gz", "label 12");
        fails(() -> FashionMnist.images(dir.resolve("missing.gz")), "missing.gz", "missing");
    }

    @Test void sst2BadLabelNamesTheLine() throws Exception {
        Files.writeString(dir.resolve("train.tsv"), "label\tsentence\n1\tgood\n7\tbad\n");
        fails(() -> SentimentData.sst2(dir), "train.tsv", "line 3", "'7'");
    }

    @Test void latin1IsDecodedAsLatin1() throws Exception {
        Files.write(dir.resolve("rt-polarity.pos"), "un film tr\u00e8s beau\n".getBytes(StandardCharsets.ISO_8859_1));
        Files.write(dir.resolve("rt-polarity.neg"), "bad\n".getBytes(StandardCharsets.ISO_8859_1));
        TextDataset d = SentimentData.movieReviews(dir);
        assertEquals(2, d.size());
        // clean_str drops non-ASCII letters (Kim's preprocessing); the line is read, not rejected
        assertArrayEquals(new String[] {"un", "film", "tr", "s", "beau"}, d.tokens().get(1)); // negatives load first
    }

    @Test void tokenizerSplitsLikeKim() {
        assertArrayEquals(new String[] {"it", "is", "n't", "the", "director", "'s", "best", ",", "is", "it", "?"},
                Tokenizer.tokenize("It isn't the director's best, is it?"));
    }

    @Test void generatedDataAreSeededAndBalanced() {
        ImageDataset a = GeneratedImages.generate(200, 3), b = GeneratedImages.generate(200, 3);
        assertArrayEquals(a.images(), b.images());
        int[] counts = new int[10];
        for (int y : a.labels()) counts[y]++;
        for (int c : counts) assertEquals(20, c);
        TextDataset t = SentimentData.generated(400, 1);
        int contrasts = 0, mixed = 0;
        for (int i = 0; i < t.size(); i++) {
            java.util.List<String> all = java.util.List.of(t.tokens().get(i));
            int but = all.lastIndexOf("but"), and = all.indexOf("and");
            if (and >= 0) {
                // A mixed review: two clauses of opposite sentiment; its label is a coin flip.
                mixed++;
                assertNotEquals(sentiment(all.subList(0, and)), sentiment(all.subList(and + 1, all.size())), String.join(" ", all));
                continue;
            }
            if (but >= 0) contrasts++;
            // Otherwise the label is the last clause's: its adjective's sentiment, flipped by a negation.
            assertEquals(sentiment(all.subList(but + 1, all.size())) ? 1 : 0, t.labels()[i], String.join(" ", all));
        }
        assertTrue(mixed > 50 && mixed < 110, "about 1 in 5 sentences is a mixed review: " + mixed);
        assertTrue(contrasts > 80 && contrasts < 160, "about 3 in 10 sentences have a 'but' clause: " + contrasts);
    }

    /** A clause's sentiment: a positive adjective, flipped by "not" or "never". */
    private static boolean sentiment(java.util.List<String> clause) {
        boolean negated = clause.contains("not") || clause.contains("never");
        boolean positiveWord = clause.stream().anyMatch(x -> java.util.Set.of("good", "great", "wonderful", "moving", "funny", "brilliant", "charming", "beautiful").contains(x));
        return positiveWord ^ negated;
    }
}
