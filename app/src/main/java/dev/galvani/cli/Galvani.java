package dev.galvani.cli;

import dev.galvani.engine.GalvaniException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/**
 * The {@code galvani} command. Every subcommand reports bad input as one line on stderr and a
 * non-zero exit ({@link GalvaniException}, picocli's parameter errors); a stack trace means a bug.
 */
@Command(name = "galvani", mixinStandardHelpOptions = true, version = "galvani 0.1.0",
        description = "Neuron attribution on a pure-Java autodiff engine.",
        subcommands = {
            CommandLine.HelpCommand.class,
            InfoCommand.class,
            ModelCommand.class,
            DemoCommand.class,
            TrainCommand.class,
            EvalCommand.class,
            PredictCommand.class,
            AblateCommand.class,
            AttributeCommand.Conductance.class,
            AttributeCommand.Ig.class,
            AttributeCommand.InternalInfluence.class,
            AttributeCommand.GradXAct.class,
            AttributeCommand.Activation.class,
            NeuronConductanceCommand.class,
            BenchCommand.class,
            StudyCommand.class,
        })
public final class Galvani implements Runnable {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns the exit code (for tests). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Galvani());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            Throwable t = ex;
            while (t.getCause() != null && !(t instanceof GalvaniException)) t = t.getCause();
            PrintWriter err = cmd.getErr();
            if (t instanceof GalvaniException) {
                err.println("galvani: " + t.getMessage());
                err.flush();
                return 2;
            }
            if (t instanceof OutOfMemoryError) {
                err.println("galvani: out of memory; lower --batch or --max-memory, or raise -Xmx (GALVANI_JAVA_OPTS)");
                err.flush();
                return 3;
            }
            throw ex;
        });
        return cl.execute(args);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
