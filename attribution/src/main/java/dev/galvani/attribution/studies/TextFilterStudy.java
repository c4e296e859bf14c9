package dev.galvani.attribution.studies;

import dev.galvani.attribution.conductance.AttributionResult;
import dev.galvani.attribution.conductance.Discretisation;
import dev.galvani.attribution.conductance.LayerConductance;
import dev.galvani.attribution.conductance.Quadrature;
import dev.galvani.attribution.report.Report;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.autodiff.Grad;
import dev.galvani.engine.nn.Module;
import dev.galvani.models.data.TextDataset;
import dev.galvani.models.data.Vocabulary;
import dev.galvani.models.nets.TextCnn;
import dev.galvani.models.progress.Progress;
import dev.galvani.models.train.Dataset;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Experiment 3 of "How Important Is a Neuron?" (docs/methods.md §1.10): conductance of each max-pooled
 * filter of Kim's text CNN (node {@code features}), with the path starting at the embedding (the
 * baseline is the padding embedding, zero) and {@code F} the positive class's logit. Filters lean
 * positive or negative by the sign of their mean conductance; a filter responds to negation when
 * the n-gram at its max-over-time position holds a negation word more often than chance.
 */
public final class TextFilterStudy {
    private TextFilterStudy() {}

    public static final Set<String> NEGATIONS = Set.of("not", "never", "n't", "no", "nothing", "nobody", "neither", "nor", "without");

    public record Filter(int index, int width, double meanConductance, double meanAbsConductance,
                         double negationRate, List<String> topNgrams, List<Integer> topSentences) {}

    /**
     * @param wordScores per example sentence ({@link #exampleSentences}): each word's integrated
     *                   gradients for the positive class's logit, summed over the embedding
     */
    public record Result(List<Filter> filters, double baseNegationRate, double medianRelativeDelta, int sentences,
                         String[][] tokens, int[] labels, Map<Integer, double[]> wordScores) {
        /** How many filters lean each way, the conservation gap, and the filter most specific to negations. */
        public String text() {
            long pos = filters.stream().filter(f -> f.meanConductance() > 0).count();
            Filter neg = filters.stream().max(Comparator.comparingDouble(Filter::negationRate)).orElseThrow();
            return String.format(Locale.ROOT, "%d sentences; %d filters lean positive, %d negative; median relative delta %.2e%n"
                            + "top negation filter %d: rate %.2f vs base %.3f, n-grams %s%n",
                    sentences, pos, filters.size() - pos, medianRelativeDelta, neg.index(), neg.negationRate(), baseNegationRate, neg.topNgrams());
        }
    }

    /** The study's defaults: the first 500 held-out sentences, 32 steps. */
    public static final int SENTENCES = 500, STEPS = 32;

    /** The first {@code n} sentences of {@code sentences}, encoded with the checkpoint's vocabulary and padded to a common length. */
    public static Result run(Module model, TextDataset sentences, Vocabulary vocabulary, int n, int steps) {
        TextDataset sub = sentences.subset(Dataset.range(0, Math.min(n, sentences.size())));
        int t = TextDataset.MIN_WIDTH;
        for (String[] s : sub.tokens()) t = Math.max(t, s.length);
        int[][] ids = new int[sub.size()][];
        String[][] toks = new String[sub.size()][];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = Arrays.copyOf(vocabulary.encode(sub.tokens().get(i)), t);
            toks[i] = sub.tokens().get(i);
        }
        return run(model, ids, toks, sub.labels(), steps, 32);
    }

    /**
     * @param ids    token ids, [N][T] padded with 0 to a common length of at least 5
     * @param tokens the words of each sentence (for n-grams), unpadded
     */
    public static Result run(Module model, int[][] ids, String[][] tokens, int[] labels, int steps, int batch) {
        int n = ids.length, t = ids[0].length;
        int filtersPerWidth = -1;
        double[][] cond = null;            // [N][filters]
        int[][] argmaxPos = null;          // [N][filters]
        List<Double> deltas = new ArrayList<>();
        int positive = 1;
        try (Progress bar = Progress.start("text filters", n, "sentences")) {
            for (int b0 = 0; b0 < n; b0 += batch) {
                int b1 = Math.min(n, b0 + batch);
                Tensor x = idsTensor(ids, b0, b1, t);
                int[] cls = new int[b1 - b0];
                Arrays.fill(cls, positive);
                AttributionResult r = new LayerConductance(model).layers("features").integratedGradients(false).pathFrom("embedding").steps(steps)
                        .method(Quadrature.GAUSS_LEGENDRE).discretisation(Discretisation.JVP).maxRows(512).attribute(x, cls);
                Tensor c = r.layer("features").conductance();                 // [b, 3 x filters]
                for (double d : r.relativeDelta("features")) deltas.add(d);
                int[][] pos = maxPositions(model, x);
                if (cond == null) {
                    cond = new double[n][c.size(1)];
                    argmaxPos = new int[n][];
                    filtersPerWidth = c.size(1) / TextCnn.WIDTHS.length;
                }
                for (int i = 0; i < b1 - b0; i++) {
                    for (int f = 0; f < c.size(1); f++) cond[b0 + i][f] = c.get(i, f);
                    argmaxPos[b0 + i] = pos[i];
                }
                bar.step(b1 - b0);
            }
        }
        int total = cond[0].length;
        // Base rate: how often a random window of a sentence holds a negation word.
        double base = baseNegationRate(tokens);
        List<Filter> filters = new ArrayList<>();
        for (int f = 0; f < total; f++) {
            int width = TextCnn.WIDTHS[f / filtersPerWidth];
            double s = 0, sa = 0;
            int neg = 0;
            Map<String, Integer> grams = new HashMap<>();
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                s += cond[i][f];
                sa += Math.abs(cond[i][f]);
                order[i] = i;
                String g = ngram(tokens[i], argmaxPos[i][f], width);
                if (!g.isEmpty()) grams.merge(g, 1, Integer::sum);
                if (containsNegation(tokens[i], argmaxPos[i][f], width)) neg++;
            }
            final int ff = f;
            final double[][] cc = cond;
            Arrays.sort(order, Comparator.comparingDouble(i -> -Math.abs(cc[i][ff])));
            List<String> top = grams.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(5)
                    .map(e -> e.getKey() + " (" + e.getValue() + ")").toList();
            filters.add(new Filter(f, width, s / n, sa / n, (double) neg / n, top, Arrays.asList(order).subList(0, Math.min(3, n))));
        }
        double[] d = deltas.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new Result(filters, base, d[d.length / 2], n, tokens, labels, wordScores(model, ids, tokens, exampleSentences(filters), steps));
    }

    /** The sentences the report shows: the top sentences of the six filters with the largest mean |conductance|, without repeats. */
    static List<Integer> exampleSentences(List<Filter> filters) {
        List<Filter> byStrength = new ArrayList<>(filters);
        byStrength.sort(Comparator.comparingDouble(f -> -Math.abs(f.meanConductance())));
        java.util.LinkedHashSet<Integer> out = new java.util.LinkedHashSet<>();
        for (Filter f : byStrength.subList(0, Math.min(6, byStrength.size()))) out.addAll(f.topSentences());
        return new ArrayList<>(out);
    }

    /** Integrated gradients of the positive class's logit per word of the given sentences (summed over the embedding). */
    static Map<Integer, double[]> wordScores(Module model, int[][] ids, String[][] tokens, List<Integer> which, int steps) {
        Map<Integer, double[]> out = new java.util.LinkedHashMap<>();
        if (which.isEmpty()) return out;
        int t = ids[0].length;
        int[][] sel = new int[which.size()][];
        for (int i = 0; i < sel.length; i++) sel[i] = ids[which.get(i)];
        int[] cls = new int[sel.length];
        Arrays.fill(cls, 1);
        Tensor words = new LayerConductance(model).layers("features").pathFrom("embedding").steps(steps)
                .method(Quadrature.GAUSS_LEGENDRE).discretisation(Discretisation.JVP).maxRows(512)
                .attribute(idsTensor(sel, 0, sel.length, t), cls).tokenScores();     // [k, T]
        for (int i = 0; i < sel.length; i++) {
            double[] w = new double[tokens[which.get(i)].length];
            for (int j = 0; j < w.length && j < t; j++) w[j] = words.get(i, j);
            out.put(which.get(i), w);
        }
        return out;
    }

    /** Position of each filter's max over time, [N][filters], from the ReLU outputs of each width. */
    static int[][] maxPositions(Module model, Tensor x) {
        List<String> relus = new ArrayList<>();
        for (int w : TextCnn.WIDTHS) relus.add("conv" + w + ".relu");
        Map<String, Tensor> cache;
        try (Module.Mode e = model.evaluating(); Grad.Scope g = Grad.off()) {
            cache = model.runWithCache(x, relus).cache();
        }
        int n = x.size(0);
        List<int[][]> parts = new ArrayList<>();
        int total = 0;
        for (int w : TextCnn.WIDTHS) {
            Tensor a = cache.get("conv" + w + ".relu");                // [N, F, L]
            int f = a.size(1), l = a.size(2);
            int[][] p = new int[n][f];
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < f; k++) {
                    int best = 0;
                    int base = (i * f + k) * l;
                    for (int j = 1; j < l; j++) if (a.data()[base + j] > a.data()[base + best]) best = j;
                    p[i][k] = best;
                }
            }
            parts.add(p);
            total += f;
        }
        int[][] out = new int[n][total];
        for (int i = 0; i < n; i++) {
            int off = 0;
            for (int[][] p : parts) {
                System.arraycopy(p[i], 0, out[i], off, p[i].length);
                off += p[i].length;
            }
        }
        return out;
    }

    static Tensor idsTensor(int[][] ids, int from, int to, int t) {
        float[] d = new float[(to - from) * t];
        for (int i = from; i < to; i++) for (int j = 0; j < t; j++) d[(i - from) * t + j] = j < ids[i].length ? ids[i][j] : 0;
        return new Tensor(d, to - from, t);
    }

    static String ngram(String[] tokens, int pos, int width) {
        StringBuilder sb = new StringBuilder();
        for (int j = pos; j < Math.min(tokens.length, pos + width); j++) sb.append(sb.length() > 0 ? " " : "").append(tokens[j]);
        return sb.toString();
    }

    static boolean containsNegation(String[] tokens, int pos, int width) {
        for (int j = pos; j < Math.min(tokens.length, pos + width); j++) if (NEGATIONS.contains(tokens[j])) return true;
        return false;
    }

    static double baseNegationRate(String[][] tokens) {
        long hits = 0, windows = 0;
        for (String[] s : tokens) {
            for (int p = 0; p < Math.max(1, s.length - 2); p++) {
                windows++;
                if (containsNegation(s, p, 4)) hits++;
            }
        }
        return windows == 0 ? 0 : (double) hits / windows;
    }

    public static Path report(Result r, Path dir, String modelDescription) {
        Report rep = new Report("Text CNN filters by conductance", dir);
        long pos = r.filters().stream().filter(f -> f.meanConductance() > 0).count();
        rep.paragraph("Model: " + modelDescription + ". " + r.sentences() + " sentences; conductance of each max-pooled filter (node "
                + "'features') for the positive class's logit, path from the padding embedding (zero) to the sentence's embedding. "
                + pos + " of " + r.filters().size() + " filters lean positive (mean conductance > 0), " + (r.filters().size() - pos)
                + " negative. Median relative conservation delta at 'features': " + String.format(Locale.ROOT, "%.2e", r.medianRelativeDelta())
                + ". A window of 4 words holds a negation word with base rate " + String.format(Locale.ROOT, "%.3f", r.baseNegationRate()) + ".");
        List<Filter> byStrength = new ArrayList<>(r.filters());
        byStrength.sort(Comparator.comparingDouble(f -> -Math.abs(f.meanConductance())));
        rep.table("Most positive- and negative-leaning filters", "leaning", List.of("filter", "width", "mean conductance", "mean |conductance|", "negation rate", "top n-grams at max position"),
                rowsOf(byStrength.subList(0, Math.min(20, byStrength.size()))));
        List<Filter> byNeg = new ArrayList<>(r.filters());
        byNeg.sort(Comparator.comparingDouble(f -> -f.negationRate()));
        rep.table("Filters that respond to negation (highest share of max windows holding not / never / n't / no)", "negation",
                List.of("filter", "width", "mean conductance", "mean |conductance|", "negation rate", "top n-grams at max position"),
                rowsOf(byNeg.subList(0, Math.min(10, byNeg.size()))));
        rep.heading("Example sentences");
        rep.paragraph("The sentences on which the six strongest filters respond most, every word coloured by its integrated gradients "
                + "for the positive class's logit (summed over the embedding; red towards positive, blue towards negative), on one scale.");
        List<String[]> sentences = new ArrayList<>();
        List<double[]> scores = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        List<Filter> strongest = byStrength.subList(0, Math.min(6, byStrength.size()));
        for (int i : exampleSentences(r.filters())) {
            List<String> by = new ArrayList<>();
            for (Filter f : strongest) if (f.topSentences().contains(i)) by.add(f.index() + (f.meanConductance() > 0 ? " (positive)" : " (negative)"));
            sentences.add(r.tokens()[i]);
            scores.add(r.wordScores().get(i));
            notes.add("label " + dev.galvani.models.data.SentimentData.CLASSES.get(r.labels()[i]) + "; top sentence of filter " + String.join(", ", by));
        }
        rep.words("Example sentences, one colour scale shared by all words", "example_words", sentences, scores, notes,
                "integrated gradients (positive class)");
        double[] means = r.filters().stream().mapToDouble(Filter::meanConductance).toArray();
        rep.figure("Mean conductance of the filters, sorted: the most positive- and negative-leaning ones numbered",
                Report.rankedBars("Filter leaning", "filter", "mean conductance", means, 15, 10));
        List<List<Object>> all = rowsOf(r.filters());
        rep.table("All filters", "filters", List.of("filter", "width", "mean conductance", "mean |conductance|", "negation rate", "top n-grams at max position"), all);
        return rep.write();
    }

    private static List<List<Object>> rowsOf(List<Filter> fs) {
        List<List<Object>> rows = new ArrayList<>();
        for (Filter f : fs) rows.add(List.of(f.index(), f.width(), f.meanConductance(), f.meanAbsConductance(), f.negationRate(), String.join("; ", f.topNgrams())));
        return rows;
    }
}
