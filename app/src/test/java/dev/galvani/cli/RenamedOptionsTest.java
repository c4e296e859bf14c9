package dev.galvani.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Every renamed option: the new name exists, the old one is gone and explains itself in one line, and README's Changes lists it. */
class RenamedOptionsTest {

    static CommandLine command(String path) {
        CommandLine c = new CommandLine(new Galvani());
        for (String p : path.split(" ")) c = c.getSubcommands().get(p);
        return c;
    }

    @Test void everyRenameIsTrueOfTheCommandsAndExplainsItself() {
        for (RenamedOptions.Rename r : RenamedOptions.ALL) {
            for (String cmd : r.commands()) {
                var spec = command(cmd).getCommandSpec();
                assertNotNull(spec.findOption(r.now()), cmd + " has " + r.now());
                assertNull(spec.findOption(r.old()), cmd + " no longer has " + r.old());
                List<String> args = new ArrayList<>(List.of(cmd.split(" ")));
                args.addAll(List.of(r.old(), "1"));
                CommandLineTest.failsWith(r.old() + " is now " + r.now() + ", renamed for one name per concept", args.toArray(String[]::new));
            }
        }
        CommandLineTest.failsWith("--target is now the target class (Captum's target); F's kind is --target-output probability",
                "conductance", "--checkpoint", "x.safetensors", "--layer", "a", "--target", "probability");
        CommandLineTest.failsWith("--steps does not apply: grad-x-act is read at the input, with no path", "grad-x-act", "--steps", "4");
        CommandLineTest.failsWith("ig attributes the input and takes no --layer", "ig", "--layer", "conv1");
    }

    @Test void readmeListsEveryRename() throws Exception {
        Path readme = Path.of("..", "README.md");
        String text = Files.readString(readme);
        String changes = text.substring(text.indexOf("## Changes"));
        for (RenamedOptions.Rename r : RenamedOptions.ALL) {
            String line = changes.lines().filter(l -> l.contains("`" + r.old() + "` -> `" + r.now() + "`")).findFirst()
                    .orElseThrow(() -> new AssertionError("README's Changes has no line for " + r.old() + " -> " + r.now()));
            for (String cmd : r.commands()) assertTrue(line.contains(cmd), line + " names " + cmd);
        }
    }
}
