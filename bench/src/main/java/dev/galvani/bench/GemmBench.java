package dev.galvani.bench;

import dev.galvani.engine.GalvaniException;
import dev.galvani.kernels.Gemm;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The plain timing runner behind {@code galvani bench gemm}: C = A B for n x n floats, Galvani's
 * {@link Gemm#sgemm} against EJML's single-threaded {@code CommonOps_FDRM.mult}. Each is warmed
 * up (JIT) for about a second, then timed over several repetitions; GFLOP/s = 2 n^3 / t, reported
 * for the best and the median repetition. For the statistically careful comparison use
 * {@link GemmBenchmark} (JMH).
 */
public final class GemmBench {

    /** One run's figures; GFLOP/s from the best and the median repetition. */
    public record Result(int n, int galvaniRepetitions, int ejmlRepetitions, double galvaniBest, double galvaniMedian,
                         double ejmlBest, double ejmlMedian, double maxRelativeDifference,
                         String jdk, String implementation, int threads) {

        /** Galvani over EJML, best against best. */
        public double ratio() {
            return galvaniBest / ejmlBest;
        }

        public String toText() {
            return String.format(Locale.ROOT,
                    "gemm n=%d (C = A B, float32; best and median of %d / %d timed repetitions after warm-up)%n"
                            + "  galvani  %8.1f GFLOP/s best  %8.1f median  [%s, %d threads]%n"
                            + "  ejml     %8.1f GFLOP/s best  %8.1f median  [CommonOps_FDRM.mult, 1 thread]%n"
                            + "  ratio    %8.2f x (galvani / ejml, best)%n"
                            + "  check    max |galvani - ejml| / max|C| = %.2g%n"
                            + "  jdk      %s",
                    n, galvaniRepetitions, ejmlRepetitions, galvaniBest, galvaniMedian, implementation, threads,
                    ejmlBest, ejmlMedian, ratio(), maxRelativeDifference, jdk);
        }

        public String toJson() {
            return String.format(Locale.ROOT,
                    "{\"benchmark\":\"gemm\",\"n\":%d,\"galvani_repetitions\":%d,\"ejml_repetitions\":%d,"
                            + "\"galvani_gflops\":%.2f,\"galvani_median_gflops\":%.2f,"
                            + "\"ejml_gflops\":%.2f,\"ejml_median_gflops\":%.2f,\"ratio\":%.3f,"
                            + "\"max_relative_difference\":%.3g,\"jdk\":\"%s\",\"implementation\":\"%s\",\"threads\":%d}",
                    n, galvaniRepetitions, ejmlRepetitions, galvaniBest, galvaniMedian, ejmlBest, ejmlMedian, ratio(),
                    maxRelativeDifference, jdk, implementation, threads);
        }
    }

    private GemmBench() {}

    /** Benchmarks n x n x n with about {@code warmupSeconds} of warm-up per library. */
    public static Result run(int n, double warmupSeconds) {
        if (n < 1) throw new GalvaniException("gemm benchmark: --size must be at least 1, got " + n);
        if (!(warmupSeconds >= 0)) {
            throw new GalvaniException("gemm benchmark: --warmup must be at least 0 seconds, got " + warmupSeconds);
        }
        if ((long) n * n > Integer.MAX_VALUE / 2) {
            throw new GalvaniException("gemm benchmark: --size " + n + " is too large for float[] matrices");
        }
        float[] a = random(n * n, 1), b = random(n * n, 2), c = new float[n * n];
        FMatrixRMaj ea = FMatrixRMaj.wrap(n, n, a.clone()), eb = FMatrixRMaj.wrap(n, n, b.clone());
        FMatrixRMaj ec = new FMatrixRMaj(n, n);
        Runnable galvani = () -> Gemm.sgemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
        Runnable ejml = () -> CommonOps_FDRM.mult(ea, eb, ec);

        double[] tg = time(galvani, repetitions(warmUp(galvani, warmupSeconds)));
        double[] te = time(ejml, repetitions(warmUp(ejml, warmupSeconds)));

        double flops = 2.0 * n * n * n;
        return new Result(n, tg.length, te.length, flops / tg[0] * 1e-9, flops / median(tg) * 1e-9,
                flops / te[0] * 1e-9, flops / median(te) * 1e-9, relativeDifference(c, ec.data),
                Runtime.version().toString(), Gemm.implementation(), Gemm.threads());
    }

    /** Runs {@code f} for at least {@code seconds} and 3 calls; returns the last call's seconds. */
    private static double warmUp(Runnable f, double seconds) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        double last = 0;
        for (int calls = 0; calls < 3 || System.nanoTime() < end; calls++) {
            long t0 = System.nanoTime();
            f.run();
            last = (System.nanoTime() - t0) * 1e-9;
        }
        return last;
    }

    /** About a second of timed work, between 5 and 50 repetitions. */
    private static int repetitions(double secondsPerCall) {
        return (int) Math.max(5, Math.min(50, Math.round(1.0 / Math.max(secondsPerCall, 1e-9))));
    }

    private static double median(double[] sorted) {
        int h = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[h] : 0.5 * (sorted[h - 1] + sorted[h]);
    }

    /** Seconds per repetition, sorted ascending (best first). */
    private static double[] time(Runnable f, int reps) {
        double[] t = new double[reps];
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            f.run();
            t[r] = (System.nanoTime() - t0) * 1e-9;
        }
        Arrays.sort(t);
        return t;
    }

    /** max |x - y| / max |y|: both libraries must compute the same product. */
    static double relativeDifference(float[] x, float[] y) {
        double diff = 0, scale = 0;
        for (int i = 0; i < x.length; i++) {
            diff = Math.max(diff, Math.abs((double) x[i] - y[i]));
            scale = Math.max(scale, Math.abs((double) y[i]));
        }
        return scale == 0 ? diff : diff / scale;
    }

    /** Uniform [-1, 1) entries from a fixed seed (the JMH GemmBenchmark uses the same matrices). */
    public static float[] random(int size, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = (float) (rng.nextDouble() * 2 - 1);
        return x;
    }
}
