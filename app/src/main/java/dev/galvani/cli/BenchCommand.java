package dev.galvani.cli;

import dev.galvani.bench.GemmBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code galvani bench <what>}: timing runners that print GFLOP/s (or throughput) next to a
 * reference library, the JDK and the kernels in use. A new benchmark is one more nested
 * {@code @Command} class below and one entry in {@code subcommands}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks: Galvani's kernels against reference libraries.",
        subcommands = {
            BenchCommand.Gemm.class,
        })
final class BenchCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "gemm", mixinStandardHelpOptions = true,
            description = "C = A B for n x n float matrices: Galvani's GEMM against EJML (GFLOP/s = 2 n^3 / t).")
    static final class Gemm implements Runnable {

        @Option(names = "--size", paramLabel = "N", defaultValue = "1024",
                description = "Matrix size n (default: ${DEFAULT-VALUE}).")
        int size;

        @Option(names = "--warmup", paramLabel = "SECONDS", defaultValue = "1.0",
                description = "Warm-up time per library in seconds (default: ${DEFAULT-VALUE}).")
        double warmup;

        @Option(names = "--json", description = "Print one JSON object instead of text.")
        boolean json;

        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            GemmBench.Result r = GemmBench.run(size, warmup);
            spec.commandLine().getOut().println(json ? r.toJson() : r.toText());
            spec.commandLine().getOut().flush();
        }
    }
}
