package dev.galvani.models.progress;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.time.Duration;

/**
 * Progress with throughput and ETA for long work (training, attribution sweeps, studies). On a
 * terminal it draws a bar (the progressbar library); without one (CI, pipes) it prints a plain
 * line every ~10% so logs stay readable; with {@code GALVANI_PROGRESS=off} it is silent.
 */
public final class Progress implements AutoCloseable {
    private final ProgressBar bar;
    private final String task;
    private final long total;
    private final boolean plain;
    private final long startNanos = System.nanoTime();
    private long done;
    private int lastDecile = -1;
    private String extra = "";

    /** Set on threads whose work reports its progress elsewhere (a distributed sweep's tasks). */
    private static final ThreadLocal<Boolean> SILENT = ThreadLocal.withInitial(() -> false);

    private Progress(String task, long total, String unit) {
        this.task = task;
        this.total = total;
        String mode = System.getenv().getOrDefault("GALVANI_PROGRESS", "auto");
        boolean off = mode.equals("off") || SILENT.get();
        boolean terminal = System.console() != null && !mode.equals("plain");
        this.plain = !off && !terminal;
        this.bar = (!off && terminal) ? new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII).setUnit(" " + unit, 1).showSpeed()
                .setUpdateIntervalMillis(250).setMaxRenderedLength(110).build() : null;
    }

    public static Progress start(String task, long total, String unit) {
        return new Progress(task, total, unit);
    }

    /** Runs {@code work} with every progress display it starts on this thread silent; returns its result. */
    public static <T> T silently(java.util.function.Supplier<T> work) {
        boolean was = SILENT.get();
        SILENT.set(true);
        try {
            return work.get();
        } finally {
            SILENT.set(was);
        }
    }

    public void step(long n) {
        done += n;
        if (bar != null) {
            bar.stepBy(n);
        } else if (plain && total > 0) {
            int decile = (int) Math.min(10, done * 10 / total);
            if (decile > lastDecile) {
                lastDecile = decile;
                double s = (System.nanoTime() - startNanos) / 1e9;
                double eta = done == 0 ? 0 : s * (total - done) / done;
                System.err.printf("%s: %d/%d (%d%%) %.0fs elapsed, ETA %s %s%n", task, done, total, decile * 10, s,
                        format(Duration.ofSeconds((long) eta)), extra);
            }
        }
    }

    /** A short status shown beside the bar, e.g. {@code loss 0.312}. */
    public void status(String s) {
        extra = s;
        if (bar != null) bar.setExtraMessage(" " + s);
    }

    public double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static String format(Duration d) {
        long s = d.getSeconds();
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, (s % 3600) / 60) : String.format("%dm%02ds", s / 60, s % 60);
    }

    @Override
    public void close() {
        if (bar != null) bar.close();
    }
}
