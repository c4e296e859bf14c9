package dev.galvani.distributed;

import dev.galvani.distributed.cli.Sweep;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** Every sweep command answers --help and 'galvani sweep help PATH' with its own usage and exit code 0 (no Spark starts). */
class SweepHelpTest {

    private static void walk(CommandLine cmd, List<String> path, List<List<String>> out) {
        out.add(List.copyOf(path));
        for (var e : cmd.getSubcommands().entrySet()) {
            path.add(e.getKey());
            walk(e.getValue(), path, out);
            path.remove(path.size() - 1);
        }
    }

    private record Run(int code, String out, String err) {}

    private static Run run(List<String> args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = new CommandLine(new Sweep());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    private static List<List<String>> paths() {
        List<List<String>> paths = new ArrayList<>();
        walk(new CommandLine(new Sweep()), new ArrayList<>(), paths);
        return paths;
    }

    @Test void everyOptionHasADescriptionAndShowsItsDefaultOnce() {
        List<String> problems = new ArrayList<>();
        for (List<String> path : paths()) {
            CommandLine cmd = new CommandLine(new Sweep());
            for (String p : path) cmd = cmd.getSubcommands().get(p);
            String usage = cmd.getUsageMessage(CommandLine.Help.Ansi.OFF).replaceAll("\\s", "");
            for (CommandLine.Model.OptionSpec o : cmd.getCommandSpec().options()) {
                if (o.usageHelp() || o.versionHelp()) continue;
                String where = "galvani sweep " + String.join(" ", path) + " " + o.longestName();
                String d = String.join(" ", o.description()).strip();
                if (d.isEmpty()) problems.add(where + ": no description");
                if (o.defaultValue() == null) continue;
                if (!usage.contains("Default:" + o.defaultValue())) problems.add(where + ": default " + o.defaultValue() + " not shown");
                if (d.toLowerCase(Locale.ROOT).contains("(default")) problems.add(where + ": says its default twice");
            }
        }
        assertEquals(List.of(), problems, String.join("\n", problems));
    }

    @TestFactory Stream<DynamicTest> helpOptionAndHelpCommandPrintTheCommandsOwnUsage() {
        List<List<String>> paths = paths();
        assertTrue(paths.size() >= 6, paths.toString());
        return paths.stream().map(path -> DynamicTest.dynamicTest("galvani sweep " + String.join(" ", path) + " --help", () -> {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            Run r = run(args);
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("Usage: galvani sweep" + (path.isEmpty() ? "" : " " + String.join(" ", path)) + " "), r.out());

            List<String> viaHelp = new ArrayList<>(List.of("help"));
            viaHelp.addAll(path);
            Run h = run(viaHelp);
            assertEquals(0, h.code(), h.err());
            assertEquals(r.out(), h.out());
        }));
    }
}
