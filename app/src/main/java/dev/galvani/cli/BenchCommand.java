package dev.galvani.cli;

import dev.galvani.bench.GemmBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code galvani bench <what>}: timing runners that print GFLOP/s (or throughput) next to a
 * reference library, the JDK and the kernels in use. A new benchmark is one more nested
 * {@code @Command} class below and one entry in {@code subcommands}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks: Galvani's kernels against reference libraries.",
        subcommands = {
            BenchCommand.Gemm.class,
            BenchCommand.Conductance.class,
            BenchCommand.Training.class,
            BenchCommand.Interactions.class,
            BenchCommand.NeuronConductance.class,
            BenchCommand.Onnx.class,
        })
final class BenchCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "gemm", mixinStandardHelpOptions = true,
            description = "C = A B for n x n float matrices: Galvani's GEMM against EJML and PyTorch (when found), "
                    + "and the fraction of the machine's FMA peak it reaches, all in the same run (GFLOP/s = 2 n^3 / t).")
    static final class Gemm implements Runnable {

        @Option(names = "--size", paramLabel = "N[,N...]", defaultValue = "1024", split = ",",
                description = "Matrix sizes n, each run in turn (default: ${DEFAULT-VALUE}).")
        List<Integer> sizes;

        @Option(names = "--no-pytorch", description = "Do not run PyTorch's torch.mm beside Galvani.")
        boolean noPytorch;

        @Option(names = "--warmup", paramLabel = "SECONDS", defaultValue = "1.0",
                description = "Warm-up time per library in seconds (default: ${DEFAULT-VALUE}).")
        double warmup;

        @Option(names = "--json", description = "Print one JSON object instead of text.")
        boolean json;

        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            for (int size : sizes) {
                GemmBench.Result r = GemmBench.run(size, warmup, !noPytorch);
                spec.commandLine().getOut().println(json ? r.toJson() : r.toText());
                spec.commandLine().getOut().flush();
            }
        }
    }

    @Command(name = "onnx", mixinStandardHelpOptions = true,
            description = "Full-size nets from scripts/onnx/export_torchvision.py: logits against ONNX Runtime and PyTorch, every node against ONNX Runtime, "
                    + "forward images/s (batch 8, 224x224) of Galvani, ONNX Runtime and PyTorch one after another, peak heap; "
                    + "with --conductance, GoogLeNet's inception4d conductance (time, peak heap; .npy for bench/python/captum_googlenet_bench.py); "
                    + "with --path-values, inception4d and its gradient at every path node of one image, and the blocks' values at the image "
                    + "(.npy for bench/python/googlenet_precision.py).")
    static final class Onnx implements Runnable {
        @picocli.CommandLine.Parameters(paramLabel = "DIR", description = "Folder written by scripts/onnx/export_torchvision.py") Path dir;
        @Option(names = "--nets", split = ",", defaultValue = "googlenet,alexnet,vgg16,mobilenet_v2,resnet101") List<String> nets;
        @Option(names = "--repeats", defaultValue = "3") int repeats;
        @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "A Python with torch and torchvision for PyTorch's timing; 'none' to skip") String python;
        @Option(names = "--conductance", description = "Only the conductance run: inception4d of googlenet") boolean conductance;
        @Option(names = "--images", defaultValue = "2") int images;
        @Option(names = "--steps", defaultValue = "50") int steps;
        @Option(names = "--max-rows", description = "Rows per pass (default: what fits the heap)") Integer maxRows;
        @Option(names = "--path-values", paramLabel = "IMAGE", description = "Only the path rows of this image (0-based) of input.npy: inception4d of googlenet") Integer pathImage;

        @Override
        public void run() {
            if (pathImage != null) {
                var files = dev.galvani.bench.OnnxBench.pathValues(dir, "googlenet", "inception4d", dev.galvani.bench.OnnxBench.GOOGLENET_LAYERS,
                        pathImage, steps, maxRows);
                System.out.printf(java.util.Locale.ROOT, "googlenet inception4d path values, image %d, %d steps (%d nodes), jdk %s: wrote %d files, %s ...%n",
                        pathImage, steps, steps + 1, Runtime.version(), files.size(), files.get(0));
                return;
            }
            if (conductance) {
                var r = dev.galvani.bench.OnnxBench.conductance(dir, "googlenet", "inception4d", images, steps, maxRows);
                System.out.printf(java.util.Locale.ROOT, "googlenet %s conductance: %d images, %d steps (Captum's discretisation, Gauss-Legendre): %.2f s, peak heap %.2f GB, jdk %s, %d threads; wrote %s%n",
                        r.layer(), r.images(), r.steps(), r.seconds(), r.peakHeap() / 1e9, Runtime.version(), dev.galvani.kernels.Parallel.threads(), r.written());
                return;
            }
            List<dev.galvani.bench.OnnxBench.Row> rows = new java.util.ArrayList<>();
            for (String n : nets) {
                rows.add(dev.galvani.bench.OnnxBench.measure(dir, n, repeats, python.equals("none") ? null : python));
                System.out.print(dev.galvani.bench.OnnxBench.format(rows.subList(rows.size() - 1, rows.size())));
            }
            System.out.print(dev.galvani.bench.OnnxBench.format(rows));
        }
    }

    @Command(name = "conductance", mixinStandardHelpOptions = true,
            description = "Attributions/s of conductance on the Inception-style net: the default (64-row passes, one per core) vs one thread, "
                    + "one layer vs three, Captum-style vs JVP, one pass of the whole path vs a step loop; all in the same run.")
    static final class Conductance implements Runnable {
        @Option(names = "--batch", defaultValue = "16") int batch;
        @Option(names = "--steps", defaultValue = "50") int steps;
        @Option(names = "--repeats", defaultValue = "2") int repeats;
        @Option(names = "--memory", description = "Instead: one default run of --batch images (use 32) and its memory, beside Captum's "
                + "(bench/python/captum_conductance_bench.py, when PyTorch and Captum import, e.g. PYTHONPATH=/tmp/captum)") boolean memory;
        @Option(names = "--no-captum", description = "With --memory: do not run Captum.") boolean noCaptum;
        @picocli.CommandLine.Mixin DeviceOption device;

        @Override
        public void run() {
            device.install();
            if (batch < 1 || steps < 1 || repeats < 1) throw new dev.galvani.engine.GalvaniException("--batch, --steps and --repeats must be at least 1");
            if (memory) {
                System.out.print(dev.galvani.bench.ConductanceBench.memory(batch, steps, !noCaptum).toText());
                return;
            }
            System.out.print(dev.galvani.bench.ConductanceBench.format(dev.galvani.bench.ConductanceBench.run(batch, steps, repeats, 0), batch, steps));
        }
    }

    @Command(name = "training", mixinStandardHelpOptions = true,
            description = "Training throughput (images/s; sentences/s for textcnn) of a model on a random batch: forward, backward, Adam step; "
                    + "PyTorch's on the same architecture right after, in the same run, when a Python with PyTorch is found (bench/python).")
    static final class Training implements Runnable {
        @Option(names = "--model", split = ",", defaultValue = "inception",
                description = "Models, each run in turn: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
                completionCandidates = ModelNames.class)
        List<String> models;
        @Option(names = "--batch", defaultValue = "64") int batch;
        @Option(names = "--steps", defaultValue = "8", description = "Steps per timed repetition (default: ${DEFAULT-VALUE}).") int steps;
        @Option(names = "--repeats", defaultValue = "3", description = "Timed repetitions; the best counts (default: ${DEFAULT-VALUE}).") int repeats;
        @Option(names = "--no-pytorch", description = "Do not run PyTorch beside Galvani.") boolean noPytorch;

        @Override
        public void run() {
            if (batch < 1 || steps < 1 || repeats < 1) throw new dev.galvani.engine.GalvaniException("--batch, --steps and --repeats must be at least 1");
            for (String m : models) dev.galvani.models.ModelZoo.defaults(m, java.util.Map.of()); // unknown names fail before any run
            for (String m : models) {
                System.out.print(dev.galvani.bench.TrainingBench.run(m, batch, steps, repeats, !noPytorch).toText());
                System.out.flush();
            }
        }
    }

    /** The model names, for --model's help. */
    static final class ModelNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return dev.galvani.models.ModelZoo.NAMES.iterator();
        }
    }

    @Command(name = "interactions", mixinStandardHelpOptions = true,
            description = "Interaction extraction for one sample against one batched forward of its 2^n masked samples, and the AND-OR decomposition's fast transforms against dense matrices (same run).")
    static final class Interactions implements Runnable {
        @Option(names = "--variables", split = ",", defaultValue = "10,12") List<Integer> variables;
        @Option(names = "--iterations", defaultValue = "20000") int iterations;
        @Option(names = "--max-rows", defaultValue = "256") int maxRows;

        @Override
        public void run() {
            for (int n : variables) {
                if (n < 1 || n > 16) throw new dev.galvani.engine.GalvaniException("--variables must be 1..16, got " + n);
                System.out.println(dev.galvani.bench.InteractionsBench.format(dev.galvani.bench.InteractionsBench.run(n, iterations, maxRows)));
            }
        }
    }

    @Command(name = "neuron-conductance", mixinStandardHelpOptions = true,
            description = "Neuron conductance of all filters and all units of a layer for one image, each in one call, against one neuron at a time "
                    + "on the same net and (with --python) against Captum's NeuronConductance on the PyTorch replica; seconds per neuron, ratios, peak memory.")
    static final class NeuronConductance implements Runnable {
        @Option(names = "--checkpoint", description = "Model to use (default: the Inception-style net with random weights)") java.nio.file.Path checkpoint;
        @Option(names = "--layer", defaultValue = "inception4a") String layer;
        @Option(names = "--steps", defaultValue = "50") int steps;
        @Option(names = "--samples", defaultValue = "8", description = "Neurons timed one at a time in each loop (default ${DEFAULT-VALUE})") int samples;
        @Option(names = "--python", description = "A Python with PyTorch and Captum 0.8 importable (e.g. PYTHONPATH=/tmp/captum and /usr/bin/python3) to time Captum too") String python;
        @picocli.CommandLine.Mixin DeviceOption device;

        @Override
        public void run() {
            device.install();
            if (steps < 2 || samples < 1) throw new dev.galvani.engine.GalvaniException("--steps must be at least 2 and --samples at least 1");
            System.out.print(dev.galvani.bench.NeuronConductanceBench.format(
                    dev.galvani.bench.NeuronConductanceBench.run(checkpoint, layer, steps, samples, python, 0)));
        }
    }
}
