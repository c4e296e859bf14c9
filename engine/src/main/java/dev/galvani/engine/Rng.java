package dev.galvani.engine;

import java.util.SplittableRandom;

/**
 * The one source of randomness: every random choice in Galvani takes a seed and draws from an
 * {@code Rng}, so the same seed gives the same numbers on every run and every JDK.
 */
public final class Rng {
    private final SplittableRandom random;
    private double spare;
    private boolean hasSpare;

    public Rng(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** An independent stream derived from this one (for a sub-task that must not disturb it). */
    public Rng split() {
        return new Rng(random.nextLong());
    }

    public double uniform() {
        return random.nextDouble();
    }

    public float uniform(float lo, float hi) {
        return lo + (hi - lo) * (float) random.nextDouble();
    }

    public int nextInt(int bound) {
        return random.nextInt(bound);
    }

    public long nextLong() {
        return random.nextLong();
    }

    /** Standard normal by the Marsaglia polar method (fully specified, so reproducible). */
    public double gaussian() {
        if (hasSpare) {
            hasSpare = false;
            return spare;
        }
        double u, v, s;
        do {
            u = 2 * random.nextDouble() - 1;
            v = 2 * random.nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double f = Math.sqrt(-2 * Math.log(s) / s);
        spare = v * f;
        hasSpare = true;
        return u * f;
    }

    /** Fisher-Yates shuffle of {@code 0..n-1}. */
    public int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
