package dev.galvani.attribution.interactions.extract;

import dev.galvani.attribution.interactions.AndOrDecomposition;
import dev.galvani.attribution.interactions.HarsanyiInteractions;
import dev.galvani.attribution.interactions.Interactions;
import dev.galvani.attribution.interactions.LayerwiseMetrics;
import dev.galvani.attribution.interactions.SalientInteractions;
import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.Module;
import dev.galvani.kernels.Parallel;
import dev.galvani.models.progress.Progress;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AND/OR interactions of many samples at every chosen layer (Cheng et al., ICML 2024,
 * "Layerwise Change of Knowledge in Neural Networks"; docs/methods.md §3.5): one sweep of {@code 2^n} masked passes per
 * sample reads every layer out at once ({@link MaskedPasses}); each layer's readout gives the game
 * {@code v^(l)(x_T)}; the AND-OR decomposition of every game (in parallel, one game per job) gives
 * sparse interactions aligned by subset across layers.
 */
public final class LayerwiseInteractions {
    private LayerwiseInteractions() {}

    /** The name under which the net's own output appears among the layers. */
    public static final String OUTPUT = "output";

    /** One example [1, ...], its true class, its players and optional noise at the masking node ([1, ...] like its value). */
    public record Sample(Tensor x, int label, Players players, Tensor noise) {
        public Sample(Tensor x, int label, Players players) {
            this(x, label, players, null);
        }

        public Sample withNoise(Tensor noise) {
            return new Sample(x, label, players, noise);
        }
    }

    public record Options(String maskNode, int maxRows, AndOrDecomposition.Options decomposition) {}

    /** One sample's game at one layer: the values {@code v(x_T)} and their AND-OR decomposition. */
    public record LayerGame(double[] values, AndOrDecomposition.Result decomposition) { // values: [2^n]
        public Interactions decomposed() {
            return decomposition.interactions();
        }

        /** The plain Harsanyi dividends of the same values (AND terms only). */
        public Interactions harsanyi() {
            return HarsanyiInteractions.harsanyi(values);
        }
    }

    /** Per sample, per layer (the readout layers in order, then {@link #OUTPUT}): the games. */
    public record Result(List<String> layers, List<Map<String, LayerGame>> samples) {

        public int players() {
            return samples.get(0).get(OUTPUT).decomposed().players();
        }

        /** The decomposed interactions of every sample at a layer. */
        public List<Interactions> decomposed(String layer) {
            List<Interactions> out = new ArrayList<>();
            for (Map<String, LayerGame> m : samples) out.add(game(m, layer).decomposed());
            return out;
        }

        /** Mean share of salient interactions at a layer ({@code τ = fraction · max |I|}), among all {@code 2^(n+1)}. */
        public double sparsity(String layer, boolean plainHarsanyi, double fraction) {
            double s = 0;
            for (Map<String, LayerGame> m : samples) {
                LayerGame g = game(m, layer);
                s += SalientInteractions.sparsity(plainHarsanyi ? g.harsanyi() : g.decomposed(), fraction);
            }
            return s / samples.size();
        }

        /** Mean number of salient interactions at a layer (both kinds). */
        public double salientCount(String layer, boolean plainHarsanyi, double fraction) {
            return sparsity(layer, plainHarsanyi, fraction) * 2 * (1 << players());
        }

        /** Mean {@code Σ|I_and| + Σ|I_or|} at a layer. */
        public double strength(String layer, boolean plainHarsanyi) {
            double s = 0;
            for (Map<String, LayerGame> m : samples) {
                LayerGame g = game(m, layer);
                s += (plainHarsanyi ? g.harsanyi() : g.decomposed()).l1();
            }
            return s / samples.size();
        }

        /** Strength-based learned / forgotten / completeness / redundancy, averaged over samples. */
        public LayerwiseMetrics.Change change() {
            List<LayerwiseMetrics.Change> per = new ArrayList<>();
            for (Map<String, LayerGame> m : samples) per.add(LayerwiseMetrics.change(series(m)));
            return LayerwiseMetrics.mean(per);
        }

        /** Count-based layerwise change, summed over samples then divided by their number. */
        public double[][][] countChange(double fraction) { // [salient, new, forgotten][layer][order]
            int layers = this.layers.size(), orders = players() + 1;
            double[][][] acc = new double[3][layers][orders];
            for (Map<String, LayerGame> m : samples) {
                LayerwiseMetrics.CountChange c = LayerwiseMetrics.countChange(series(m), fraction);
                int[][][] parts = {c.salient(), c.newInteractions(), c.forgotten()};
                for (int p = 0; p < 3; p++) {
                    for (int l = 0; l < layers; l++) for (int k = 0; k < orders; k++) acc[p][l][k] += (double) parts[p][l][k] / samples.size();
                }
            }
            return acc;
        }

        /** Mean strength {@code Σ|I|} by order at a layer. */
        public double[] strengthByOrder(String layer, boolean plainHarsanyi) {
            double[] acc = new double[players() + 1];
            for (Map<String, LayerGame> m : samples) {
                LayerGame g = game(m, layer);
                double[] s = LayerwiseMetrics.strengthByOrder(plainHarsanyi ? g.harsanyi() : g.decomposed());
                for (int k = 0; k < s.length; k++) acc[k] += s[k] / samples.size();
            }
            return acc;
        }

        /** The iterations at which the decomposition's loss was recorded (the same for every game). */
        public int[] lossIterations() {
            return samples.get(0).get(OUTPUT).decomposition().lossIterations();
        }

        /** Mean over samples of the loss relative to its start, at {@link #lossIterations()}. */
        public double[] relativeLossCurve(String layer) {
            double[] acc = null;
            for (Map<String, LayerGame> m : samples) {
                double[] l = game(m, layer).decomposition().losses();
                if (acc == null) acc = new double[l.length];
                for (int i = 0; i < l.length; i++) acc[i] += l[i] / l[0] / samples.size();
            }
            return acc;
        }

        private List<Interactions> series(Map<String, LayerGame> m) {
            List<Interactions> s = new ArrayList<>();
            for (String l : layers) s.add(game(m, l).decomposed());
            return s;
        }

        private static LayerGame game(Map<String, LayerGame> m, String layer) {
            LayerGame g = m.get(layer);
            if (g == null) throw new GalvaniException("no interactions at layer '" + layer + "'; have " + m.keySet());
            return g;
        }
    }

    /**
     * The games of every sample at every readout layer and at the output, then their
     * decompositions. The readouts' map order is the layer order.
     */
    public static Result run(Module model, List<Sample> samples, Map<String, ? extends Readout> readouts, Options opt) {
        if (samples.isEmpty()) throw new GalvaniException("interactions: no samples");
        List<String> names = new ArrayList<>(readouts.keySet());
        names.add(OUTPUT);
        List<Map<String, double[]>> values = new ArrayList<>();
        try (Progress bar = Progress.start("masked passes", samples.size(), "samples")) {
            for (Sample s : samples) {
                values.add(MaskedPasses.games(model, s.x(), s.label(), s.players(), opt.maskNode(), s.noise(), readouts, opt.maxRows()));
                bar.step(1);
            }
        }
        return new Result(names, decomposeAll(values, opt.decomposition()));
    }

    /** Decomposes every game, the games split evenly over the worker threads; the maps keep their keys and order. */
    public static List<Map<String, LayerGame>> decomposeAll(List<Map<String, double[]>> values, AndOrDecomposition.Options o) {
        List<double[]> games = new ArrayList<>();
        for (Map<String, double[]> m : values) games.addAll(m.values());
        AndOrDecomposition.Result[] done = new AndOrDecomposition.Result[games.size()];
        int parts = Math.max(1, Math.min(Parallel.available(), games.size()));
        try (Progress bar = Progress.start("AND-OR decompositions", games.size(), "games")) {
            List<Runnable> jobs = new ArrayList<>();
            for (int j = 0; j < parts; j++) {
                int from = (int) ((long) games.size() * j / parts), to = (int) ((long) games.size() * (j + 1) / parts);
                jobs.add(() -> {
                    for (int k = from; k < to; k++) {
                        done[k] = AndOrDecomposition.decompose(games.get(k), o);
                        synchronized (bar) {
                            bar.step(1);
                        }
                    }
                });
            }
            Parallel.run(jobs);
        }
        List<Map<String, LayerGame>> out = new ArrayList<>();
        int k = 0;
        for (Map<String, double[]> m : values) {
            Map<String, LayerGame> g = new LinkedHashMap<>();
            for (Map.Entry<String, double[]> e : m.entrySet()) g.put(e.getKey(), new LayerGame(e.getValue(), done[k++]));
            out.add(g);
        }
        return out;
    }

    /**
     * One sample's games at every readout layer and at {@link #OUTPUT}, decomposed on this thread
     * without a progress bar (for callers that report progress themselves, such as a sweep's items).
     */
    public static Map<String, LayerGame> sample(Module model, Sample s, Map<String, ? extends Readout> readouts, Options opt) {
        Map<String, double[]> values = MaskedPasses.games(model, s.x(), s.label(), s.players(), opt.maskNode(), s.noise(), readouts, opt.maxRows());
        Map<String, LayerGame> out = new LinkedHashMap<>();
        for (Map.Entry<String, double[]> e : values.entrySet()) {
            out.put(e.getKey(), new LayerGame(e.getValue(), AndOrDecomposition.decompose(e.getValue(), opt.decomposition())));
        }
        return out;
    }
}
