package dev.galvani.cli;

import dev.galvani.engine.GalvaniException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.io.PrintWriter;
import java.util.Arrays;

/**
 * The {@code galvani} command. Every subcommand reports bad input as one line on stderr and a
 * non-zero exit ({@link GalvaniException}, picocli's parameter errors); anything else is a bug,
 * reported in one line too, its stack trace shown with {@code --debug} or {@code GALVANI_DEBUG=1}.
 * {@code --help} (and {@code -h}, {@code --version}), and the default values in the help, are
 * inherited by every subcommand.
 */
@Command(name = "galvani", mixinStandardHelpOptions = true, version = "galvani 0.1.0", scope = ScopeType.INHERIT, showDefaultValues = true,
        description = "Neuron attribution on a pure-Java autodiff engine.",
        subcommands = {
            HelpCommand.class,
            InfoCommand.class,
            ModelCommand.class,
            OnnxCommand.class,
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

    @Option(names = "--debug", scope = ScopeType.INHERIT,
            description = "On an unexpected error, print its stack trace (as does GALVANI_DEBUG=1).")
    boolean debug;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns the exit code (for tests). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Galvani());
        cl.setParameterExceptionHandler(Galvani::badArguments);
        boolean debug = Arrays.asList(args).contains("--debug") || isSet(System.getenv("GALVANI_DEBUG"));
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> report(ex, cmd.getErr(), debug));
        try {
            return cl.execute(args);
        } catch (Throwable t) { // errors (a stack overflow, say) pass by picocli's handler
            return report(t, cl.getErr(), debug);
        }
    }

    private static boolean isSet(String v) {
        return v != null && !v.isBlank() && !v.equals("0") && !v.equalsIgnoreCase("false");
    }

    /**
     * One line on stderr and an exit code: 2 for bad input ({@link GalvaniException}, whose message
     * names the file, layer or value), 3 for running out of memory, 1 for anything else (a bug),
     * with a hint to rerun with {@code --debug}; the stack trace only when debugging.
     */
    static int report(Throwable ex, PrintWriter err, boolean debug) {
        Throwable t = ex;
        while (t.getCause() != null && t.getCause() != t && !(t instanceof GalvaniException)) t = t.getCause();
        if (debug) ex.printStackTrace(err);
        int code;
        if (t instanceof GalvaniException) {
            err.println("galvani: " + t.getMessage());
            code = 2;
        } else if (t instanceof OutOfMemoryError) {
            err.printf(java.util.Locale.ROOT, "galvani: out of memory in a heap of at most %d MiB; lower --batch (the interactions study: --readout-memory), or raise the limit, e.g. GALVANI_JAVA_OPTS=-Xmx16g%n",
                    Runtime.getRuntime().maxMemory() >> 20);
            code = 3;
        } else {
            String msg = t.getMessage() == null ? "" : ": " + t.getMessage().replaceAll("\\s+", " ").strip();
            err.println("galvani: unexpected error " + t.getClass().getSimpleName() + msg
                    + (debug ? "" : " (a bug; rerun with --debug or GALVANI_DEBUG=1 for the stack trace)"));
            code = 1;
        }
        err.flush();
        return code;
    }

    /** A parsing error (unknown or missing option, bad value): one line naming the command's help, exit code 2. */
    static int badArguments(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        String name = cmd.getCommandSpec().qualifiedName(" ").replaceFirst("^galvani ?", "");
        String message = ex.getMessage().strip();
        // An option renamed or dropped explains itself first, whatever else is wrong with the line.
        String renamed = null;
        for (String arg : args) if (renamed == null && arg.startsWith("--")) renamed = RenamedOptions.explain(name, arg);
        if (renamed == null && ex.getArgSpec() instanceof CommandLine.Model.OptionSpec o && o.longestName().equals("--target")) {
            renamed = RenamedOptions.explainTarget(name, ex.getValue());
        }
        if (renamed != null) {
            message = renamed;
        } else if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
            message += "; did you mean " + String.join(" or ", u.getSuggestions()) + "?";
        }
        PrintWriter err = cmd.getErr();
        err.println("galvani" + (name.isEmpty() ? "" : " " + name) + ": " + message.replaceAll("\\s*\\R\\s*", " ")
                + "; see 'galvani help" + (name.isEmpty() ? "" : " " + name) + "'");
        err.flush();
        return 2;
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
