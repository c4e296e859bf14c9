package dev.galvani.distributed.cli;

import dev.galvani.distributed.Output;
import dev.galvani.distributed.Sessions;
import dev.galvani.distributed.SweepRunner;
import dev.galvani.distributed.Workspace;
import dev.galvani.distributed.sweeps.ConductanceSweep;
import dev.galvani.engine.GalvaniException;
import dev.galvani.kernels.Parallel;
import dev.galvani.models.SavedModel;
import dev.galvani.models.train.Dataset;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The sweep's overhead and scaling, measured in one JVM: the conductance of N test images at
 * several layers as one single-process library call (what {@code galvani conductance} runs, its
 * passes spread over every core), against the same sweep on {@code local[K]} (one task per core,
 * written to Parquet), for each K given. Data sets are read before any timing; a Spark session's
 * start is timed apart. Besides wall time it reports the process's CPU time per run, which other
 * jobs on a shared machine disturb far less: its ratio is the sweep's overhead in work done.
 */
@Command(name = "bench", description = "Overhead of the conductance sweep on local[K] against the single-process library call, and its scaling over K.")
final class BenchCommand implements Runnable {
    @Option(names = "--checkpoint", required = true, description = "The checkpoint swept") String checkpoint;
    @Option(names = "--layer", split = ",", defaultValue = "conv2,inception3a,inception4a", description = "Layers, comma-separated") List<String> layers;
    @Option(names = "--images", defaultValue = "512", description = "Test images, the first N") int images;
    @Option(names = "--steps", defaultValue = "50", description = "Integration steps") int steps;
    @Option(names = "--batch", defaultValue = "16", description = "Images per work item") int batch;
    @Option(names = "--masters", split = ",", defaultValue = "local[2],local[1]", description = "Spark masters to time") List<String> masters;
    @Option(names = "--repeats", defaultValue = "2", description = "Timings of each (the median is reported)") int repeats;
    @Option(names = "--data-dir", paramLabel = "DIR", description = "Folder holding fashion-mnist/ (default: $GALVANI_DATA)") String dataDir;

    @Override
    public void run() {
        if (images < 1 || repeats < 1) throw new GalvaniException("--images and --repeats must be at least 1");
        var cfg = new ConductanceSweep.Config(layers, steps, "gausslegendre", "jvp", "logit", "zeros", null, 64);
        int[] idx = new int[images];
        for (int i = 0; i < images; i++) idx[i] = i;
        Workspace ws = new Workspace(dataDir);
        SavedModel m0 = ws.model(checkpoint);
        ws.images(m0); // the data set, read once for every run below
        System.out.printf(Locale.ROOT, "conductance of %d test images at %s, %d steps (Gauss-Legendre, JVP), %s; JDK %s, %d cores, %d Galvani threads%n",
                images, String.join(",", layers), steps, checkpoint, Runtime.version(), Runtime.getRuntime().availableProcessors(), Parallel.threads());

        // Warm-up, reported apart: a few images through the library call (JIT), and a tiny sweep in a
        // first Spark session (Spark's class loading and code generation, once per JVM).
        ConductanceSweep.attribute(m0, ws.testImages(m0, Arrays.copyOf(idx, Math.min(images, 8))).x(), cfg, null);
        Path tmp;
        try {
            tmp = Files.createTempDirectory("galvani-sweep-bench");
        } catch (IOException e) {
            throw new GalvaniException("cannot make a temporary folder: " + e.getMessage());
        }
        long w0 = System.nanoTime();
        SparkSession first = Sessions.start("galvani sweep bench", masters.get(0), false);
        double coldStart = (System.nanoTime() - w0) / 1e9;
        long w1 = System.nanoTime();
        try {
            var tiny = new ConductanceSweep(new ConductanceSweep.Config(layers, 2, "gausslegendre", "jvp", "logit", "zeros", null, 64), new int[] {0, 1, 2, 3});
            new Output(first, tmp.resolve("warm-up").toString(), false, true).write(tiny.table(), new SweepRunner(first, dataDir, 0)
                    .rows(tiny, ConductanceSweep.plan(List.of(checkpoint), new int[] {0, 1, 2, 3}, 2, layers), ConductanceSweep.Item.class), tiny.order(), "warm-up");
        } finally {
            first.stop();
        }
        System.out.printf(Locale.ROOT, "once per JVM: Spark session start %.1f s, first (tiny) sweep %.1f s%n", coldStart, (System.nanoTime() - w1) / 1e9);

        List<Double> single = new ArrayList<>(), singleCpu = new ArrayList<>();
        List<List<Double>> sweepCpu = new ArrayList<>();
        for (String ignored : masters) sweepCpu.add(new ArrayList<>());
        List<List<Double>> sweeps = new ArrayList<>();
        List<Double> starts = new ArrayList<>();
        for (String ignored : masters) sweeps.add(new ArrayList<>());
        for (int rep = 0; rep < repeats; rep++) {
            long t0 = System.nanoTime(), c0 = cpuNanos();
            SavedModel m = SavedModel.load(Workspace.localCopyOf(checkpoint));
            Dataset.Batch ex = new Workspace(dataDir).testImages(m, idx);
            ConductanceSweep.attribute(m, ex.x(), cfg, null);
            single.add((System.nanoTime() - t0) / 1e9);
            singleCpu.add((cpuNanos() - c0) / 1e9);
            System.out.printf(Locale.ROOT, "  run %d single process: %.1f s, CPU %.1f s%n", rep + 1, single.get(single.size() - 1), singleCpu.get(singleCpu.size() - 1));
            for (int k = 0; k < masters.size(); k++) {
                long s0 = System.nanoTime();
                SparkSession spark = Sessions.start("galvani sweep bench", masters.get(k), false);
                starts.add((System.nanoTime() - s0) / 1e9);
                try {
                    var items = ConductanceSweep.plan(List.of(checkpoint), idx, batch, layers);
                    var sweep = new ConductanceSweep(cfg, idx);
                    Output out = new Output(spark, tmp.resolve(rep + "-" + k).toString(), false, true);
                    long t1 = System.nanoTime(), c1 = cpuNanos();
                    out.write(sweep.table(), new SweepRunner(spark, dataDir, 0).rows(sweep, items, ConductanceSweep.Item.class), sweep.order(), "bench");
                    sweeps.get(k).add((System.nanoTime() - t1) / 1e9);
                    sweepCpu.get(k).add((cpuNanos() - c1) / 1e9);
                } finally {
                    spark.stop();
                }
                System.out.printf(Locale.ROOT, "  run %d sweep on %s: %.1f s, CPU %.1f s (session start %.1f s)%n", rep + 1, masters.get(k),
                        sweeps.get(k).get(sweeps.get(k).size() - 1), sweepCpu.get(k).get(sweepCpu.get(k).size() - 1), starts.get(starts.size() - 1));
            }
        }
        double s = median(single), sc = median(singleCpu), start = median(starts);
        System.out.printf(Locale.ROOT, "single process: %.1f s (%.1f images/s), CPU %.1f s%n", s, images / s, sc);
        for (int k = 0; k < masters.size(); k++) {
            double t = median(sweeps.get(k)), c = median(sweepCpu.get(k));
            System.out.printf(Locale.ROOT, "sweep on %-9s %.1f s (%.1f images/s): %+.1f%% against the single process (%+.1f%% with the session's start, %.1f s); CPU %.1f s: %+.1f%%%n",
                    masters.get(k) + ":", t, images / t, 100 * (t / s - 1), 100 * ((t + start) / s - 1), start, c, 100 * (c / sc - 1));
        }
        if (masters.size() >= 2) {
            System.out.printf(Locale.ROOT, "scaling %s -> %s: %.2fx%n", masters.get(masters.size() - 1), masters.get(0),
                    median(sweeps.get(masters.size() - 1)) / median(sweeps.get(0)));
        }
    }

    /** CPU time of every thread of this JVM so far. */
    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static double median(List<Double> v) {
        double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
    }
}
