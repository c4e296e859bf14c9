package dev.galvani.cli;

import dev.galvani.bench.GemmBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

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

    @Command(name = "conductance", mixinStandardHelpOptions = true,
            description = "Attributions/s of conductance on the Inception-style net: the default (64-row passes, one per core) vs one thread, "
                    + "one layer vs three, Captum-style vs JVP, one pass of the whole path vs a step loop; all in the same run.")
    static final class Conductance implements Runnable {
        @Option(names = "--batch", defaultValue = "16") int batch;
        @Option(names = "--steps", defaultValue = "50") int steps;
        @Option(names = "--repeats", defaultValue = "2") int repeats;
        @picocli.CommandLine.Mixin DeviceOption device;

        @Override
        public void run() {
            device.install();
            if (batch < 1 || steps < 1 || repeats < 1) throw new dev.galvani.engine.GalvaniException("--batch, --steps and --repeats must be at least 1");
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
            description = "Interaction extraction for one sample against one batched forward of its 2^n masked samples (same run).")
    static final class Interactions implements Runnable {
        @Option(names = "--variables", split = ",", defaultValue = "10,12") List<Integer> variables;
        @Option(names = "--iterations", defaultValue = "3000") int iterations;
        @Option(names = "--max-rows", defaultValue = "256") int maxRows;

        @Override
        public void run() {
            for (int n : variables) {
                if (n < 1 || n > 16) throw new dev.galvani.engine.GalvaniException("--variables must be 1..16, got " + n);
                System.out.println(dev.galvani.bench.InteractionsBench.format(dev.galvani.bench.InteractionsBench.run(n, iterations, maxRows)));
            }
        }
    }
}
