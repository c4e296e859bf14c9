package dev.galvani.models.data;

import dev.galvani.engine.Rng;

import java.util.List;

/**
 * A built-in image data set, so the demo and the fast tests run with no data installed: 28x28
 * grayscale images of ten seeded shape classes. It is made hard on purpose, so that a small net
 * neither scores 100% nor settles every prediction with a wide margin (attribution and ablation
 * then have something to show): each shape has random position, size, contrast, rotation and
 * thickness; neighbouring classes overlap (a thick ring looks like a disc, tilted stripes like a
 * diagonal, two close dots like a short bar); up to two dimmer shapes of other classes clutter the
 * image; and a background gradient and pixel noise lie over everything.
 */
public final class GeneratedImages {
    private GeneratedImages() {}

    public static final List<String> CLASSES = List.of("disc", "square", "triangle", "cross", "horizontal stripes",
            "vertical stripes", "diagonal", "ring", "checker", "two dots");

    /** {@code n} images (balanced classes), normalised with their own mean and std. */
    public static ImageDataset generate(int n, long seed) {
        Rng rng = new Rng(seed);
        float[] px = new float[n * 784];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            int c = i % 10;
            y[i] = c;
            draw(c, rng, px, i * 784);
        }
        // shuffle examples, keeping pairs
        int[] perm = rng.permutation(n);
        float[] spx = new float[px.length];
        int[] sy = new int[n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(px, perm[i] * 784, spx, i * 784, 784);
            sy[i] = y[perm[i]];
        }
        double s = 0, ss = 0;
        for (float v : spx) {
            s += v;
            ss += (double) v * v;
        }
        float mean = (float) (s / spx.length), std = (float) Math.sqrt(ss / spx.length - mean * (double) mean);
        FashionMnist.normalise(spx, mean, std);
        return new ImageDataset("generated", spx, sy, 28, 28, CLASSES, mean, std);
    }

    private static void draw(int c, Rng rng, float[] px, int off) {
        float[] main = new float[784];
        shape(c, rng, main, 14 + rng.uniform(-5f, 5f), 14 + rng.uniform(-5f, 5f), rng.uniform(5f, 9f), rng.uniform(0.45f, 1.0f));
        // Clutter: dimmer, smaller shapes of other classes, anywhere (they may overlap the main one).
        float[] clutter = new float[784];
        int distractors = rng.nextInt(3);
        for (int k = 0; k < distractors; k++) {
            int other = (c + 1 + rng.nextInt(9)) % 10;
            shape(other, rng, clutter, rng.uniform(4f, 24f), rng.uniform(4f, 24f), rng.uniform(3f, 5.5f), rng.uniform(0.2f, 0.5f));
        }
        // Background: a faint gradient in a random direction, and pixel noise.
        double gx = rng.uniform(-0.012f, 0.012f), gy = rng.uniform(-0.012f, 0.012f), g0 = rng.uniform(0f, 0.15f);
        for (int yy = 0; yy < 28; yy++) {
            for (int xx = 0; xx < 28; xx++) {
                int i = yy * 28 + xx;
                double bg = g0 + gx * (xx - 14) + gy * (yy - 14);
                float v = (float) (Math.max(main[i], clutter[i]) + bg + 0.2 * rng.gaussian());
                px[off + i] = Math.max(0f, Math.min(1f, v));
            }
        }
    }

    /** Draws class {@code c} centred at (cx, cy) with radius {@code r} into {@code img} (max with what is there). */
    private static void shape(int c, Rng rng, float[] img, double cx, double cy, double r, float contrast) {
        double period = rng.uniform(3f, 6f), phase = rng.uniform(0f, 6.3f);
        double tilt = Math.toRadians(rng.uniform(-30f, 30f));          // stripes, square, cross
        double diag = Math.toRadians(45 + rng.uniform(-25f, 25f));     // the diagonal bar's angle
        double ringWidth = rng.uniform(1.5f, 4.5f), arm = rng.uniform(1.5f, 2.8f), gap = rng.uniform(0.25f, 0.6f);
        double cos = Math.cos(tilt), sin = Math.sin(tilt);
        for (int yy = 0; yy < 28; yy++) {
            for (int xx = 0; xx < 28; xx++) {
                double dx = xx - cx, dy = yy - cy, d = Math.sqrt(dx * dx + dy * dy);
                double u = dx * cos + dy * sin, v = -dx * sin + dy * cos;    // tilted axes
                boolean on = switch (c) {
                    case 0 -> d < r;
                    case 1 -> Math.abs(u) < r * 0.8 && Math.abs(v) < r * 0.8;
                    case 2 -> v < r * 0.8 && v > -r * 0.8 && Math.abs(u) < (v + r * 0.8) * 0.6;
                    case 3 -> (Math.abs(u) < arm && Math.abs(v) < r) || (Math.abs(v) < arm && Math.abs(u) < r);
                    case 4 -> Math.sin(2 * Math.PI * v / period + phase) > 0.3 && d < r + 4;
                    case 5 -> Math.sin(2 * Math.PI * u / period + phase) > 0.3 && d < r + 4;
                    case 6 -> Math.abs(-dx * Math.sin(diag) + dy * Math.cos(diag)) < 2.2 && d < r + 3;
                    case 7 -> d < r && d > r - ringWidth;
                    case 8 -> ((int) Math.floor((u + 20 + phase) / period) + (int) Math.floor((v + 20 + phase) / period)) % 2 == 0 && d < r + 3;
                    default -> Math.hypot(u - r * gap, v) < 2.5 || Math.hypot(u + r * gap, v) < 2.5;
                };
                if (on) img[yy * 28 + xx] = Math.max(img[yy * 28 + xx], contrast);
            }
        }
    }
}
