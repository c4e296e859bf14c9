package dev.galvani.models.data;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Rng;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The sentiment data sets: MR (Pang and Lee 2005; {@code rt-polarity.pos/.neg}, ISO-8859-1),
 * SST-2 ({@code train.tsv}, header {@code label<TAB>sentence}, UTF-8), and a generated set of
 * templated sentences with negation for runs without data.
 */
public final class SentimentData {
    private SentimentData() {}

    public static final List<String> CLASSES = List.of("negative", "positive");

    /** MR: one sentence a line in ISO-8859-1 (every byte is a character, so no line is refused for its encoding). */
    public static TextDataset movieReviews(Path dir) {
        Path neg = dir.resolve("rt-polarity.neg"), pos = dir.resolve("rt-polarity.pos");
        return movieReviews(read(neg), neg.toString(), read(pos), pos.toString());
    }

    /** As {@link #movieReviews(Path)}, from the two files' bytes; the names are for errors. */
    static TextDataset movieReviews(byte[] neg, String negName, byte[] pos, String posName) {
        List<String[]> tokens = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int label = 0; label < 2; label++) {
            String f = label == 1 ? posName : negName;
            int before = tokens.size();
            for (String l : lines(label == 1 ? pos : neg, f, StandardCharsets.ISO_8859_1)) {
                if (l.isBlank()) continue;
                tokens.add(Tokenizer.tokenize(l));
                labels.add(label);
            }
            if (tokens.size() == before) {
                throw new GalvaniException(f + ": no sentences (class '" + CLASSES.get(label) + "' would have no examples)");
            }
        }
        return new TextDataset("mr", tokens, labels.stream().mapToInt(Integer::intValue).toArray(), CLASSES);
    }

    public static TextDataset sst2(Path dir) {
        return sst2File(dir.resolve("train.tsv"));
    }

    /**
     * SST-2's validation split: a seeded {@code heldOut} fraction of the full sentences of
     * {@code train.tsv}, with every training phrase that occurs inside one of them dropped
     * ({@link SentenceSplit}); a random split of the phrases would score sentences whose phrases
     * were trained on.
     */
    public static SentenceSplit.Result sst2Sentences(Path dir, double heldOut, long seed) {
        return SentenceSplit.split(sst2(dir), heldOut, seed);
    }

    /**
     * Any file in SST-2's format (header {@code label<TAB>sentence}, UTF-8). Text has no checksum:
     * malformed UTF-8, a missing header or tab, a label other than 0 or 1 and a file with no rows are
     * refused, but a changed letter reads as a changed sentence.
     */
    public static TextDataset sst2File(Path f) {
        return sst2(read(f), f.toString());
    }

    /** As {@link #sst2File}, from the file's bytes; {@code f} names it in errors. */
    static TextDataset sst2(byte[] bytes, String f) {
        List<String> lines = lines(bytes, f, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).trim().equals("label\tsentence")) {
            throw new GalvaniException(f + ": line 1 should be the header 'label<TAB>sentence'");
        }
        List<String[]> tokens = new ArrayList<>();
        int[] labels = new int[lines.size() - 1];
        int n = 0;
        for (int i = 1; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.isBlank()) continue;
            int tab = l.indexOf('\t');
            if (tab < 0) throw new GalvaniException(f + ": line " + (i + 1) + " has no tab");
            String lab = l.substring(0, tab).trim();
            if (!lab.equals("0") && !lab.equals("1")) throw new GalvaniException(f + ": line " + (i + 1) + " has label '" + lab + "', expected 0 or 1");
            labels[n++] = lab.charAt(0) - '0';
            tokens.add(Tokenizer.tokenize(l.substring(tab + 1)));
        }
        if (n == 0) throw new GalvaniException(f + ": no examples after the header");
        return new TextDataset("sst2", tokens, java.util.Arrays.copyOf(labels, n), CLASSES);
    }

    private static byte[] read(Path f) {
        if (!Files.isRegularFile(f)) throw new GalvaniException(f + ": missing");
        try {
            return Files.readAllBytes(f);
        } catch (IOException e) {
            throw new GalvaniException(f + ": cannot read (" + e.getMessage() + ")");
        }
    }

    /** Lines of text in {@code cs}; malformed bytes are refused, never replaced. */
    private static List<String> lines(byte[] b, String f, java.nio.charset.Charset cs) {
        try {
            String s = cs.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(b)).toString();
            return s.lines().toList();
        } catch (CharacterCodingException e) {
            throw new GalvaniException(f + ": not valid " + cs.name() + " text");
        }
    }

    private static final String[] POS = {"good", "great", "wonderful", "moving", "funny", "brilliant", "charming", "beautiful"};
    private static final String[] NEG = {"bad", "boring", "dull", "awful", "tedious", "weak", "clumsy", "bland"};
    private static final String[] SUBJ = {"the film", "this movie", "the plot", "the acting", "the script", "the story", "the ending", "the cast"};
    private static final String[] FILL = {"really", "quite", "truly", "rather", "so", "very"};

    /**
     * Templated sentences with negation, contrast and mixed opinions, for runs without data: "the
     * plot is not boring", "this movie is truly great , i think", "the acting is dull but the
     * story was never bad". A clause's sentiment is its adjective's, flipped by "not" or "never".
     * After "but" the second clause decides the label. One sentence in five is a mixed review,
     * two clauses of opposite sentiment joined by "and", whose label is a seeded coin flip (as
     * readers of such a review disagree): no model scores above about 90% on these data.
     */
    public static TextDataset generated(int n, long seed) {
        Rng rng = new Rng(seed);
        List<String[]> tokens = new ArrayList<>();
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            StringBuilder s = new StringBuilder();
            int kind = rng.nextInt(10);
            boolean positive = clause(rng, s, rng.nextInt(2) == 1);
            if (kind < 2) {                     // mixed: the opposite opinion, and a coin for the label
                s.append(" and ");
                clause(rng, s, !positive);
                positive = rng.nextInt(2) == 1;
            } else if (kind < 5) {              // contrast: the second clause decides
                s.append(" but ");
                positive = clause(rng, s, rng.nextInt(2) == 1);
            }
            if (rng.nextInt(3) == 0) s.append(" , ").append(rng.nextInt(2) == 1 ? "i think" : "overall");
            tokens.add(Tokenizer.tokenize(s.toString()));
            labels[i] = positive ? 1 : 0;
        }
        return new TextDataset("generated-sentiment", tokens, labels, CLASSES);
    }

    /** Appends "subject is [not|never] [intensifier] adjective" with the given sentiment; returns it. */
    private static boolean clause(Rng rng, StringBuilder s, boolean positive) {
        int negation = rng.nextInt(3); // 0: none, 1: "not", 2: "never"
        boolean positiveWord = positive ^ (negation != 0);
        s.append(SUBJ[rng.nextInt(SUBJ.length)]);
        s.append(negation == 2 ? " was never " : negation == 1 ? " is not " : " is ");
        if (rng.nextInt(2) == 1) s.append(FILL[rng.nextInt(FILL.length)]).append(' ');
        s.append(positiveWord ? POS[rng.nextInt(POS.length)] : NEG[rng.nextInt(NEG.length)]);
        return positive;
    }
}
