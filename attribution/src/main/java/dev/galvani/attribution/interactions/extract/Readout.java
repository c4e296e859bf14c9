package dev.galvani.attribution.interactions.extract;

/**
 * How a layer's (pooled) features become the game's value {@code v(x_T)}: the log-odds of the true
 * class, {@code log p/(1−p) = z_y − logsumexp_{c≠y} z_c} (docs/methods.md §3.1), from a linear classifier
 * trained on that layer's features, or from the net's own logits at the last layer.
 */
@FunctionalInterface
public interface Readout {
    /** {@code features}: [rows, units] row-major; returns one log-odds per row. */
    double[] logOdds(float[] features, int rows, int trueClass);

    /** The net's own head: the features are the logits. */
    static Readout logits() {
        return (z, rows, y) -> {
            int c = z.length / rows;
            double[] out = new double[rows];
            for (int r = 0; r < rows; r++) out[r] = logOdds(z, r * c, c, y);
            return out;
        };
    }

    /** {@code z_y − logsumexp_{c≠y} z_c}, stable. */
    static double logOdds(float[] z, int off, int c, int y) {
        double m = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < c; k++) if (k != y) m = Math.max(m, z[off + k]);
        double s = 0;
        for (int k = 0; k < c; k++) if (k != y) s += Math.exp(z[off + k] - m);
        return z[off + y] - (m + Math.log(s));
    }
}
