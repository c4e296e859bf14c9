package dev.galvani.cli;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import picocli.CommandLine;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static dev.galvani.cli.CommandLineTest.run;
import static org.junit.jupiter.api.Assertions.*;

/** Every command in the tree answers --help, and 'galvani help PATH', with its own usage and exit code 0. */
class HelpTest {

    /** Every command's path below 'galvani' (the root is the empty path). */
    static List<List<String>> commandPaths() {
        List<List<String>> out = new ArrayList<>();
        walk(new CommandLine(new Galvani()), new ArrayList<>(), out);
        return out;
    }

    private static void walk(CommandLine cmd, List<String> path, List<List<String>> out) {
        out.add(List.copyOf(path));
        for (var e : cmd.getSubcommands().entrySet()) {
            path.add(e.getKey());
            walk(e.getValue(), path, out);
            path.remove(path.size() - 1);
        }
    }

    @Test void theTreeHasEveryCommand() {
        List<String> names = commandPaths().stream().map(p -> String.join(" ", p)).toList();
        for (String c : List.of("", "help", "train", "conductance", "ig", "neuron-conductance", "model show", "study ablation",
                "study selectivity", "bench gemm", "bench neuron-conductance")) {
            assertTrue(names.contains(c), c + " in " + names);
        }
    }

    @TestFactory Stream<DynamicTest> helpOptionAndHelpCommandPrintTheCommandsOwnUsage() {
        return commandPaths().stream().map(path -> DynamicTest.dynamicTest("galvani " + String.join(" ", path) + " --help", () -> {
            String usage = "Usage: galvani" + (path.isEmpty() ? "" : " " + String.join(" ", path)) + " ";
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            CommandLineTest.Run r = run(args.toArray(String[]::new));
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().startsWith(usage), r.out());
            assertEquals("", r.err());

            List<String> viaHelp = new ArrayList<>(List.of("help"));
            viaHelp.addAll(path);
            CommandLineTest.Run h = run(viaHelp.toArray(String[]::new));
            assertEquals(0, h.code(), h.err());
            assertEquals(r.out(), h.out());
        }));
    }

    @Test void everyOptionHasADescriptionAndShowsItsDefault() {
        List<String> problems = new ArrayList<>();
        for (List<String> path : commandPaths()) {
            CommandLine cmd = new CommandLine(new Galvani());
            for (String p : path) cmd = cmd.getSubcommands().get(p);
            String usage = cmd.getUsageMessage(CommandLine.Help.Ansi.OFF).replaceAll("\\s+", " ");
            for (CommandLine.Model.OptionSpec o : cmd.getCommandSpec().options()) {
                if (o.usageHelp() || o.versionHelp()) continue;
                String where = "galvani " + String.join(" ", path) + " " + o.longestName();
                String d = String.join(" ", o.description()).strip();
                if (d.isEmpty()) problems.add(where + ": no description");
                if (o.defaultValue() == null) continue;
                if (!usage.replaceAll("\\s", "").contains("Default:" + o.defaultValue())) problems.add(where + ": default " + o.defaultValue() + " not shown");
                if (d.toLowerCase(java.util.Locale.ROOT).contains("(default")) problems.add(where + ": says its default twice");
            }
        }
        assertEquals(List.of(), problems, String.join("\n", problems));
    }

    @Test void helpOfAnUnknownCommandIsOneLine() {
        CommandLineTest.failsWith("'study' has no command 'ablations'; its commands: ablation", "help", "study", "ablations");
    }

    @Test void aParsingErrorIsOneLineNamingTheHelp() {
        CommandLineTest.failsWith("; see 'galvani help study ablation'", "study", "ablation", "--no-such-option");
        CommandLineTest.failsWith("galvani train: Missing required option", "train");
    }
}
