package dev.galvani.distributed.cli;

import dev.galvani.distributed.Failures;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/**
 * {@code galvani sweep ...}: attribution sweeps as Spark jobs, embedded on {@code local[*]} by
 * default or under {@code spark-submit} on a cluster. A failed sweep prints one line naming the
 * work item at fault (GALVANI_DEBUG=1 adds the trace) and exits non-zero.
 */
@Command(name = "galvani sweep", mixinStandardHelpOptions = true, version = "galvani sweep 0.1.0", scope = CommandLine.ScopeType.INHERIT, showDefaultValues = true,
        description = "Attribution sweeps as Apache Spark jobs; results to Parquet (and CSV). See docs/sweeps.md.",
        subcommands = {CommandLine.HelpCommand.class, ConductanceCommand.class, AblationCommand.class, SelectivityCommand.class, InteractionsCommand.class, BenchCommand.class})
public final class Sweep implements Runnable {

    public static void main(String[] args) {
        int code = run(args);
        System.exit(code);
    }

    /** Runs a command line and returns the exit code (for tests). */
    public static int run(String... args) {
        return run(new PrintWriter(System.err, true), args);
    }

    /** Runs a command line with its error line going to {@code err}; returns the exit code. */
    public static int run(PrintWriter err0, String... args) {
        CommandLine cl = new CommandLine(new Sweep());
        cl.setErr(err0);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            if (System.getenv("GALVANI_DEBUG") != null) ex.printStackTrace(err);
            if (Failures.isUserError(ex)) {
                err.println("galvani sweep: " + Failures.oneLine(ex));
                err.flush();
                return 2;
            }
            Throwable root = ex;
            while (root.getCause() != null && root.getCause() != root) root = root.getCause();
            if (root instanceof OutOfMemoryError) {
                err.println("galvani sweep: out of memory; lower --batch or raise -Xmx (GALVANI_JAVA_OPTS, or spark.executor.memory on a cluster)");
                err.flush();
                return 3;
            }
            err.println("galvani sweep: " + Failures.oneLine(ex) + " (GALVANI_DEBUG=1 shows the trace)");
            err.flush();
            return 1;
        });
        return cl.execute(args);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
