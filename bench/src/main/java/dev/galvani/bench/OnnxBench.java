package dev.galvani.bench;

import dev.galvani.attribution.conductance.AttributionResult;
import dev.galvani.attribution.conductance.Discretisation;
import dev.galvani.attribution.conductance.LayerConductance;
import dev.galvani.attribution.conductance.Quadrature;
import dev.galvani.engine.F;
import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.autodiff.Grad;
import dev.galvani.kernels.Backends;
import dev.galvani.kernels.Parallel;
import dev.galvani.models.io.Npy;
import dev.galvani.models.io.NpyWriter;
import dev.galvani.models.onnx.OnnxFile;
import dev.galvani.models.onnx.OnnxModel;
import dev.galvani.models.onnx.OnnxRuntimePeer;
import dev.galvani.models.onnx.RuntimeParity;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Full-size nets imported from ONNX (scripts/onnx/export_torchvision.py writes them with PyTorch's
 * logits on the same batch): per net, the largest relative logit difference against ONNX Runtime
 * and PyTorch (and against ONNX Runtime on every node value), forward images/s at batch 8 for
 * Galvani, ONNX Runtime and PyTorch measured one after another in the same run (PyTorch through
 * bench/python/torchvision_forward_bench.py when a Python with torch is given), and Galvani's peak
 * heap while importing and running the net. And conductance of a block of GoogLeNet (the
 * conductance paper's inception4d) with its time and peak heap, written as .npy for the
 * comparison with Captum (bench/python/captum_googlenet_bench.py).
 */
public final class OnnxBench {
    private OnnxBench() {}

    public record Row(String net, long parameters, double importSeconds, double vsOrt, double nodesVsOrt, double vsTorch,
                      double galvaniImagesPerSecond, double ortImagesPerSecond, double torchImagesPerSecond, long peakHeap) {}

    /** Samples the heap in use every few milliseconds; the peak is an upper bound within one sample of garbage. */
    static final class HeapPeak implements AutoCloseable {
        private final Thread t;
        private volatile boolean stop;
        private volatile long peak;

        HeapPeak() {
            System.gc();
            Runtime rt = Runtime.getRuntime();
            t = new Thread(() -> {
                while (!stop) {
                    peak = Math.max(peak, rt.totalMemory() - rt.freeMemory());
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "heap-peak");
            t.setDaemon(true);
            t.start();
        }

        long peak() {
            return peak;
        }

        @Override public void close() {
            stop = true;
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Best wall time of {@code repeats} runs after one warm-up. */
    static double best(int repeats, Runnable r) {
        r.run();
        double best = Double.MAX_VALUE;
        for (int i = 0; i < repeats; i++) {
            long t0 = System.nanoTime();
            r.run();
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        return best;
    }

    public static Row measure(Path dir, String name, int repeats, String python) {
        Path file = dir.resolve(name + ".onnx");
        Tensor x = Npy.read(dir.resolve("input.npy"));
        int n = x.size(0);
        OnnxModel m;
        Tensor[] ours = new Tensor[1];
        double importSeconds, galvani;
        long peak;
        try (HeapPeak hp = new HeapPeak()) {
            long t0 = System.nanoTime();
            m = OnnxModel.load(file);
            importSeconds = (System.nanoTime() - t0) / 1e9;
            try (Grad.Scope s = Grad.off()) {
                galvani = best(repeats, () -> ours[0] = m.call(x));
            }
            peak = hp.peak();
        }
        Tensor torchLogits = Npy.read(dir.resolve(name + "_logits.npy"));
        double vsTorch = RuntimeParity.relative(ours[0].data(), torchLogits.data());
        double nodes = RuntimeParity.compare(m, OnnxFile.read(file), x.rows(0, 1), true).worst();
        double ort;
        double vsOrt;
        try (OnnxRuntimePeer peer = OnnxRuntimePeer.open(OnnxFile.read(file), m.inputName(), List.of())) {
            @SuppressWarnings("unchecked") Map<String, Tensor>[] out = new Map[1];
            ort = best(repeats, () -> out[0] = peer.run(x, false));
            vsOrt = RuntimeParity.relative(ours[0].data(), out[0].get(m.outputName()).data());
        }
        double torch = python == null ? Double.NaN : torchImagesPerSecond(python, dir, name, repeats);
        return new Row(name, m.parameterCount(), importSeconds, vsOrt, nodes, vsTorch, n / galvani, n / ort, torch, peak);
    }

    /** Runs the PyTorch timing script and reads its images/s. */
    static double torchImagesPerSecond(String python, Path dir, String name, int repeats) {
        Path script = Path.of(System.getProperty("galvani.home", "."), "bench", "python", "torchvision_forward_bench.py");
        ProcessBuilder pb = new ProcessBuilder(python, script.toString(), dir.toString(), name, Integer.toString(repeats)).redirectErrorStream(true);
        try {
            Process p = pb.start();
            String last = null;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
                for (String line; (line = r.readLine()) != null; ) if (line.startsWith("images_per_s=")) last = line;
            }
            if (p.waitFor() != 0 || last == null) throw new GalvaniException(script + " failed for " + name);
            return Double.parseDouble(last.substring("images_per_s=".length(), last.indexOf(' ')));
        } catch (IOException e) {
            throw new GalvaniException("cannot run " + python + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GalvaniException("interrupted");
        }
    }

    public static String format(List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "jdk %s, %d cores, %d threads, %s; forward at batch 8, 224x224, best of the repeats%n",
                Runtime.version(), Runtime.getRuntime().availableProcessors(), Parallel.threads(), Backends.current().name()));
        sb.append(String.format(Locale.ROOT, "%-13s %11s %8s %10s %10s %10s %9s %9s %9s %8s %8s %9s%n", "net", "parameters", "import s",
                "vs ORT", "nodes/ORT", "vs torch", "galvani/s", "ORT/s", "torch/s", "g/ORT", "g/torch", "peak heap"));
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "%-13s %11d %8.2f %10.2e %10.2e %10.2e %9.2f %9.2f %9.2f %8.2f %8.2f %8.2fG%n", r.net, r.parameters,
                    r.importSeconds, r.vsOrt, r.nodesVsOrt, r.vsTorch, r.galvaniImagesPerSecond, r.ortImagesPerSecond, r.torchImagesPerSecond,
                    r.galvaniImagesPerSecond / r.ortImagesPerSecond, r.galvaniImagesPerSecond / r.torchImagesPerSecond, r.peakHeap / 1e9));
        }
        return sb.toString();
    }

    /** The rows as JSON: per net its parameters, import time, largest differences from ONNX Runtime and PyTorch, images/s of each, peak heap; and the machine. */
    public static Map<String, Object> json(List<Row> rows) {
        Map<String, Object> j = new java.util.LinkedHashMap<>();
        j.put("benchmark", "onnx");
        j.put("batch", 8);
        j.put("image_size", 224);
        List<Object> nets = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("net", r.net());
            m.put("parameters", r.parameters());
            m.put("import_seconds", r.importSeconds());
            m.put("max_relative_difference_ort", r.vsOrt());
            m.put("max_relative_difference_ort_nodes", r.nodesVsOrt());
            m.put("max_relative_difference_torch", r.vsTorch());
            m.put("galvani_images_per_second", r.galvaniImagesPerSecond());
            m.put("ort_images_per_second", r.ortImagesPerSecond());
            m.put("torch_images_per_second", r.torchImagesPerSecond());
            m.put("peak_heap_bytes", r.peakHeap());
            nets.add(m);
        }
        j.put("nets", nets);
        j.put("machine", Machine.describe());
        return j;
    }

    /** Conductance of {@code layer} for the first {@code images} inputs, Captum's discretisation and Gauss-Legendre nodes. */
    public record ConductanceRun(String layer, int images, int steps, double seconds, long peakHeap, Path written) {
        public String text() {
            return String.format(Locale.ROOT, "googlenet %s conductance: %d images, %d steps (Captum's discretisation, Gauss-Legendre): %.2f s, "
                    + "peak heap %.2f GB, jdk %s, %d threads; wrote %s%n", layer, images, steps, seconds, peakHeap / 1e9, Runtime.version(), Parallel.threads(), written);
        }

        public Map<String, Object> json() {
            Map<String, Object> j = new java.util.LinkedHashMap<>();
            j.put("benchmark", "onnx-conductance");
            j.put("layer", layer);
            j.put("images", images);
            j.put("steps", steps);
            j.put("seconds", seconds);
            j.put("peak_heap_bytes", peakHeap);
            j.put("written", written.toString());
            j.put("machine", Machine.describe());
            return j;
        }
    }

    public static ConductanceRun conductance(Path dir, String name, String layer, int images, int steps, Integer maxRows) {
        OnnxModel m = OnnxModel.load(dir.resolve(name + ".onnx"));
        Tensor x = Npy.read(dir.resolve("input.npy")).rows(0, images);
        int[] classes;
        try (Grad.Scope s = Grad.off()) {
            classes = F.argmax(m.call(x));
        }
        LayerConductance lc = new LayerConductance(m).layers(layer).steps(steps).method(Quadrature.GAUSS_LEGENDRE)
                .discretisation(Discretisation.CAPTUM).integratedGradients(false);
        if (maxRows != null) lc.maxRows(maxRows);
        AttributionResult[] r = new AttributionResult[1];
        double seconds;
        long peak;
        try (HeapPeak hp = new HeapPeak()) {
            long t0 = System.nanoTime();
            r[0] = lc.attribute(x, classes);
            seconds = (System.nanoTime() - t0) / 1e9;
            peak = hp.peak();
        }
        Path out = dir.resolve(name + "_" + layer.replace('.', '_') + "_galvani_" + images + ".npy");
        NpyWriter.write(out, r[0].layer(layer).conductance());
        return new ConductanceRun(layer, images, steps, seconds, peak, out);
    }

    /** Layers whose values at the input {@link #pathValues} writes: GoogLeNet's stem and blocks up to inception4d. */
    public static final List<String> GOOGLENET_LAYERS = List.of("conv1", "maxpool1", "conv3", "maxpool2", "inception3a",
            "inception3b", "maxpool3", "inception4a", "inception4b", "inception4c", "inception4d");

    /**
     * For the float32/float64 comparison (bench/python/googlenet_precision.py): the path rows of
     * one image, {@code y(α_k)} and {@code ∂F/∂y(α_k)} at {@code layer} for Captum's {@code steps+1}
     * Gauss-Legendre nodes (the target its predicted class), and the value of each of
     * {@code atInput} at the image itself. Writes {@code NAME_LAYER_galvani_path_values_I.npy},
     * {@code ..._path_grads_I.npy} and {@code NAME_L_galvani_x_I.npy} per layer {@code L}; returns them.
     */
    public static List<Path> pathValues(Path dir, String name, String layer, List<String> atInput, int image, int steps, Integer maxRows) {
        OnnxModel m = OnnxModel.load(dir.resolve(name + ".onnx"));
        Tensor x = Npy.read(dir.resolve("input.npy")).rows(image, image + 1);
        LayerConductance lc = new LayerConductance(m).layers(layer).steps(steps).method(Quadrature.GAUSS_LEGENDRE)
                .discretisation(Discretisation.CAPTUM);
        if (maxRows != null) lc.maxRows(maxRows);
        LayerConductance.PathValues pv = lc.pathValues(x, null).get(layer);
        String stem = name + "_" + layer.replace('.', '_') + "_galvani_path_";
        List<Path> written = new ArrayList<>();
        written.add(dir.resolve(stem + "values_" + image + ".npy"));
        written.add(dir.resolve(stem + "grads_" + image + ".npy"));
        NpyWriter.write(written.get(0), pv.values());
        NpyWriter.write(written.get(1), pv.gradients());
        Map<String, Tensor> at;
        try (Grad.Scope s = Grad.off()) {
            at = m.runWithCache(x, atInput).cache();
        }
        for (String l : atInput) {
            Path out = dir.resolve(name + "_" + l.replace('.', '_') + "_galvani_x_" + image + ".npy");
            NpyWriter.write(out, at.get(l));
            written.add(out);
        }
        return written;
    }

    public static void main(String[] args) {
        Path dir = Path.of(args.length > 0 ? args[0] : "/work/onnx-models");
        List<Row> rows = new ArrayList<>();
        for (String n : new String[] {"googlenet", "alexnet", "vgg16", "mobilenet_v2", "resnet101"}) {
            if (Files.exists(dir.resolve(n + ".onnx"))) rows.add(measure(dir, n, 3, "/usr/bin/python3"));
        }
        System.out.print(format(rows));
    }
}
