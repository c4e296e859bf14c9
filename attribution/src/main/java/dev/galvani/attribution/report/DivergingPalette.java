package dev.galvani.attribution.report;

import java.awt.Color;
import java.util.Locale;

/**
 * The one colour scale of attributions in reports: negative blue, zero white, positive red
 * (ColorBrewer's RdBu, seven classes, interpolated), for heat maps and coloured words alike, so
 * that a colour means the same in every figure of a report.
 */
public final class DivergingPalette {
    private DivergingPalette() {}

    // RdBu from −1 to +1
    private static final int[][] STOPS = {
        {33, 102, 172}, {103, 169, 207}, {209, 229, 240}, {247, 247, 247}, {253, 219, 199}, {239, 138, 98}, {178, 24, 43}};

    /** The colour of {@code t ∈ [−1, 1]} (values outside are clamped; NaN is grey). */
    public static Color color(double t) {
        if (Double.isNaN(t)) return Color.GRAY;
        double u = (Math.max(-1, Math.min(1, t)) + 1) / 2 * (STOPS.length - 1);
        int i = Math.min(STOPS.length - 2, (int) Math.floor(u));
        double f = u - i;
        int[] a = STOPS[i], b = STOPS[i + 1];
        return new Color((int) Math.round(a[0] + f * (b[0] - a[0])), (int) Math.round(a[1] + f * (b[1] - a[1])),
                (int) Math.round(a[2] + f * (b[2] - a[2])));
    }

    /** The same colour as a CSS {@code rgb(...)} value. */
    public static String css(double t) {
        Color c = color(t);
        return String.format(Locale.ROOT, "rgb(%d,%d,%d)", c.getRed(), c.getGreen(), c.getBlue());
    }

    /** A CSS gradient from −1 (left) to +1 (right), for legends. */
    public static String cssGradient() {
        StringBuilder sb = new StringBuilder("linear-gradient(to right");
        for (int[] s : STOPS) sb.append(String.format(Locale.ROOT, ", rgb(%d,%d,%d)", s[0], s[1], s[2]));
        return sb.append(')').toString();
    }

    /** The largest |v| over all arrays: the shared scale of a figure (at least a tiny positive number). */
    public static double sharedScale(Iterable<float[]> values) {
        return sharedScale(values, 1.0);
    }

    /**
     * The {@code q} quantile of |v| over all arrays (1: the largest), a shared scale that a few
     * extreme values do not wash out: values beyond it take the end colours.
     */
    public static double sharedScale(Iterable<float[]> values, double q) {
        int n = 0;
        for (float[] v : values) n += v.length;
        double[] a = new double[n];
        int k = 0;
        for (float[] v : values) for (float x : v) a[k++] = Float.isFinite(x) ? Math.abs(x) : 0;
        if (n == 0) return 1e-12;
        java.util.Arrays.sort(a);
        double s = a[Math.min(n - 1, (int) Math.ceil(q * n) - 1 < 0 ? 0 : (int) Math.ceil(q * n) - 1)];
        return s > 0 ? s : Math.max(a[n - 1], 1e-12);
    }
}
