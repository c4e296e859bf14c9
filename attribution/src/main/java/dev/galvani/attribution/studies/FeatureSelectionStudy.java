package dev.galvani.attribution.studies;

import dev.galvani.attribution.conductance.AttributionResult;
import dev.galvani.attribution.conductance.Discretisation;
import dev.galvani.attribution.conductance.LayerConductance;
import dev.galvani.attribution.conductance.Quadrature;
import dev.galvani.attribution.linear.LogisticRegression;
import dev.galvani.attribution.report.Report;
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
 * Experiment 2 of "How Important Is a Neuron?" (docs/methods.md §1.10, feature selection): for a binary
 * task (a class group against the rest, or a seeded random half of the classes against the other
 * half), score a layer's filters by their mean attribution over training images of the positive
 * classes (target: the image's class), keep the top k, and train a logistic regression on those
 * filters' activations (summed over positions); report held-out accuracy on a balanced split.
 */
public final class FeatureSelectionStudy {
    private FeatureSelectionStudy() {}

    public static final List<String> METHODS = List.of("Activations", "Gradient*Activation", "Internal influence", "Conductance");
    public static final int[] KS = {5, 10, 15, 20};

    /** The paper's table (Inception, ImageNet), for the report. */
    static final double[][] PAPER_WATER = {{54.76, 61.90, 65.48, 69.05}, {67.86, 83.33, 85.71, 88.10}, {50.00, 67.86, 73.81, 75.00}, {88.10, 94.05, 96.43, 94.05}};
    static final double[][] PAPER_RANDOM = {{46.52, 48.51, 55.81, 60.45}, {56.94, 76.01, 79.74, 84.39}, {48.50, 62.23, 71.37, 72.50}, {68.85, 81.58, 85.99, 87.79}};

    public record Task(String name, boolean[] positive) {}

    public record Config(String layer, int attributionImages, int trainPerSide, int testPerSide, int steps, int randomTasks, long seed) {}

    /** accuracy[task][method][k] in percent. */
    public record Result(Config config, List<Task> tasks, double[][][] accuracy) {
        /** Mean and standard deviation over the random-label tasks, [method][k][2]. */
        public double[][][] randomSummary() {
            double[][][] out = new double[METHODS.size()][KS.length][2];
            int r = tasks.size() - 1;
            for (int m = 0; m < METHODS.size(); m++) {
                for (int k = 0; k < KS.length; k++) {
                    double s = 0, ss = 0;
                    for (int t = 1; t <= r; t++) {
                        s += accuracy[t][m][k];
                        ss += accuracy[t][m][k] * accuracy[t][m][k];
                    }
                    double mean = s / r;
                    out[m][k][0] = mean;
                    out[m][k][1] = r > 1 ? Math.sqrt(Math.max(0, (ss - r * mean * mean) / (r - 1))) : 0;
                }
            }
            return out;
        }
    }

    /** The natural group task (e.g. footwear: sandal 5, sneaker 7, ankle boot 9) and seeded random halves. */
    public static List<Task> tasks(String groupName, int[] group, int classes, int randomTasks, long seed) {
        List<Task> t = new ArrayList<>();
        boolean[] g = new boolean[classes];
        for (int c : group) g[c] = true;
        t.add(new Task(groupName, g));
        Rng rng = new Rng(seed);
        for (int i = 0; i < randomTasks; i++) {
            int[] p = rng.permutation(classes);
            boolean[] h = new boolean[classes];
            for (int j = 0; j < classes / 2; j++) h[p[j]] = true;
            t.add(new Task("random halves " + (i + 1), h));
        }
        return t;
    }

    public static Result run(Module model, Dataset train, Dataset test, List<Task> tasks, Config cfg) {
        // Filter activations (summed over positions) of the whole pools used for the classifiers.
        Rng rng = new Rng(cfg.seed());
        double[][][] acc = new double[tasks.size()][METHODS.size()][KS.length];
        try (Progress bar = Progress.start("feature selection", tasks.size(), "tasks")) {
            for (int ti = 0; ti < tasks.size(); ti++) {
                Task task = tasks.get(ti);
                int[] attrIdx = pick(train, task.positive(), true, cfg.attributionImages(), rng);
                Dataset.Batch ab = train.batch(attrIdx);
                AttributionResult r = new LayerConductance(model).layers(cfg.layer()).integratedGradients(false).steps(cfg.steps())
                        .method(Quadrature.GAUSS_LEGENDRE).discretisation(Discretisation.JVP).maxRows(512).attribute(ab.x(), ab.y());
                AttributionResult.Layer l = r.layer(cfg.layer());
                Map<String, double[]> scores = new LinkedHashMap<>();
                scores.put("Activations", meanOver(AttributionResult.Layer.perFilter(l.activation())));
                scores.put("Gradient*Activation", meanOver(AttributionResult.Layer.perFilter(l.gradTimesActivation())));
                scores.put("Internal influence", meanOver(AttributionResult.Layer.perFilter(l.internalInfluence())));
                scores.put("Conductance", meanOver(l.filterConductance()));

                int[] trPos = pick(train, task.positive(), true, cfg.trainPerSide(), rng), trNeg = pick(train, task.positive(), false, cfg.trainPerSide(), rng);
                int[] tePos = pick(test, task.positive(), true, cfg.testPerSide(), rng), teNeg = pick(test, task.positive(), false, cfg.testPerSide(), rng);
                float[] trX = dev.galvani.attribution.activations.LayerActivations.collect(model, train, concat(trPos, trNeg), cfg.layer(), dev.galvani.attribution.activations.LayerActivations.Pooling.SUM);
                float[] teX = dev.galvani.attribution.activations.LayerActivations.collect(model, test, concat(tePos, teNeg), cfg.layer(), dev.galvani.attribution.activations.LayerActivations.Pooling.SUM);
                int c = trX.length / (trPos.length + trNeg.length);
                int[] trY = labels(trPos.length, trNeg.length), teY = labels(tePos.length, teNeg.length);
                for (int m = 0; m < METHODS.size(); m++) {
                    int[] order = dev.galvani.attribution.stats.Ranking.argsortDescending(scores.get(METHODS.get(m)));
                    for (int k = 0; k < KS.length; k++) {
                        int[] keep = Arrays.copyOf(order, Math.min(KS[k], c));
                        LogisticRegression lr = LogisticRegression.fit(columns(trX, c, keep), trY, keep.length, 2,
                                LogisticRegression.Options.defaults().withEpochs(60).withSeed(cfg.seed()));
                        acc[ti][m][k] = 100 * lr.accuracy(columns(teX, c, keep), teY);
                    }
                }
                bar.step(1);
            }
        }
        return new Result(cfg, tasks, acc);
    }

    static double[] meanOver(Tensor perFilter) {
        int n = perFilter.size(0), c = perFilter.size(1);
        double[] m = new double[c];
        for (int i = 0; i < n; i++) for (int j = 0; j < c; j++) m[j] += perFilter.get(i, j) / n;
        return m;
    }

    /** Up to {@code n} seeded indices whose class is (or is not) positive. */
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

    public static Path report(Result r, Path dir, String modelDescription) {
        Report rep = new Report("Feature selection with conductance", dir);
        Config c = r.config();
        rep.paragraph("Model: " + modelDescription + ". Layer " + c.layer() + "; filters scored by their mean attribution over "
                + c.attributionImages() + " training images of the positive classes (target: the image's class; " + c.steps()
                + " Gauss-Legendre steps, exact dy/dα); logistic regression on the top-k filters' activations (summed over positions), "
                + "trained on " + c.trainPerSide() + " + " + c.trainPerSide() + " training images, accuracy (%) on a balanced held-out split of "
                + c.testPerSide() + " + " + c.testPerSide() + " test images. Random-label rows: mean ± standard deviation over "
                + (r.tasks().size() - 1) + " seeded random halves of the classes.");
        List<List<Object>> rows = new ArrayList<>();
        for (int m = 0; m < METHODS.size(); m++) {
            List<Object> row = new ArrayList<>(List.of(r.tasks().get(0).name(), METHODS.get(m)));
            for (int k = 0; k < KS.length; k++) row.add(String.format(Locale.ROOT, "%.2f", r.accuracy()[0][m][k]));
            for (int k = 0; k < KS.length; k++) row.add(String.format(Locale.ROOT, "%.2f", PAPER_WATER[m][k]));
            rows.add(row);
        }
        double[][][] rs = r.randomSummary();
        for (int m = 0; m < METHODS.size(); m++) {
            List<Object> row = new ArrayList<>(List.of("random labels", METHODS.get(m)));
            for (int k = 0; k < KS.length; k++) row.add(String.format(Locale.ROOT, "%.2f ± %.2f", rs[m][k][0], rs[m][k][1]));
            for (int k = 0; k < KS.length; k++) row.add(String.format(Locale.ROOT, "%.2f", PAPER_RANDOM[m][k]));
            rows.add(row);
        }
        rep.table("Held-out accuracy (%) by number of selected filters: Galvani (left), the paper's Inception/ImageNet figures (right; "
                + "its group task is water vessels)", "feature_selection",
                List.of("task", "method", "k=5", "k=10", "k=15", "k=20", "paper k=5", "paper k=10", "paper k=15", "paper k=20"), rows);
        List<String> ks = new ArrayList<>();
        for (int k : KS) ks.add("k=" + k);
        List<double[]> series = new ArrayList<>();
        for (int m = 0; m < METHODS.size(); m++) series.add(r.accuracy()[0][m].clone());
        rep.figure(r.tasks().get(0).name() + ": accuracy by k", Report.bars(r.tasks().get(0).name(), "selected filters", "accuracy (%)", ks, METHODS, series));
        List<double[]> rseries = new ArrayList<>();
        for (int m = 0; m < METHODS.size(); m++) {
            double[] v = new double[KS.length];
            for (int k = 0; k < KS.length; k++) v[k] = rs[m][k][0];
            rseries.add(v);
        }
        rep.figure("Random labels: mean accuracy by k", Report.bars("random labels", "selected filters", "accuracy (%)", ks, METHODS, rseries));
        List<List<Object>> all = new ArrayList<>();
        for (int t = 0; t < r.tasks().size(); t++) for (int m = 0; m < METHODS.size(); m++) {
            List<Object> row = new ArrayList<>(List.of(r.tasks().get(t).name(), METHODS.get(m)));
            for (int k = 0; k < KS.length; k++) row.add(r.accuracy()[t][m][k]);
            all.add(row);
        }
        rep.table("Every task", "all_tasks", List.of("task", "method", "k=5", "k=10", "k=15", "k=20"), all);
        return rep.write();
    }
}
