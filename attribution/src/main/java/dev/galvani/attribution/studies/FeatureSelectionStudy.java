package dev.galvani.attribution.studies;

import dev.galvani.attribution.activations.LayerActivations;
import dev.galvani.attribution.conductance.AttributionResult;
import dev.galvani.attribution.conductance.Discretisation;
import dev.galvani.attribution.conductance.LayerConductance;
import dev.galvani.attribution.conductance.Quadrature;
import dev.galvani.attribution.linear.LogisticRegression;
import dev.galvani.attribution.report.Report;
import dev.galvani.attribution.stats.Ranking;
import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.Module;
import dev.galvani.models.progress.Progress;
import dev.galvani.models.train.Dataset;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Experiment 2 of "How Important Is a Neuron?" (Dhamdhere, Yan and Sundararajan, 2018;
 * docs/methods.md §1.10), feature
 * selection: for a binary task (a natural class group against the rest, or a seeded random half
 * of the classes against the other half) and {@code n} training images per side, score a layer's
 * filters by their mean attribution over the task's {@code n} positive training images (target:
 * each image's own class), keep the top k, train a logistic regression on those filters'
 * activations (summed over positions) on the {@code 2n} training images, and measure its accuracy
 * on a balanced held-out split of test images. Every (task, seed) draws its images afresh; the
 * smaller {@code n} are prefixes of the largest, so the sizes are nested. Results aggregate as the
 * paper's table does: the natural-group tasks together and the random-label tasks together (mean
 * over the tasks of a kind within a seed), then mean ± standard deviation over seeds.
 */
public final class FeatureSelectionStudy {
    private FeatureSelectionStudy() {}

    public static final List<String> METHODS = List.of("Activations", "Gradient*Activation", "Internal influence", "Conductance");
    public static final int[] KS = {5, 10, 15, 20};

    /** The paper's table (Inception, ImageNet), for the report: [method][k]. */
    public static final double[][] PAPER_WATER = {{54.76, 61.90, 65.48, 69.05}, {67.86, 83.33, 85.71, 88.10}, {50.00, 67.86, 73.81, 75.00}, {88.10, 94.05, 96.43, 94.05}};
    public static final double[][] PAPER_RANDOM = {{46.52, 48.51, 55.81, 60.45}, {56.94, 76.01, 79.74, 84.39}, {48.50, 62.23, 71.37, 72.50}, {68.85, 81.58, 85.99, 87.79}};

    /** A binary task: the classes on the positive side; {@code natural} for a class group, false for a random half. */
    public record Task(String name, boolean[] positive, boolean natural) {}

    /** A named group of classes (a natural task). */
    public record Group(String name, int[] classes) {}

    /**
     * @param trainPerSide the n values, ascending (training images per side, also the images scored)
     * @param testPerSide  held-out images per side
     * @param seeds        draws of the images per task (seed, seed + 1, ...)
     */
    public record Config(List<String> layers, int[] trainPerSide, int testPerSide, int steps, int seeds, long seed) {
        /** The study's defaults: inception3a and inception3b, 5/10/20/50 training images a side, 500 held out a side, 32 steps, 5 draws, 2 random tasks. */
        public static final String LAYERS = "inception3a,inception3b", TRAIN_PER_SIDE = "5,10,20,50";
        public static final int TEST_PER_SIDE = 500, STEPS = 32, SEEDS = 5, RANDOM_TASKS = 2;

        public Config {
            if (layers.isEmpty()) throw new GalvaniException("feature selection needs at least one layer");
            if (trainPerSide.length == 0) throw new GalvaniException("feature selection needs at least one training size");
            for (int i = 0; i < trainPerSide.length; i++) {
                if (trainPerSide[i] < 1 || (i > 0 && trainPerSide[i] <= trainPerSide[i - 1])) {
                    throw new GalvaniException("training sizes per side must be positive and ascending, got " + Arrays.toString(trainPerSide));
                }
            }
            if (testPerSide < 1 || steps < 1 || seeds < 1) throw new GalvaniException("test images per side, steps and seeds must be at least 1");
        }
    }

    /** {@code accuracy[layer][task][seed][n][method][k]} in percent. */
    public record Result(Config config, List<Task> tasks, double[][][][][][] accuracy) {
        /**
         * The paper's aggregation for one layer, training size and kind of task: within each seed the
         * mean over the tasks of that kind, then over seeds the mean and the standard deviation
         * (n − 1): [method][k][{mean, sd}].
         */
        public double[][][] summary(int layer, int n, boolean natural) {
            double[][][] out = new double[METHODS.size()][KS.length][];
            for (int m = 0; m < METHODS.size(); m++) {
                for (int k = 0; k < KS.length; k++) {
                    double[] perSeed = new double[config.seeds()];
                    for (int s = 0; s < perSeed.length; s++) perSeed[s] = kindMean(layer, n, natural, s, m, k);
                    out[m][k] = meanSd(perSeed);
                }
            }
            return out;
        }

        /**
         * Conductance minus the best other method (the one with the highest mean over seeds), per
         * seed on the kind's task mean, as mean and standard deviation over seeds: [k][{mean, sd}].
         * Positive: conductance selects better.
         */
        public double[][] conductanceMargin(int layer, int n, boolean natural) {
            int cond = METHODS.indexOf("Conductance");
            double[][][] s = summary(layer, n, natural);
            double[][] out = new double[KS.length][];
            for (int k = 0; k < KS.length; k++) {
                int best = -1;
                for (int m = 0; m < METHODS.size(); m++) if (m != cond && (best < 0 || s[m][k][0] > s[best][k][0])) best = m;
                double[] margin = new double[config.seeds()];
                for (int seed = 0; seed < margin.length; seed++) margin[seed] = kindMean(layer, n, natural, seed, cond, k) - kindMean(layer, n, natural, seed, best, k);
                out[k] = meanSd(margin);
            }
            return out;
        }

        /** One seed's mean over the tasks of a kind. */
        double kindMean(int layer, int n, boolean natural, int seed, int method, int k) {
            double sum = 0;
            int count = 0;
            for (int t = 0; t < tasks.size(); t++) {
                if (tasks.get(t).natural() != natural) continue;
                sum += accuracy[layer][t][seed][n][method][k];
                count++;
            }
            return count == 0 ? Double.NaN : sum / count;
        }
    }

    static double[] meanSd(double[] v) {
        double m = 0;
        for (double x : v) m += x / v.length;
        double ss = 0;
        for (double x : v) ss += (x - m) * (x - m);
        return new double[] {m, v.length > 1 ? Math.sqrt(ss / (v.length - 1)) : 0};
    }

    /**
     * The natural groups studied by default: on Fashion-MNIST footwear (sandal 5, sneaker 7, ankle
     * boot 9) and upper-body garments (T-shirt 0, pullover 2, coat 4, shirt 6), each against the
     * rest; on other data classes 0-2 and 3-6.
     */
    public static List<Group> defaultGroups(String dataSet) {
        return dataSet.startsWith("fashion")
                ? List.of(new Group("footwear vs rest", new int[] {5, 7, 9}), new Group("upper-body garments vs rest", new int[] {0, 2, 4, 6}))
                : List.of(new Group("classes 0-2 vs rest", new int[] {0, 1, 2}), new Group("classes 3-6 vs rest", new int[] {3, 4, 5, 6}));
    }

    /** A group written {@code NAME=c1,c2,...}, as "NAME vs rest". */
    public static Group parseGroup(String g) {
        int eq = g.indexOf('=');
        if (eq <= 0) throw new GalvaniException("--group must be NAME=c1,c2,..., got '" + g + "'");
        try {
            return new Group(g.substring(0, eq) + " vs rest", Arrays.stream(g.substring(eq + 1).split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray());
        } catch (NumberFormatException e) {
            throw new GalvaniException("--group '" + g + "': classes must be integers");
        }
    }

    /** One line per layer, training size and kind of task: each method's mean accuracy at k = 5/10/15/20, and conductance's margin over the best other method at k = 5. */
    public static String text(Result r) {
        StringBuilder sb = new StringBuilder();
        List<String> layers = r.config().layers();
        for (int li = 0; li < layers.size(); li++) {
            for (int ni = 0; ni < r.config().trainPerSide().length; ni++) {
                for (boolean nat : new boolean[] {true, false}) {
                    double[][][] s = r.summary(li, ni, nat);
                    double[][] margin = r.conductanceMargin(li, ni, nat);
                    sb.append(String.format(Locale.ROOT, "%-12s n=%-3d %-15s", layers.get(li), r.config().trainPerSide()[ni], nat ? "natural groups" : "random labels"));
                    for (int me = 0; me < METHODS.size(); me++) {
                        sb.append(String.format(Locale.ROOT, "  %s %.1f/%.1f/%.1f/%.1f", METHODS.get(me).substring(0, 4), s[me][0][0], s[me][1][0], s[me][2][0], s[me][3][0]));
                    }
                    sb.append(String.format(Locale.ROOT, "  cond-best other k=5: %+.1f ± %.1f%n", margin[0][0], margin[0][1]));
                }
            }
        }
        return sb.toString();
    }

    /** The natural groups, then {@code randomTasks} seeded random halves of the classes (each side exactly half). */
    public static List<Task> tasks(List<Group> groups, int classes, int randomTasks, long seed) {
        if (randomTasks < 0) throw new GalvaniException("--random-tasks must be at least 0, got " + randomTasks);
        List<Task> t = new ArrayList<>();
        for (Group g : groups) {
            boolean[] p = new boolean[classes];
            for (int c : g.classes()) {
                if (c < 0 || c >= classes) throw new GalvaniException("group '" + g.name() + "': class " + c + " is outside 0.." + (classes - 1));
                p[c] = true;
            }
            int pos = 0;
            for (boolean b : p) if (b) pos++;
            if (pos == 0 || pos == classes) throw new GalvaniException("group '" + g.name() + "' must hold some but not all classes");
            t.add(new Task(g.name(), p, true));
        }
        Rng rng = new Rng(seed);
        for (int i = 0; i < randomTasks; i++) {
            int[] perm = rng.permutation(classes);
            boolean[] h = new boolean[classes];
            for (int j = 0; j < classes / 2; j++) h[perm[j]] = true;
            t.add(new Task("random halves " + (i + 1), h, false));
        }
        return t;
    }

    public static Result run(Module model, Dataset train, Dataset test, List<Task> tasks, Config cfg) {
        for (String l : cfg.layers()) model.module(l);
        int[] ns = cfg.trainPerSide();
        int maxN = ns[ns.length - 1], layers = cfg.layers().size();
        double[][][][][][] acc = new double[layers][tasks.size()][cfg.seeds()][ns.length][METHODS.size()][KS.length];
        try (Progress bar = Progress.start("feature selection", (long) tasks.size() * cfg.seeds() * ns.length, "fits")) {
            for (int ti = 0; ti < tasks.size(); ti++) {
                Task task = tasks.get(ti);
                for (int s = 0; s < cfg.seeds(); s++) {
                    Rng rng = new Rng(cfg.seed() + 1000L * ti + s);
                    int[] pos = pick(train, task.positive(), true, maxN, rng), neg = pick(train, task.positive(), false, maxN, rng);
                    int[] tePos = pick(test, task.positive(), true, cfg.testPerSide(), rng), teNeg = pick(test, task.positive(), false, cfg.testPerSide(), rng);
                    int[] teIdx = concat(tePos, teNeg), teY = labels(tePos.length, teNeg.length);
                    Map<String, float[]> teX = LayerActivations.collect(model, test, teIdx, cfg.layers(), LayerActivations.Pooling.SUM);
                    // Per-image scores of the largest n positives (one path pass), activations of all training images drawn.
                    Map<String, Map<String, Tensor>> perImage = perImageScores(model, train, pos, cfg);
                    Map<String, float[]> posX = LayerActivations.collect(model, train, pos, cfg.layers(), LayerActivations.Pooling.SUM);
                    Map<String, float[]> negX = LayerActivations.collect(model, train, neg, cfg.layers(), LayerActivations.Pooling.SUM);
                    for (int ni = 0; ni < ns.length; ni++) {
                        int np = Math.min(ns[ni], pos.length), nq = Math.min(ns[ni], neg.length);
                        int[] trY = labels(np, nq);
                        for (int li = 0; li < layers; li++) {
                            String layer = cfg.layers().get(li);
                            int c = posX.get(layer).length / pos.length;
                            float[] trX = concat(Arrays.copyOf(posX.get(layer), np * c), Arrays.copyOf(negX.get(layer), nq * c));
                            for (int m = 0; m < METHODS.size(); m++) {
                                int[] order = Ranking.argsortDescending(meanOfFirst(perImage.get(layer).get(METHODS.get(m)), np));
                                for (int k = 0; k < KS.length; k++) {
                                    int[] keep = Arrays.copyOf(order, Math.min(KS[k], c));
                                    acc[li][ti][s][ni][m][k] = 100 * heldOutAccuracy(columns(trX, c, keep), trY,
                                            columns(teX.get(layer), c, keep), teY, keep.length, cfg.seed() + s);
                                }
                            }
                        }
                        bar.step(1);
                    }
                }
            }
        }
        return new Result(cfg, tasks, acc);
    }

    /** Each method's per-filter attribution of every image at {@code idx}, per layer, [images, filters] (target: each image's class). */
    static Map<String, Map<String, Tensor>> perImageScores(Module model, Dataset train, int[] idx, Config cfg) {
        Dataset.Batch b = train.batch(idx);
        AttributionResult r = new LayerConductance(model).layers(cfg.layers().toArray(String[]::new)).integratedGradients(false)
                .steps(cfg.steps()).method(Quadrature.GAUSS_LEGENDRE).discretisation(Discretisation.JVP).attribute(b.x(), b.y());
        Map<String, Map<String, Tensor>> out = new LinkedHashMap<>();
        for (String layer : cfg.layers()) {
            AttributionResult.Layer l = r.layer(layer);
            Map<String, Tensor> s = new LinkedHashMap<>();
            s.put("Activations", AttributionResult.Layer.perFilter(l.activation()));
            s.put("Gradient*Activation", AttributionResult.Layer.perFilter(l.gradTimesActivation()));
            s.put("Internal influence", AttributionResult.Layer.perFilter(l.internalInfluence()));
            s.put("Conductance", l.filterConductance());
            out.put(layer, s);
        }
        return out;
    }

    /**
     * Held-out accuracy of an L2-penalised logistic regression (λ 1e-2 on standardised features),
     * trained full-batch to convergence (400 Adam epochs): with a handful of examples per side a
     * mini-batch schedule would stop far from the optimum.
     */
    static double heldOutAccuracy(float[] trX, int[] trY, float[] teX, int[] teY, int d, long seed) {
        LogisticRegression lr = LogisticRegression.fit(trX, trY, d, 2,
                new LogisticRegression.Options(LogisticRegression.Penalty.L2, 1e-2, 400, trY.length, 0.02, seed));
        return lr.accuracy(teX, teY);
    }

    /** The mean of the first {@code n} rows of [images, filters]: each filter's score. */
    static double[] meanOfFirst(Tensor perFilter, int n) {
        int c = perFilter.size(1);
        double[] m = new double[c];
        for (int i = 0; i < n; i++) for (int j = 0; j < c; j++) m[j] += perFilter.get(i, j) / n;
        return m;
    }

    /** Up to {@code n} seeded indices whose class is (or, for {@code want} false, is not) positive. */
    static int[] pick(Dataset d, boolean[] positive, boolean want, int n, Rng rng) {
        int[] labels = d.labels();
        List<Integer> pool = new ArrayList<>();
        for (int i = 0; i < labels.length; i++) if (positive[labels[i]] == want) pool.add(i);
        int[] p = rng.permutation(pool.size());
        int m = Math.min(n, pool.size());
        int[] out = new int[m];
        for (int i = 0; i < m; i++) out[i] = pool.get(p[i]);
        return out;
    }

    static float[] columns(float[] x, int c, int[] keep) {
        int n = x.length / c;
        float[] o = new float[n * keep.length];
        for (int i = 0; i < n; i++) for (int j = 0; j < keep.length; j++) o[i * keep.length + j] = x[i * c + keep[j]];
        return o;
    }

    /** {@code pos} ones (the positive side) then {@code neg} zeros. */
    static int[] labels(int pos, int neg) {
        int[] y = new int[pos + neg];
        Arrays.fill(y, 0, pos, 1);
        return y;
    }

    static int[] concat(int[] a, int[] b) {
        int[] o = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, o, a.length, b.length);
        return o;
    }

    static float[] concat(float[] a, float[] b) {
        float[] o = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, o, a.length, b.length);
        return o;
    }

    static String pm(double[] meanSd) {
        return String.format(Locale.ROOT, "%.1f ± %.1f", meanSd[0], meanSd[1]);
    }

    public static Path report(Result r, Path dir, String modelDescription) {
        Report rep = new Report("Feature selection with conductance", dir);
        Config c = r.config();
        List<String> natural = new ArrayList<>(), random = new ArrayList<>();
        for (Task t : r.tasks()) (t.natural() ? natural : random).add(t.name());
        rep.paragraph("Model: " + modelDescription + ". Layers " + String.join(", ", c.layers()) + ". For each task and training size n, filters are "
                + "scored by their mean attribution over the task's n positive training images (target: each image's class; " + c.steps()
                + " Gauss-Legendre steps, exact dy/dα); a logistic regression on the top-k filters' activations (summed over positions) is "
                + "trained on the n + n training images and tested on " + c.testPerSide() + " + " + c.testPerSide() + " test images. "
                + "Natural-group tasks: " + String.join("; ", natural) + ". Random-label tasks: " + String.join("; ", random) + ". Each of "
                + c.seeds() + " seeds draws new images; within a seed the tasks of a kind are averaged, then mean ± standard deviation over seeds.");
        for (int li = 0; li < c.layers().size(); li++) {
            String layer = c.layers().get(li);
            rep.heading(layer);
            List<List<Object>> rows = new ArrayList<>(), order = new ArrayList<>();
            for (int ni = 0; ni < c.trainPerSide().length; ni++) {
                for (boolean nat : new boolean[] {true, false}) {
                    double[][][] s = r.summary(li, ni, nat);
                    for (int m = 0; m < METHODS.size(); m++) {
                        List<Object> row = new ArrayList<>(List.of(c.trainPerSide()[ni], nat ? "natural groups" : "random labels", METHODS.get(m)));
                        for (int k = 0; k < KS.length; k++) row.add(pm(s[m][k]));
                        rows.add(row);
                    }
                    double[][] margin = r.conductanceMargin(li, ni, nat);
                    List<Object> o = new ArrayList<>(List.of(c.trainPerSide()[ni], nat ? "natural groups" : "random labels"));
                    for (int k = 0; k < KS.length; k++) o.add(pm(margin[k]) + " (best: " + best(s, k) + ")");
                    order.add(o);
                }
            }
            rep.table(layer + ": held-out accuracy (%), mean ± sd over seeds, by training images per side n and selected filters k",
                    "accuracy_" + layer.replace('.', '_'), List.of("n", "tasks", "method", "k=5", "k=10", "k=15", "k=20"), rows);
            rep.table(layer + ": conductance minus the other method with the highest mean (percentage points, per seed, mean ± sd over seeds); "
                            + "the method with the highest mean",
                    "margin_" + layer.replace('.', '_'), List.of("n", "tasks", "k=5", "k=10", "k=15", "k=20"), order);
            List<String> ks = new ArrayList<>();
            for (int k : KS) ks.add("k=" + k);
            for (boolean nat : new boolean[] {true, false}) {
                double[][][] s = r.summary(li, 0, nat);
                List<double[]> series = new ArrayList<>();
                for (int m = 0; m < METHODS.size(); m++) {
                    double[] v = new double[KS.length];
                    for (int k = 0; k < KS.length; k++) v[k] = s[m][k][0];
                    series.add(v);
                }
                String kind = nat ? "natural groups" : "random labels";
                rep.figure(layer + ", " + kind + ", n = " + c.trainPerSide()[0] + ": mean accuracy by k",
                        Report.bars(layer + " " + kind + " n=" + c.trainPerSide()[0], "selected filters", "accuracy (%)", ks, METHODS, series));
            }
        }
        List<List<Object>> paper = new ArrayList<>();
        for (int m = 0; m < METHODS.size(); m++) {
            List<Object> row = new ArrayList<>(List.of("water vessels", METHODS.get(m)));
            for (double v : PAPER_WATER[m]) row.add(v);
            paper.add(row);
        }
        for (int m = 0; m < METHODS.size(); m++) {
            List<Object> row = new ArrayList<>(List.of("random labels", METHODS.get(m)));
            for (double v : PAPER_RANDOM[m]) row.add(v);
            paper.add(row);
        }
        rep.table("The paper's figures (Inception, ImageNet), for comparison", "paper", List.of("task", "method", "k=5", "k=10", "k=15", "k=20"), paper);
        StringBuilder all = new StringBuilder("layer,task,seed,n,method,k=5,k=10,k=15,k=20\n");
        for (int li = 0; li < c.layers().size(); li++) {
            for (int t = 0; t < r.tasks().size(); t++) {
                for (int s = 0; s < c.seeds(); s++) {
                    for (int ni = 0; ni < c.trainPerSide().length; ni++) {
                        for (int m = 0; m < METHODS.size(); m++) {
                            all.append(String.join(",", c.layers().get(li), r.tasks().get(t).name(), Long.toString(c.seed() + s),
                                    Integer.toString(c.trainPerSide()[ni]), METHODS.get(m)));
                            for (int k = 0; k < KS.length; k++) all.append(',').append(r.accuracy()[li][t][s][ni][m][k]);
                            all.append('\n');
                        }
                    }
                }
            }
        }
        rep.file("all_runs.csv", all.toString());
        rep.paragraph("Every layer, task, seed, n and method: all_runs.csv.");
        return rep.write();
    }

    /** The method with the highest mean at {@code k}. */
    static String best(double[][][] summary, int k) {
        int b = 0;
        for (int m = 1; m < METHODS.size(); m++) if (summary[m][k][0] > summary[b][k][0]) b = m;
        return METHODS.get(b);
    }
}
