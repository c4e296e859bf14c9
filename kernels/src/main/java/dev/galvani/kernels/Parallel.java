package dev.galvani.kernels;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The one thread pool of the CPU backend: a few daemon threads (cores, at most 16, or
 * {@code -Dgalvani.threads=N}), used both by a large GEMM (bands of its output) and by callers
 * that have independent pieces of coarse work (the chunks of a path integral).
 *
 * <p>Jobs 1.. go to the pool and job 0 runs on the calling thread. While a job runs it is a
 * <em>worker</em>: anything it calls that would split again ({@link #inWorker()}) stays on its
 * thread, so nested parallelism never waits on a pool its own jobs occupy. Results come back in
 * job order, and the jobs' numbers do not depend on how many threads ran them.
 */
public final class Parallel {
    private static final int THREADS = Math.max(1, Integer.getInteger("galvani.threads",
            Math.min(Runtime.getRuntime().availableProcessors(), 16)));
    private static final ExecutorService POOL = THREADS > 1 ? newPool(THREADS - 1) : null;
    private static final ThreadLocal<Boolean> WORKER = ThreadLocal.withInitial(() -> false);

    private Parallel() {}

    /** Threads available to one split: the calling thread plus the pool's. */
    public static int threads() {
        return THREADS;
    }

    /** True on a thread that is already running one of several parallel jobs: do not split again. */
    public static boolean inWorker() {
        return POOL == null || WORKER.get();
    }

    /** How many pieces it pays to split work into here: 1 inside a worker, else {@link #threads()}. */
    public static int available() {
        return inWorker() ? 1 : THREADS;
    }

    /** Runs the jobs, at most {@link #threads()} at a time, and waits for all. */
    public static void run(List<Runnable> jobs) {
        List<Supplier<Void>> s = new ArrayList<>(jobs.size());
        for (Runnable r : jobs) s.add(() -> { r.run(); return null; });
        map(s);
    }

    /** A contiguous range of items, [from, to). */
    public interface Range {
        void run(int from, int to);
    }

    /**
     * Splits items [0, count) into contiguous ranges, as many as there are available threads but
     * no more than {@code totalWork / minWork} (so that each part has at least {@code minWork} units
     * of work), and runs them; one part runs on this thread. Each item is done by exactly one part,
     * so results that are computed per item do not depend on the thread count.
     */
    public static void split(int count, long totalWork, long minWork, Range body) {
        int parts = (int) Math.min(Math.min(available(), count), Math.max(1, totalWork / Math.max(1, minWork)));
        if (parts <= 1) {
            if (count > 0) body.run(0, count);
            return;
        }
        List<Runnable> jobs = new ArrayList<>();
        int step = (count + parts - 1) / parts;
        for (int a = 0; a < count; a += step) {
            int from = a, to = Math.min(count, a + step);
            jobs.add(() -> body.run(from, to));
        }
        run(jobs);
    }

    /** Runs the suppliers concurrently and returns their results in order; the first failure is rethrown. */
    public static <T> List<T> map(List<? extends Supplier<T>> jobs) {
        List<T> out = new ArrayList<>(jobs.size());
        if (jobs.size() <= 1 || inWorker()) {
            for (Supplier<T> j : jobs) out.add(asWorker(j));
            return out;
        }
        List<Future<T>> pending = new ArrayList<>();
        for (int t = 1; t < jobs.size(); t++) {
            Supplier<T> j = jobs.get(t);
            pending.add(POOL.submit(j::get)); // pool threads are workers from birth
        }
        out.add(asWorker(jobs.get(0)));
        try {
            for (Future<T> f : pending) out.add(f.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for worker threads", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) throw re;
            if (cause instanceof Error err) throw err;
            throw new IllegalStateException(cause);
        }
        return out;
    }

    /**
     * Runs {@code job} on this thread alone: nothing it calls splits onto the pool. For callers that
     * already run one job per core themselves (a Spark executor's task slots); the numbers are the
     * same as with the pool.
     */
    public static <T> T sequential(Supplier<T> job) {
        return asWorker(job);
    }

    /** Runs a job on this thread marked as a worker (restoring the mark afterwards). */
    private static <T> T asWorker(Supplier<T> job) {
        boolean was = WORKER.get();
        WORKER.set(true);
        try {
            return job.get();
        } finally {
            WORKER.set(was);
        }
    }

    private static ExecutorService newPool(int size) {
        AtomicInteger count = new AtomicInteger();
        return Executors.newFixedThreadPool(size, r -> {
            Thread t = new Thread(() -> {
                WORKER.set(true);
                r.run();
            }, "galvani-worker-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }
}
