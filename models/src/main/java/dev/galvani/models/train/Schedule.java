package dev.galvani.models.train;

/** Learning-rate schedules over the whole run: cosine decay with a short linear warm-up, or constant. */
public interface Schedule {
    float at(long step, long totalSteps, float baseLr);

    static Schedule constant() {
        return (s, total, lr) -> lr;
    }

    /** Linear warm-up over the first 2% of steps, then cosine decay to zero. */
    static Schedule cosine() {
        return (s, total, lr) -> {
            long warm = Math.max(1, total / 50);
            if (s < warm) return lr * (s + 1) / warm;
            double p = (double) (s - warm) / Math.max(1, total - warm);
            return (float) (lr * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, p))));
        };
    }
}
