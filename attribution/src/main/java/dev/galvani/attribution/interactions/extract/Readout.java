package dev.galvani.attribution.interactions.extract;

import dev.galvani.engine.Tensor;

/**
 * How a layer's output becomes the game's value {@code v(x_T)}: the log-odds of the true class,
 * {@code log p/(1−p) = z_y − logsumexp_{c≠y} z_c} (docs/methods.md §3.1), from a linear
 * classifier trained on that layer's features ({@link LinearReadout}), or from the net's own
 * logits at the last layer ({@link #logits()}).
 */
@FunctionalInterface
public interface Readout {
    /** {@code output}: the layer's output for a batch of masked samples, [rows, ...]; one log-odds per row. */
    double[] logOdds(Tensor output, int trueClass);

    /** The net's own head: the output is the logits, [rows, classes]. */
    static Readout logits() {
        return (z, y) -> logOdds(z.data(), z.size(0), y);
    }

    /** Log-odds of class {@code y} for each row of logits {@code z} [rows, classes] row-major. */
    static double[] logOdds(float[] z, int rows, int y) {
        int c = z.length / rows;
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) out[r] = logOdds(z, r * c, c, y);
        return out;
    }

    /** {@code z_y − logsumexp_{c≠y} z_c} of the logits at {@code z[off..off+c)}, stable. */
    static double logOdds(float[] z, int off, int c, int y) {
        double m = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < c; k++) if (k != y) m = Math.max(m, z[off + k]);
        double s = 0;
        for (int k = 0; k < c; k++) if (k != y) s += Math.exp(z[off + k] - m);
        return z[off + y] - (m + Math.log(s));
    }
}
