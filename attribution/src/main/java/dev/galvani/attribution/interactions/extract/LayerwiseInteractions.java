package dev.galvani.attribution.interactions.extract;

import dev.galvani.attribution.interactions.AndOrDecomposition;
import dev.galvani.attribution.interactions.HarsanyiInteractions;
import dev.galvani.attribution.interactions.Interactions;
import dev.galvani.attribution.interactions.LayerwiseMetrics;
import dev.galvani.attribution.interactions.SalientInteractions;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.Module;
import dev.galvani.models.progress.Progress;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AND/OR interactions of one or many samples at every chosen layer (Cheng et al., ICML 2024;
 * docs/methods.md §3.5): one sweep of {@code 2^n} masked passes per sample captures every layer's
 * features; each layer's readout turns them into the game {@code v^(l)(x_T)}; the AND-OR
 * decomposition gives sparse interactions aligned by subset across layers.
 */
public final class LayerwiseInteractions {
    private LayerwiseInteractions() {}

    /** The name under which the net's own output appears among the layers. */
    public static final String OUTPUT = "output";

    public record Sample(Tensor x, int label, Players players) {}

    public record Options(String maskNode, int maxRows, long maxBytes, AndOrDecomposition.Options decomposition) {}

    /** Per sample, per layer (input order, then {@link #OUTPUT}): the decomposed interactions, and the plain Harsanyi ones. */
    public record Result(List<String> layers, List<Map<String, Interactions>> decomposed, List<Map<String, Interactions>> harsanyi) {

        public List<Interactions> layerSeries(int sample) {
            return new ArrayList<>(decomposed.get(sample).values());
        }

        /** Mean share of salient interactions at a layer ({@code τ = fraction · max |I|}). */
        public double sparsity(String layer, boolean plainHarsanyi, double fraction) {
            double s = 0;
            List<Map<String, Interactions>> src = plainHarsanyi ? harsanyi : decomposed;
            for (Map<String, Interactions> m : src) s += SalientInteractions.sparsity(m.get(layer), fraction);
            return s / src.size();
        }

        /** Strength-based learned / forgotten / completeness / redundancy, averaged over samples. */
        public LayerwiseMetrics.Change change() {
            List<LayerwiseMetrics.Change> per = new ArrayList<>();
            for (int i = 0; i < decomposed.size(); i++) per.add(LayerwiseMetrics.change(layerSeries(i)));
            return LayerwiseMetrics.mean(per);
        }

        /** Mean strength by order |S| at a layer. */
        public double[] strengthByOrder(String layer) {
            double[] acc = null;
            for (Map<String, Interactions> m : decomposed) {
                double[] s = LayerwiseMetrics.strengthByOrder(m.get(layer));
                if (acc == null) acc = new double[s.length];
                for (int k = 0; k < s.length; k++) acc[k] += s[k] / decomposed.size();
            }
            return acc;
        }
    }

    /** One sample's interactions at every layer (input order, then {@link #OUTPUT}): decomposed, and plain Harsanyi. */
    public record SampleResult(Map<String, Interactions> decomposed, Map<String, Interactions> harsanyi) {}

    public static Result run(Module model, List<Sample> samples, List<String> layers, Map<String, Readout> readouts, Options opt) {
        List<String> names = new ArrayList<>(layers);
        names.add(OUTPUT);
        List<Map<String, Interactions>> dec = new ArrayList<>(), plain = new ArrayList<>();
        try (Progress bar = Progress.start("interactions", samples.size(), "samples")) {
            for (Sample s : samples) {
                SampleResult r = sample(model, s, layers, readouts, opt);
                dec.add(r.decomposed());
                plain.add(r.harsanyi());
                bar.step(1);
            }
        }
        return new Result(names, dec, plain);
    }

    /** One sample: a sweep of {@code 2^n} masked passes, then each layer's game decomposed. */
    public static SampleResult sample(Module model, Sample s, List<String> layers, Map<String, Readout> readouts, Options opt) {
        List<String> names = new ArrayList<>(layers);
        names.add(OUTPUT);
        MaskedPasses.Features f = MaskedPasses.run(model, s.x(), s.players(), opt.maskNode(), layers, opt.maxRows(), opt.maxBytes());
        long subsets = 1L << f.players();
        Map<String, Interactions> d = new LinkedHashMap<>(), p = new LinkedHashMap<>();
        for (String l : names) {
            double[] v = l.equals(OUTPUT)
                    ? Readout.logits().logOdds(f.logits(), (int) subsets, s.label())
                    : readouts.get(l).logOdds(f.perLayer().get(l), (int) subsets, s.label());
            d.put(l, AndOrDecomposition.decompose(v, opt.decomposition()).interactions());
            p.put(l, HarsanyiInteractions.harsanyi(v));
        }
        return new SampleResult(d, p);
    }
}
