package dev.galvani.attribution.conductance;

import dev.galvani.engine.Tensor;

import java.util.Map;

/**
 * Everything one {@link LayerConductance} pass yields, per example: conductance and its peers for
 * each layer, integrated gradients at the path start, {@code F(x)}, {@code F(x')}, and the
 * completeness / layerwise-conservation deltas (docs/methods.md §1.8).
 */
public record AttributionResult(Map<String, Layer> layers, Tensor integratedGradients,
                                float[] f, float[] fBaseline, int[] classes,
                                int steps, Quadrature method, Discretisation discretisation, TargetKind target) {

    /** Integrated gradients at the path start, [N, ...]; fails when the attribution was told to skip them. */
    @Override
    public Tensor integratedGradients() {
        if (integratedGradients == null) {
            throw new dev.galvani.engine.GalvaniException("integrated gradients were not computed (LayerConductance.integratedGradients(false))");
        }
        return integratedGradients;
    }

    /** Per-unit results of one layer, each [N, ...layer shape]. */
    public record Layer(String name, Tensor conductance, Tensor internalInfluence,
                        Tensor activation, Tensor gradTimesActivation) {

        /** Conductance; fails when the attribution ran without the path integral (LayerConductance.pathIntegral(false)). */
        @Override
        public Tensor conductance() {
            if (conductance == null) throw new dev.galvani.engine.GalvaniException("conductance of '" + name + "' was not computed (no path integral)");
            return conductance;
        }

        /** Internal influence; fails when the attribution ran without the path integral. */
        @Override
        public Tensor internalInfluence() {
            if (internalInfluence == null) throw new dev.galvani.engine.GalvaniException("internal influence of '" + name + "' was not computed (no path integral)");
            return internalInfluence;
        }

        /** Sums a per-unit tensor over the positions of each filter: [N, C, ...] to [N, C]. */
        public static Tensor perFilter(Tensor perUnit) {
            int n = perUnit.size(0), c = perUnit.dim() > 1 ? perUnit.size(1) : 1;
            int positions = perUnit.numel() / (n * c);
            float[] d = perUnit.data(), out = new float[n * c];
            for (int i = 0; i < n * c; i++) {
                double s = 0;
                for (int p = 0; p < positions; p++) s += d[i * positions + p];
                out[i] = (float) s;
            }
            return new Tensor(out, n, c);
        }

        public Tensor filterConductance() {
            return perFilter(conductance);
        }

        /** {@code Σ_y Cond^y(x)} per example. */
        public double[] totals() {
            return totalsOf(conductance);
        }
    }

    /**
     * A text model's integrated gradients, one score per token: summed over the embedding (the
     * last axis), [N, T, D] to [N, T]. They add up to the input total, so to {@code F(x) − F(x')}
     * up to {@link #inputDelta}; padding positions score 0 when the baseline is the padding embedding.
     */
    public Tensor tokenScores() {
        Tensor ig = integratedGradients();
        if (ig.dim() != 3) throw new dev.galvani.engine.GalvaniException("token scores need integrated gradients of shape [N, T, D], got " + java.util.Arrays.toString(ig.shape()));
        int n = ig.size(0), t = ig.size(1), d = ig.size(2);
        float[] g = ig.data(), out = new float[n * t];
        for (int i = 0; i < n * t; i++) {
            double s = 0;
            for (int k = 0; k < d; k++) s += g[i * d + k];
            out[i] = (float) s;
        }
        return new Tensor(out, n, t);
    }

    /** An image model's integrated gradients as one map per example: summed over the channels, [N, C, H, W] to [N, H, W]. */
    public Tensor inputMaps() {
        Tensor ig = integratedGradients();
        if (ig.dim() != 4) throw new dev.galvani.engine.GalvaniException("input maps need integrated gradients of shape [N, C, H, W], got " + java.util.Arrays.toString(ig.shape()));
        int n = ig.size(0), c = ig.size(1), hw = ig.size(2) * ig.size(3);
        float[] g = ig.data(), out = new float[n * hw];
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                int from = (i * c + ch) * hw;
                for (int p = 0; p < hw; p++) out[i * hw + p] += g[from + p];
            }
        }
        return new Tensor(out, n, ig.size(2), ig.size(3));
    }

    public Layer layer(String name) {
        Layer l = layers.get(name);
        if (l == null) throw new dev.galvani.engine.GalvaniException("layer '" + name + "' was not attributed");
        return l;
    }

    public int examples() {
        return f.length;
    }

    /** {@code F(x) − F(x')} per example. */
    public double[] gap() {
        double[] g = new double[f.length];
        for (int i = 0; i < g.length; i++) g[i] = (double) f[i] - fBaseline[i];
        return g;
    }

    /** Layerwise conservation delta {@code |Σ Cond − (F(x) − F(x'))|} per example. */
    public double[] delta(String layer) {
        return deltaOf(layer(layer).totals());
    }

    /** The delta relative to {@code |F(x) − F(x')|} per example. */
    public double[] relativeDelta(String layer) {
        return relative(delta(layer));
    }

    /** {@code Σ IG} per example: integrated gradients summed over the path start's elements. */
    public double[] inputTotals() {
        return totalsOf(integratedGradients());
    }

    /** Completeness delta of integrated gradients {@code |Σ IG − (F(x) − F(x'))|} per example. */
    public double[] inputDelta() {
        return deltaOf(inputTotals());
    }

    public double[] relativeInputDelta() {
        return relative(inputDelta());
    }

    private double[] deltaOf(double[] totals) {
        double[] g = gap(), d = new double[g.length];
        for (int i = 0; i < d.length; i++) d[i] = Math.abs(totals[i] - g[i]);
        return d;
    }

    private double[] relative(double[] delta) {
        double[] g = gap(), r = new double[g.length];
        for (int i = 0; i < r.length; i++) r[i] = delta[i] / Math.max(Math.abs(g[i]), 1e-12);
        return r;
    }

    static double[] totalsOf(Tensor perUnit) {
        int n = perUnit.size(0), per = perUnit.numel() / n;
        double[] t = new double[n];
        float[] d = perUnit.data();
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < per; j++) s += d[i * per + j];
            t[i] = s;
        }
        return t;
    }
}
