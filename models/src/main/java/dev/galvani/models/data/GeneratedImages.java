package dev.galvani.models.data;

import dev.galvani.engine.Rng;

import java.util.List;

/**
 * A built-in image data set, so the demo and the fast tests run with no data installed: 28x28
 * grayscale images of ten seeded shape classes, with random position, size, contrast and noise.
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
        double cx = 14 + rng.uniform(-5f, 5f), cy = 14 + rng.uniform(-5f, 5f), r = rng.uniform(5f, 9f);
        double contrast = rng.uniform(0.5f, 1.0f), period = rng.uniform(3f, 5f), phase = rng.uniform(0f, 6.3f);
        for (int yy = 0; yy < 28; yy++) {
            for (int xx = 0; xx < 28; xx++) {
                double dx = xx - cx, dy = yy - cy, d = Math.sqrt(dx * dx + dy * dy);
                boolean on = switch (c) {
                    case 0 -> d < r;
                    case 1 -> Math.abs(dx) < r * 0.8 && Math.abs(dy) < r * 0.8;
                    case 2 -> dy < r * 0.8 && dy > -r * 0.8 && Math.abs(dx) < (dy + r * 0.8) * 0.6;
                    case 3 -> (Math.abs(dx) < 2 && Math.abs(dy) < r) || (Math.abs(dy) < 2 && Math.abs(dx) < r);
                    case 4 -> Math.sin(2 * Math.PI * yy / period + phase) > 0.3 && d < r + 4;
                    case 5 -> Math.sin(2 * Math.PI * xx / period + phase) > 0.3 && d < r + 4;
                    case 6 -> Math.abs(dx - dy) < 2.2 && d < r + 3;
                    case 7 -> d < r && d > r - 2.5;
                    case 8 -> ((int) Math.floor((xx + phase) / period) + (int) Math.floor((yy + phase) / period)) % 2 == 0 && d < r + 3;
                    default -> Math.hypot(dx - r / 2, dy) < 2.5 || Math.hypot(dx + r / 2, dy) < 2.5;
                };
                float v = (float) ((on ? contrast : 0) + 0.15 * rng.gaussian());
                px[off + yy * 28 + xx] = Math.max(0f, Math.min(1f, v));
            }
        }
    }
}
