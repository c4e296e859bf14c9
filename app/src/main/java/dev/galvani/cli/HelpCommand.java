package dev.galvani.cli;

import dev.galvani.engine.GalvaniException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code galvani help [COMMAND [SUBCOMMAND...]]}: the help of the command named by the whole path
 * ({@code galvani help study ablation} is {@code galvani study ablation --help}). Picocli's own help
 * command looks only one level down.
 */
@Command(name = "help", helpCommand = true,
        description = "Show a command's help: 'galvani help conductance', 'galvani help study ablation'.")
final class HelpCommand implements Runnable, CommandLine.IHelpCommandInitializable2 {
    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "A command and its subcommands (none: the list of commands).")
    List<String> path = new ArrayList<>();

    private CommandLine self;
    private Help.ColorScheme colors;
    private PrintWriter out;

    @Override
    public void init(CommandLine helpCommandLine, Help.ColorScheme colorScheme, PrintWriter out, PrintWriter err) {
        this.self = helpCommandLine;
        this.colors = colorScheme;
        this.out = out;
    }

    @Override
    public void run() {
        CommandLine cmd = self.getParent();
        for (String name : path) {
            CommandLine sub = cmd.getSubcommands().get(name);
            if (sub == null) {
                throw new GalvaniException("'" + cmd.getCommandName() + "' has no command '" + name + "'; its commands: "
                        + String.join(", ", cmd.getSubcommands().keySet()));
            }
            cmd = sub;
        }
        cmd.usage(out, colors);
        out.flush();
    }
}
