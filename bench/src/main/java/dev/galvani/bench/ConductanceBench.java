package dev.galvani.bench;

import dev.galvani.attribution.conductance.Discretisation;
import dev.galvani.attribution.conductance.LayerConductance;
import dev.galvani.attribution.conductance.Quadrature;
import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.Module;
import dev.galvani.kernels.Backends;
import dev.galvani.kernels.Parallel;
import dev.galvani.models.ModelZoo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Throughput of the path-integration kernel (attributions per second) on the Inception-style net,
 * with its variants measured in the same run: the default (passes of 64 rows, one per core) against
 * the same passes on one thread, one layer vs three, Captum-style vs JVP discretisation, and the
 * whole path in one pass vs a step-by-step loop. The ratios are the point; the absolute figures depend
 * on the machine and JDK, which are printed.
 */
public final class ConductanceBench {
    private ConductanceBench() {}

    public record Row(String variant, double attributionsPerSecond, double seconds, double ratioToDefault) {}

    public static List<Row> run(int batch, int steps, int repeats, long seed) {
        Module net = ModelZoo.create("inception", Map.of("seed", Long.toString(seed)));
        net.eval();
        Tensor x = Tensor.randn(new Rng(seed), 1f, batch, 1, 28, 28);
        String[] one = {"inception4a"};
        String[] three = {"inception3a", "inception3b", "inception4a"};
        int all = batch * (steps + 1);
        int chunk = 64; // LayerConductance's default row bound
        Map<String, Variant> variants = new LinkedHashMap<>();
        variants.put("default (rows per pass from the heap, at most 64), 1 layer, JVP", new Variant(lc(net, one, steps, Discretisation.JVP, 0), false));
        variants.put("64-row chunks on one thread, 1 layer, JVP", new Variant(lc(net, one, steps, Discretisation.JVP, chunk), true));
        variants.put("64-row chunks in parallel, 3 layers, JVP", new Variant(lc(net, three, steps, Discretisation.JVP, chunk), false));
        variants.put("64-row chunks in parallel, 1 layer, Captum-style", new Variant(lc(net, one, steps, Discretisation.CAPTUM, chunk), false));
        variants.put("  ... and IG at the input (backward to the input)", new Variant(lc(net, one, steps, Discretisation.CAPTUM, chunk).integratedGradients(true), false));
        variants.put("one pass of all " + all + " rows, 1 layer, JVP", new Variant(lc(net, one, steps, Discretisation.JVP, all), false));
        variants.put("step-by-step loop (" + batch + " rows), 1 layer, JVP", new Variant(lc(net, one, steps, Discretisation.JVP, batch), false));
        List<Row> rows = new ArrayList<>();
        double base = 0;
        for (Variant v : variants.values()) v.attribute(x); // warm-up: every variant compiled before any is timed
        for (Map.Entry<String, Variant> e : variants.entrySet()) {
            double best = Double.MAX_VALUE;
            for (int r = 0; r < repeats; r++) {
                long t0 = System.nanoTime();
                e.getValue().attribute(x);
                best = Math.min(best, (System.nanoTime() - t0) / 1e9);
            }
            double aps = batch / best;
            if (rows.isEmpty()) base = aps;
            rows.add(new Row(e.getKey(), aps, best, aps / base));
        }
        return rows;
    }

    /** A configured attribution, run either as the library runs it or with its chunks kept on one thread. */
    private record Variant(LayerConductance lc, boolean oneThread) {
        void attribute(Tensor x) {
            if (oneThread) Parallel.map(List.of(() -> lc.attribute(x))); // inside a worker nothing splits
            else lc.attribute(x);
        }
    }

    private static LayerConductance lc(Module net, String[] layers, int steps, Discretisation d, int maxRows) {
        // Conductance alone, as Captum's LayerConductance computes it: the backward pass stops at the layers.
        LayerConductance lc = new LayerConductance(net).layers(layers).steps(steps).method(Quadrature.GAUSS_LEGENDRE).integratedGradients(false)
                .discretisation(d);
        return maxRows > 0 ? lc.maxRows(maxRows) : lc; // 0: the library's default
    }

    /**
     * One default conductance run (inception4a of the Inception-style net with random weights,
     * Gauss-Legendre, conductance alone as Captum computes it) and its memory: the largest heap
     * left after any garbage collection during the run (the live set at its largest, as far as
     * collections sample it), the heap in use at its largest before a collection (live and garbage:
     * an upper bound) and the process's peak resident set; then Captum's LayerConductance on the
     * PyTorch replica with its defaults (all rows in one pass), when a Python with PyTorch and
     * Captum is found, with its peak resident set.
     */
    public record MemoryRun(int batch, int steps, double seconds, double liveHeapMiB, double heapBeforeGcMiB, double peakRssMiB,
                            int collections, PyTorchPeer.Outcome captum) {
        public String toText() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "conductance memory: Inception-style net, %d images, %d steps, inception4a, default settings%n", batch, steps));
            sb.append(String.format(Locale.ROOT, "  galvani  %.2f s; heap after a collection at most %.0f MiB, in use before one at most %.0f MiB (%d collections); peak RSS %.0f MiB [jdk %s, %d threads, -Xmx %d MiB]%n",
                    seconds, liveHeapMiB, heapBeforeGcMiB, collections, peakRssMiB, Runtime.version(), Parallel.threads(), Runtime.getRuntime().maxMemory() >> 20));
            if (captum.ok()) {
                sb.append(String.format(Locale.ROOT, "  captum   %.2f s; peak RSS %.0f MiB, %.0f MiB above its RSS after the imports [captum %s, torch %s, %d threads, %d rows per pass]%n",
                        captum.number("seconds"), captum.number("peak_rss_mib"), captum.number("peak_rss_mib") - captum.number("rss_after_import_mib"),
                        captum.text("captum"), captum.text("torch"), (int) captum.number("threads"), (int) captum.number("rows_per_pass")));
            } else {
                sb.append(String.format(Locale.ROOT, "  captum   (not measured: %s)%n", captum.unavailable()));
            }
            return sb.toString();
        }
    }

    public static MemoryRun memory(int batch, int steps, boolean withCaptum) {
        Module net = ModelZoo.create("inception", Map.of());
        net.eval();
        Tensor x = Tensor.randn(new Rng(0), 1f, batch, 1, 28, 28);
        LayerConductance lc = new LayerConductance(net).layers("inception4a").steps(steps).method(Quadrature.GAUSS_LEGENDRE).integratedGradients(false);
        lc.attribute(x.rows(0, Math.min(2, batch))); // compiled before the measured run
        System.gc();
        double seconds;
        double live, before;
        int collections;
        try (HeapWatch heap = new HeapWatch()) {
            long t0 = System.nanoTime();
            lc.attribute(x);
            seconds = (System.nanoTime() - t0) / 1e9;
            heap.sample(); // a run without collections still reports what it holds
            live = heap.liveMiB();
            before = heap.beforeCollectionMiB();
            collections = heap.collections();
        }
        PyTorchPeer.Outcome captum = withCaptum
                ? PyTorchPeer.run("captum_conductance_bench.py", List.of("random", Integer.toString(batch), Integer.toString(steps), "--json"), 3600)
                : new PyTorchPeer.Outcome(null, "skipped");
        return new MemoryRun(batch, steps, seconds, live, before, HeapWatch.peakRssMiB(), collections, captum);
    }

    /** The rows as JSON: benchmark, batch, steps, the machine, and per variant attributions/s, seconds and the ratio to the default. */
    public static Map<String, Object> json(List<Row> rows, int batch, int steps) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("benchmark", "conductance");
        j.put("batch", batch);
        j.put("steps", steps);
        j.put("machine", Machine.describe());
        List<Object> vs = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("variant", r.variant().strip());
            v.put("attributions_per_second", r.attributionsPerSecond());
            v.put("seconds", r.seconds());
            v.put("ratio_to_default", r.ratioToDefault());
            vs.add(v);
        }
        j.put("variants", vs);
        return j;
    }

    public static String format(List<Row> rows, int batch, int steps) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "conductance, Inception-style net, batch %d, %d steps, Gauss-Legendre%n", batch, steps));
        sb.append(String.format(Locale.ROOT, "jdk %s, %d cores, %d threads, %s%n", Runtime.version(), Runtime.getRuntime().availableProcessors(), Parallel.threads(), Backends.current().name()));
        sb.append(String.format(Locale.ROOT, "%-64s %14s %10s %10s%n", "variant", "attributions/s", "seconds", "ratio"));
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "%-64s %14.2f %10.3f %10.2f%n", r.variant(), r.attributionsPerSecond(), r.seconds(), r.ratioToDefault()));
        }
        return sb.toString();
    }

    public static void main(String[] args) {
        int batch = args.length > 0 ? Integer.parseInt(args[0]) : 16, steps = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        System.out.print(format(run(batch, steps, 2, 0), batch, steps));
    }
}
