package dev.galvani.attribution.selectivity;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.autodiff.Grad;
import dev.galvani.engine.nn.Module;
import dev.galvani.models.train.Dataset;


/**
 * Per-unit, per-class mean activations of a layer, accumulated in one streaming pass (sums and
 * counts in double; activations are never all held), and the quantities of Hayne et al. (2022; docs/methods.md §2.1): a unit
 * is a conv channel averaged over positions (after the non-linearity) or a dense neuron.
 */
public final class UnitStatistics {
    private final int units, classes;
    private final double[] sums;     // [classes, units]
    private final long[] counts;     // [classes]
    private double minMean = Double.POSITIVE_INFINITY;

    public UnitStatistics(int units, int classes) {
        this.units = units;
        this.classes = classes;
        this.sums = new double[classes * units];
        this.counts = new long[classes];
    }

    /** Adds a batch of unit activations [batch, units] with labels. */
    public void add(float[] acts, int[] labels) {
        for (int i = 0; i < labels.length; i++) {
            int c = labels[i];
            counts[c]++;
            for (int u = 0; u < units; u++) sums[c * units + u] += acts[i * units + u];
        }
    }

    /** One pass over {@code data} (in batches of 256) for the named layer. */
    public static UnitStatistics of(Module model, Dataset data, String layer, int limit) {
        UnitStatistics s = null;
        int n = Math.min(limit, data.size());
        try (Module.Mode e = model.evaluating(); Grad.Scope g = Grad.off()) {
            for (int b0 = 0; b0 < n; b0 += 256) {
                Dataset.Batch b = data.batch(Dataset.range(b0, Math.min(n, b0 + 256)));
                Tensor t = model.runWithCache(b.x().to(model.device()), layer).get(layer);
                float[] pooled = dev.galvani.attribution.activations.LayerActivations.pool(t, dev.galvani.attribution.activations.LayerActivations.Pooling.MEAN);
                if (s == null) s = new UnitStatistics(t.size(1), data.classes());
                s.add(pooled, b.y());
            }
        }
        return s;
    }

    public int units() {
        return units;
    }

    /** μ_c per unit: [classes][units]. An empty class is an error. */
    public double[][] classMeans() {
        double[][] m = new double[classes][units];
        for (int c = 0; c < classes; c++) {
            if (counts[c] == 0) throw new GalvaniException("class " + c + " has no examples: class selectivity needs every class");
            for (int u = 0; u < units; u++) m[c][u] = sums[c * units + u] / counts[c];
        }
        return m;
    }

    /** Mean activity A: the unit's mean over all examples. */
    public double[] meanActivity() {
        long n = 0;
        for (long c : counts) n += c;
        double[] a = new double[units];
        for (int c = 0; c < classes; c++) for (int u = 0; u < units; u++) a[u] += sums[c * units + u] / n;
        return a;
    }

    public int[] preferredClass() {
        double[][] m = classMeans();
        int[] p = new int[units];
        for (int u = 0; u < units; u++) for (int c = 1; c < classes; c++) if (m[c][u] > m[p[u]][u]) p[u] = c;
        return p;
    }

    /**
     * Class selectivity index (Morcos et al. 2018): {@code (μ_max − μ_−max) / (μ_max + μ_−max + ε)}.
     * Defined for non-negative activations; a layer with negative class means is refused unless
     * {@code shift} is set, which subtracts the layer's smallest class mean from every mean first.
     */
    public double[] selectivity(String layer, boolean shift) {
        double[][] m = classMeans();
        double min = Double.POSITIVE_INFINITY;
        for (double[] row : m) for (double v : row) min = Math.min(min, v);
        if (min < 0 && !shift) {
            throw new GalvaniException("layer '" + layer + "' has negative mean activations (min " + String.format("%.3g", min)
                    + "); the selectivity index needs non-negative ones: pick a layer after a ReLU, or pass --shift-negative");
        }
        double off = min < 0 ? min : 0;
        double[] si = new double[units];
        for (int u = 0; u < units; u++) {
            double max = Double.NEGATIVE_INFINITY;
            int arg = 0;
            for (int c = 0; c < classes; c++) if (m[c][u] - off > max) { max = m[c][u] - off; arg = c; }
            double rest = 0;
            for (int c = 0; c < classes; c++) if (c != arg) rest += (m[c][u] - off) / (classes - 1);
            si[u] = (max - rest) / (max + rest + 1e-7);
        }
        return si;
    }
}
