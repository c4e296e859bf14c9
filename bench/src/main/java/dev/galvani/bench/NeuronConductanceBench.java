package dev.galvani.bench;

import dev.galvani.attribution.conductance.NeuronConductance;
import dev.galvani.attribution.conductance.NeuronConductanceResult;
import dev.galvani.attribution.conductance.Quadrature;
import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.Module;
import dev.galvani.kernels.Backends;
import dev.galvani.kernels.Parallel;
import dev.galvani.models.ModelZoo;
import dev.galvani.models.SavedModel;
import dev.galvani.models.checkpoint.Safetensors;
import dev.galvani.models.io.Json;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Neuron conductance of a whole layer in one call against one neuron at a time, in the same run:
 * all filters (reverse mode) and all units (forward mode) of a layer for one image, against the
 * per-neuron loop on the same net ({@link NeuronConductance#single}, as Captum computes it) for a
 * sample of neurons, and, when a Python with PyTorch and Captum is given, against Captum 0.8's
 * NeuronConductance on the PyTorch replica with the same weights
 * ({@code bench/python/captum_neuron_conductance_bench.py}). Loops are timed on a sample and
 * extrapolated per neuron; every figure is seconds per neuron, and the ratios are the point.
 */
public final class NeuronConductanceBench {
    private NeuronConductanceBench() {}

    /** One timed variant: how many neurons it covered, in how long, and the most heap live after a collection while it ran. */
    public record Row(String variant, int neurons, double seconds, double peakHeapMiB) {
        public double perNeuron() {
            return seconds / neurons;
        }
    }

    /** Captum's figures, from its script: seconds per neuron, threads, peak resident memory. */
    public record Peer(String line, double secondsPerNeuron, double peakRssMiB) {}

    public record Result(String layer, int steps, int filters, int units, List<Row> rows, Peer captum, String modes) {}

    /**
     * @param checkpoint the model (its weights are also what Captum loads)
     * @param samples    neurons timed one at a time in each loop
     * @param python     a Python with PyTorch and Captum on its path, or null to skip Captum
     */
    public static Result run(Path checkpoint, String layer, int steps, int samples, String python, long seed) {
        if (checkpoint == null) checkpoint = randomInception(seed);
        SavedModel saved = SavedModel.load(checkpoint);
        Module net = saved.eval();
        Tensor x = Tensor.randn(new Rng(seed), 1f, 1, 1, 28, 28);
        int[] cls = {0};
        NeuronConductance filters = nc(net, layer, steps).allFilters();
        NeuronConductance units = nc(net, layer, steps).allUnits();
        // Warm-up: every code path compiled before anything is timed.
        nc(net, layer, steps).filters(0, 1).mode(NeuronConductance.Mode.REVERSE).attribute(x, cls, (e, t) -> { });
        nc(net, layer, 4).allUnits().mode(NeuronConductance.Mode.FORWARD).attribute(x, cls, (e, t) -> { });
        filters.single(x, cls, 0);

        List<Row> rows = new ArrayList<>();
        NeuronConductanceResult[] last = new NeuronConductanceResult[1];
        rows.add(timed("all filters in one call", () -> last[0] = filters.attribute(x, cls, (e, t) -> { }), -1));
        int nFilters = last[0].indices().length;
        rows.set(0, withNeurons(rows.get(0), nFilters));
        String modes = "filters: " + last[0].reason();
        int[] fs = spread(nFilters, samples);
        rows.add(timed("filters one at a time (sample of " + fs.length + ")", () -> {
            for (int f : fs) filters.single(x, cls, f);
        }, fs.length));
        rows.add(timed("all units in one call", () -> last[0] = units.attribute(x, cls, (e, t) -> { }), -1));
        int nUnits = last[0].indices().length;
        rows.set(2, withNeurons(rows.get(2), nUnits));
        modes += "\nunits: " + last[0].reason();
        NeuronConductance oneUnit = nc(net, layer, steps).allUnits();
        int[] us = spread(nUnits, samples);
        rows.add(timed("units one at a time (sample of " + us.length + ")", () -> {
            for (int u : us) oneUnit.single(x, cls, u);
        }, us.length));
        Peer captum = python == null ? null : captum(python, checkpoint, x, layer, steps, samples);
        return new Result(layer, steps, nFilters, nUnits, rows, captum, modes);
    }

    /** The Inception-style net with random weights (speed does not depend on training), saved where Captum can load it too. */
    private static Path randomInception(long seed) {
        try {
            Path p = Files.createTempFile("galvani-bench-inception", ".safetensors");
            p.toFile().deleteOnExit();
            Map<String, String> hyper = ModelZoo.defaults("inception", Map.of("seed", Long.toString(seed)));
            new SavedModel(ModelZoo.create("inception", hyper), "inception", hyper).save(p);
            return p;
        } catch (IOException e) {
            throw new GalvaniException("cannot write a temporary checkpoint: " + e.getMessage());
        }
    }

    private static NeuronConductance nc(Module net, String layer, int steps) {
        return new NeuronConductance(net).layer(layer).steps(steps).method(Quadrature.RIEMANN_TRAPEZOID).verbose(false);
    }

    /** {@code n} indices spread evenly over {@code 0..count-1}. */
    static int[] spread(int count, int n) {
        int k = Math.min(count, n);
        int[] out = new int[k];
        for (int i = 0; i < k; i++) out[i] = (int) ((long) i * count / k);
        return out;
    }

    private static Row withNeurons(Row r, int n) {
        return new Row(r.variant(), n, r.seconds(), r.peakHeapMiB());
    }

    private static Row timed(String name, Runnable work, int neurons) {
        System.gc();
        long t0;
        double s;
        try (HeapWatch live = new HeapWatch()) {
            t0 = System.nanoTime();
            work.run();
            s = (System.nanoTime() - t0) / 1e9;
            return new Row(name, neurons, s, live.liveMiB());
        }
    }

    /** Runs Captum's NeuronConductance on the PyTorch replica with the same weights, a sample of units. */
    private static Peer captum(String python, Path checkpoint, Tensor x, String layer, int steps, int samples) {
        Path script = Path.of("bench", "python", "captum_neuron_conductance_bench.py");
        if (!Files.isRegularFile(script)) throw new GalvaniException(script + " not found: run from the repository root");
        try {
            Path input = Files.createTempFile("galvani-bench-input", ".safetensors");
            input.toFile().deleteOnExit();
            Safetensors.write(input, Map.of("input", x), Map.of());
            List<String> cmd = List.of(python, script.toString(), checkpoint.toString(), input.toString(), layer,
                    Integer.toString(steps), Integer.toString(samples));
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String last = null;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) last = line;
            }
            int rc = p.waitFor();
            if (rc != 0 || last == null) throw new GalvaniException("Captum script failed (exit " + rc + "): " + String.join(" ", cmd));
            @SuppressWarnings("unchecked")
            Map<String, Object> j = (Map<String, Object>) Json.parse(last);
            return new Peer((String) j.get("peer"), ((Number) j.get("seconds_per_neuron")).doubleValue(),
                    ((Number) j.get("peak_rss_mib")).doubleValue());
        } catch (IOException e) {
            throw new GalvaniException("cannot run " + python + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GalvaniException("interrupted while Captum ran");
        }
    }

    /** The result as JSON: layer, steps, filters, units, the modes chosen, per variant neurons, seconds, s/neuron and heap, Captum's figures, and the machine. */
    public static Map<String, Object> json(Result r) {
        Map<String, Object> j = new java.util.LinkedHashMap<>();
        j.put("benchmark", "neuron-conductance");
        j.put("layer", r.layer());
        j.put("steps", r.steps());
        j.put("filters", r.filters());
        j.put("units", r.units());
        j.put("modes", r.modes());
        List<Object> rows = new ArrayList<>();
        for (Row row : r.rows()) {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("variant", row.variant());
            m.put("neurons", row.neurons());
            m.put("seconds", row.seconds());
            m.put("seconds_per_neuron", row.perNeuron());
            m.put("peak_heap_mib", row.peakHeapMiB());
            rows.add(m);
        }
        j.put("variants", rows);
        if (r.captum() != null) {
            Map<String, Object> c = new java.util.LinkedHashMap<>();
            c.put("line", r.captum().line());
            c.put("seconds_per_unit", r.captum().secondsPerNeuron());
            c.put("peak_rss_mib", r.captum().peakRssMiB());
            j.put("captum", c);
        }
        j.put("machine", Machine.describe());
        return j;
    }

    public static String format(Result r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "neuron conductance of '%s' (%d filters, %d units), one image, %d steps, trapezoid%n",
                r.layer(), r.filters(), r.units(), r.steps()));
        sb.append(String.format(Locale.ROOT, "jdk %s, %d cores, %d threads, %s, max heap %d MiB%n", Runtime.version(),
                Runtime.getRuntime().availableProcessors(), Parallel.threads(), Backends.current().name(),
                Runtime.getRuntime().maxMemory() / (1024 * 1024)));
        sb.append(r.modes()).append('\n');
        sb.append(String.format(Locale.ROOT, "%-44s %8s %10s %12s %14s%n", "variant", "neurons", "seconds", "s/neuron", "heap MiB*"));
        for (Row row : r.rows()) {
            sb.append(String.format(Locale.ROOT, "%-44s %8d %10.2f %12.5f %14.0f%n", row.variant(), row.neurons(), row.seconds(),
                    row.perNeuron(), row.peakHeapMiB()));
        }
        sb.append("* the most heap in use right after a garbage collection during the variant (an upper bound on what it kept alive)\n");
        Row allF = r.rows().get(0), loopF = r.rows().get(1), allU = r.rows().get(2), loopU = r.rows().get(3);
        sb.append(String.format(Locale.ROOT, "per filter: all at once %.1fx faster than one at a time (same net, same run)%n",
                loopF.perNeuron() / allF.perNeuron()));
        sb.append(String.format(Locale.ROOT, "per unit:   all at once %.1fx faster than one at a time (same net, same run)%n",
                loopU.perNeuron() / allU.perNeuron()));
        if (r.captum() != null) {
            Peer c = r.captum();
            sb.append(String.format(Locale.ROOT, "%s: %.4f s per unit, peak resident %.0f MiB%n", c.line(), c.secondsPerNeuron(), c.peakRssMiB()));
            sb.append(String.format(Locale.ROOT, "per unit:   all units at once %.1fx faster than Captum's NeuronConductance loop; "
                    + "Galvani's own loop %.2fx Captum's%n", c.secondsPerNeuron() / allU.perNeuron(), c.secondsPerNeuron() / loopU.perNeuron()));
            sb.append(String.format(Locale.ROOT, "per filter: all filters at once %.1fx faster than Captum's loop over a filter's %d units%n",
                    c.secondsPerNeuron() * r.units() / r.filters() / allF.perNeuron(), r.units() / r.filters()));
        }
        return sb.toString();
    }

    /** {@code main(checkpoint|random [layer [steps [samples [python]]]])}. */
    public static void main(String[] args) {
        Path ckpt = args.length == 0 || args[0].equals("random") ? null : Path.of(args[0]);
        String layer = args.length > 1 ? args[1] : "inception4a";
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 50, samples = args.length > 3 ? Integer.parseInt(args[3]) : 8;
        System.out.print(format(run(ckpt, layer, steps, samples, args.length > 4 ? args[4] : null, 0)));
    }
}
