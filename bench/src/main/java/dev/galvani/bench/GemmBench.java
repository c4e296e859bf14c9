package dev.galvani.bench;

import dev.galvani.engine.GalvaniException;
import dev.galvani.kernels.Gemm;
import dev.galvani.models.io.Json;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The plain timing runner behind {@code galvani bench gemm}: C = A B for n x n floats, Galvani's
 * {@link Gemm#sgemm} against EJML's single-threaded {@code CommonOps_FDRM.mult} and, when a Python
 * with PyTorch is found ({@link PyTorchPeer}), against {@code torch.mm} on as many threads, all in
 * the same run, beside the machine's FMA peak ({@link Gemm#peakGflops}, every thread) and the
 * fraction of it that Galvani reaches. Each is warmed up (JIT) for about a second, then timed
 * over several repetitions; GFLOP/s = 2 n^3 / t, reported for the best and the median
 * repetition. For the statistically careful comparison use
 * {@code dev.galvani.jmh.GemmBenchmark} (JMH, in the jmh module).
 */
public final class GemmBench {

    /** One run's figures; GFLOP/s from the best and the median repetition. */
    public record Result(int n, int galvaniRepetitions, int ejmlRepetitions, double galvaniBest, double galvaniMedian,
                         double ejmlBest, double ejmlMedian, double maxRelativeDifference,
                         String jdk, String implementation, int threads,
                         double peak, double pytorchBest, double pytorchMedian, String pytorchNote) {

        /** Galvani's best over the FMA peak measured in the same run. */
        public double fractionOfPeak() {
            return galvaniBest / peak;
        }

        /** Galvani over PyTorch, best against best (NaN without PyTorch). */
        public double ratioToPytorch() {
            return galvaniBest / pytorchBest;
        }

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
                            + "%s"
                            + "  peak     %8.1f GFLOP/s  [FMA loop, %d threads]; galvani reaches %.0f%% of it%n"
                            + "  check    max |galvani - ejml| / max|C| = %.2g%n"
                            + "  jdk      %s",
                    n, galvaniRepetitions, ejmlRepetitions, galvaniBest, galvaniMedian, implementation, threads,
                    ejmlBest, ejmlMedian, ratio(), pytorchLines(),
                    peak, threads, 100 * fractionOfPeak(), maxRelativeDifference, jdk);
        }

        private String pytorchLines() {
            if (Double.isNaN(pytorchBest)) return String.format(Locale.ROOT, "  pytorch  (not measured: %s)%n", pytorchNote);
            return String.format(Locale.ROOT, "  pytorch  %8.1f GFLOP/s best  %8.1f median  [%s]%n"
                    + "  ratio    %8.2f x (galvani / pytorch, best)%n", pytorchBest, pytorchMedian, pytorchNote, ratioToPytorch());
        }

        public Map<String, Object> json() {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("benchmark", "gemm");
            j.put("n", n);
            j.put("galvani_repetitions", galvaniRepetitions);
            j.put("ejml_repetitions", ejmlRepetitions);
            j.put("galvani_gflops", galvaniBest);
            j.put("galvani_median_gflops", galvaniMedian);
            j.put("ejml_gflops", ejmlBest);
            j.put("ejml_median_gflops", ejmlMedian);
            j.put("ratio", ratio());
            j.put("max_relative_difference", maxRelativeDifference);
            j.put("jdk", jdk);
            j.put("implementation", implementation);
            j.put("threads", threads);
            j.put("peak_gflops", peak);
            j.put("fraction_of_peak", fractionOfPeak());
            j.put("pytorch_gflops", Double.isNaN(pytorchBest) ? null : pytorchBest);
            j.put("pytorch_median_gflops", Double.isNaN(pytorchMedian) ? null : pytorchMedian);
            return j;
        }

        public String toJson() {
            return Json.write(json());
        }
    }

    private GemmBench() {}

    /** Benchmarks n x n x n with about {@code warmupSeconds} of warm-up per library, PyTorch included when found. */
    public static Result run(int n, double warmupSeconds) {
        return run(n, warmupSeconds, true);
    }

    public static Result run(int n, double warmupSeconds, boolean withPytorch) {
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

        double peak = Gemm.peakGflops(Math.min(1.0, Math.max(0.2, warmupSeconds)));
        double ptBest = Double.NaN, ptMedian = Double.NaN;
        String ptNote = "skipped";
        if (withPytorch) {
            PyTorchPeer.Outcome pt = PyTorchPeer.run("pytorch_gemm_bench.py",
                    java.util.List.of(Integer.toString(n), Integer.toString(Gemm.threads()), "1.0"), 600);
            if (pt.ok()) {
                ptBest = pt.number("best_gflops");
                ptMedian = pt.number("median_gflops");
                ptNote = "torch " + pt.text("torch") + " torch.mm, " + (int) pt.number("threads") + " threads";
            } else {
                ptNote = pt.unavailable();
            }
        }

        double flops = 2.0 * n * n * n;
        return new Result(n, tg.length, te.length, flops / tg[0] * 1e-9, flops / median(tg) * 1e-9,
                flops / te[0] * 1e-9, flops / median(te) * 1e-9, relativeDifference(c, ec.data),
                Runtime.version().toString(), Gemm.implementation(), Gemm.threads(), peak, ptBest, ptMedian, ptNote);
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
