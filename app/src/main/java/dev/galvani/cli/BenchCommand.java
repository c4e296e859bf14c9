package dev.galvani.cli;

import dev.galvani.bench.ConductanceBench;
import dev.galvani.bench.GemmBench;
import dev.galvani.bench.InteractionsBench;
import dev.galvani.bench.NeuronConductanceBench;
import dev.galvani.bench.TrainingBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
@Command(name = "bench",
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

    @Command(name = "gemm",
            description = "C = A B for n x n float matrices: Galvani's GEMM against EJML and PyTorch (when found), "
                    + "and the fraction of the machine's FMA peak it reaches, all in the same run (GFLOP/s = 2 n^3 / t).")
    static final class Gemm implements Runnable {

        @Option(names = "--size", paramLabel = "N[,N...]", defaultValue = "1024", split = ",",
                description = "Matrix sizes n, each run in turn.")
        List<Integer> sizes;

        @Option(names = "--no-pytorch", description = "Do not run PyTorch's torch.mm beside Galvani.")
        boolean noPytorch;

        @Option(names = "--warmup", paramLabel = "SECONDS", defaultValue = "1.0",
                description = "Warm-up time per library in seconds.")
        double warmup;

        @Mixin ResultOutput output;

        @Override
        public void run() {
            StringBuilder text = new StringBuilder();
            List<Object> runs = new java.util.ArrayList<>();
            for (int size : sizes) {
                GemmBench.Result r = GemmBench.run(size, warmup, !noPytorch);
                text.append(r.toText()).append(System.lineSeparator());
                runs.add(r.json());
            }
            output.emit(text.toString(), runs.size() == 1 ? runs.get(0) : java.util.Map.of("runs", runs));
        }
    }

    @Command(name = "onnx",
            description = "Full-size nets from scripts/onnx/export_torchvision.py: logits against ONNX Runtime and PyTorch, every node against ONNX Runtime, "
                    + "forward images/s (batch 8, 224x224) of Galvani, ONNX Runtime and PyTorch one after another, peak heap; "
                    + "with --conductance, GoogLeNet's inception4d conductance (time, peak heap; .npy for bench/python/captum_googlenet_bench.py); "
                    + "with --path-values, inception4d and its gradient at every path node of one image, and the blocks' values at the image "
                    + "(.npy for bench/python/googlenet_precision.py).")
    static final class Onnx implements Runnable {
        @picocli.CommandLine.Parameters(paramLabel = "DIR", description = "Folder written by scripts/onnx/export_torchvision.py.") Path dir;
        @Option(names = "--nets", split = ",", defaultValue = "googlenet,alexnet,vgg16,mobilenet_v2,resnet101", paramLabel = "NET", description = "The exported nets measured.") List<String> nets;
        @Option(names = "--repeats", defaultValue = "3", description = "Timed forward passes per library (the best counts).") int repeats;
        @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "A Python with torch and torchvision for PyTorch's timing; 'none' to skip.") String python;
        @Option(names = "--conductance", description = "Only the conductance run: inception4d of googlenet.") boolean conductance;
        @Option(names = "--images", defaultValue = "2", description = "Images attributed in the conductance run.") int images;
        @Option(names = "--steps", defaultValue = "50", description = "Integration steps of the conductance run.") int steps;
        @Option(names = "--max-rows", paramLabel = "N", description = "Memory bound: most path rows in one pass (default: what half the free heap holds, at most 64).") Integer maxRows;
        @Option(names = "--path-values", paramLabel = "IMAGE", description = "Only the path rows of this image (0-based) of input.npy: inception4d of googlenet.") Integer pathImage;
        @Mixin ResultOutput output;

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
                output.emit(r.text(), r.json());
                return;
            }
            List<dev.galvani.bench.OnnxBench.Row> rows = new java.util.ArrayList<>();
            for (String n : nets) {
                rows.add(dev.galvani.bench.OnnxBench.measure(dir, n, repeats, python.equals("none") ? null : python));
                if (!output.json) System.out.print(dev.galvani.bench.OnnxBench.format(rows.subList(rows.size() - 1, rows.size())));
            }
            output.emit(dev.galvani.bench.OnnxBench.format(rows), dev.galvani.bench.OnnxBench.json(rows));
        }
    }

    @Command(name = "conductance",
            description = "Attributions/s of conductance on the Inception-style net: the default (64-row passes, one per core) vs one thread, "
                    + "one layer vs three, Captum-style vs JVP, one pass of the whole path vs a step loop; all in the same run.")
    static final class Conductance implements Runnable {
        @Option(names = "--batch", defaultValue = "16", description = "Images attributed per call.") int batch;
        @Option(names = "--steps", defaultValue = "50", description = "Integration steps.") int steps;
        @Option(names = "--repeats", defaultValue = "2", description = "Timed calls per variant (the best counts).") int repeats;
        @Option(names = "--memory", description = "Instead: one default run of --batch images (use 32) and its memory, beside Captum's "
                + "(bench/python/captum_conductance_bench.py, when PyTorch and Captum import, e.g. PYTHONPATH=/tmp/captum).") boolean memory;
        @Option(names = "--no-captum", description = "With --memory: do not run Captum.") boolean noCaptum;
        @Mixin ResultOutput output;
        @Mixin DeviceOption device;

        @Override
        public void run() {
            device.hostOnly("bench conductance");
            if (batch < 1 || steps < 1 || repeats < 1) throw new dev.galvani.engine.GalvaniException("--batch, --steps and --repeats must be at least 1");
            if (memory) {
                System.out.print(ConductanceBench.memory(batch, steps, !noCaptum).toText());
                return;
            }
            var rows = ConductanceBench.run(batch, steps, repeats, 0);
            output.emit(ConductanceBench.format(rows, batch, steps), ConductanceBench.json(rows, batch, steps));
        }
    }

    @Command(name = "training",
            description = "Training throughput (images/s; sentences/s for textcnn) of a model on a random batch: forward, backward, Adam step; "
                    + "PyTorch's on the same architecture right after, in the same run, when a Python with PyTorch is found (bench/python).")
    static final class Training implements Runnable {
        @Option(names = "--model", split = ",", defaultValue = "inception", paramLabel = "MODEL",
                description = "Models, each run in turn: ${COMPLETION-CANDIDATES}.", completionCandidates = ModelNames.class)
        List<String> models;
        @Option(names = "--batch", defaultValue = "64", description = "Examples per optimizer step.") int batch;
        @Option(names = "--iterations", defaultValue = "8", description = "Optimizer steps per timed repetition (after two of warm-up).") int iterations;
        @Option(names = "--repeats", defaultValue = "3", description = "Timed repetitions; the best counts.") int repeats;
        @Option(names = "--no-pytorch", description = "Do not run PyTorch beside Galvani.") boolean noPytorch;

        @Mixin ResultOutput output;

        @Override
        public void run() {
            if (batch < 1 || iterations < 1 || repeats < 1) throw new dev.galvani.engine.GalvaniException("--batch, --iterations and --repeats must be at least 1");
            for (String m : models) dev.galvani.models.ModelZoo.defaults(m, java.util.Map.of()); // unknown names fail before any run
            StringBuilder text = new StringBuilder();
            List<Object> runs = new java.util.ArrayList<>();
            for (String m : models) {
                TrainingBench.Result r = TrainingBench.run(m, batch, iterations, repeats, !noPytorch);
                text.append(r.toText());
                runs.add(r.json());
            }
            output.emit(text.toString(), runs.size() == 1 ? runs.get(0) : java.util.Map.of("runs", runs));
        }
    }

    /** The model names, for --model's help. */
    static final class ModelNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return dev.galvani.models.ModelZoo.NAMES.iterator();
        }
    }

    @Command(name = "interactions",
            description = "Interaction extraction for one sample against one batched forward of its 2^n masked samples, and the AND-OR decomposition's fast transforms against dense matrices (same run).")
    static final class Interactions implements Runnable {
        @Option(names = "--variables", split = ",", defaultValue = "10,12", paramLabel = "N", description = "Player counts measured (2^N masked samples each).") List<Integer> variables;
        @Option(names = "--iterations", defaultValue = "20000", description = "Iterations of the AND-OR decomposition.") int iterations;
        @Option(names = "--max-rows", defaultValue = "256", paramLabel = "N", description = "Memory bound: most masked samples in one pass.") int maxRows;

        @Mixin ResultOutput output;

        @Override
        public void run() {
            for (int n : variables) if (n < 1 || n > 16) throw new dev.galvani.engine.GalvaniException("--variables must be 1..16, got " + n);
            List<InteractionsBench.Row> rows = new java.util.ArrayList<>();
            StringBuilder text = new StringBuilder();
            for (int n : variables) {
                rows.add(InteractionsBench.run(n, iterations, maxRows));
                text.append(InteractionsBench.format(rows.get(rows.size() - 1))).append(System.lineSeparator());
            }
            output.emit(text.toString(), InteractionsBench.json(rows, iterations));
        }
    }

    @Command(name = "neuron-conductance",
            description = "Neuron conductance of all filters and all units of a layer for one image, each in one call, against one neuron at a time "
                    + "on the same net and (with --python) against Captum's NeuronConductance on the PyTorch replica; seconds per neuron, ratios, peak memory.")
    static final class NeuronConductance implements Runnable {
        @Option(names = "--checkpoint", paramLabel = "FILE", description = "The model (default: the Inception-style net with random weights).") java.nio.file.Path checkpoint;
        @Option(names = "--layer", defaultValue = "inception4a", paramLabel = "NAME", description = "The layer whose filters and units are broken down.") String layer;
        @Option(names = "--steps", defaultValue = "50", description = "Integration steps.") int steps;
        @Option(names = "--neurons", defaultValue = "8", description = "Neurons timed one at a time in each loop.") int neurons;
        @Option(names = "--python", description = "A Python with PyTorch and Captum 0.8 importable (e.g. PYTHONPATH=/tmp/captum and /usr/bin/python3) to time Captum too.") String python;
        @Mixin ResultOutput output;
        @Mixin DeviceOption device;

        @Override
        public void run() {
            device.hostOnly("bench neuron-conductance");
            if (steps < 2 || neurons < 1) throw new dev.galvani.engine.GalvaniException("--steps must be at least 2 and --neurons at least 1");
            NeuronConductanceBench.Result r = NeuronConductanceBench.run(checkpoint, layer, steps, neurons, python, 0);
            output.emit(NeuronConductanceBench.format(r), NeuronConductanceBench.json(r));
        }
    }
}
