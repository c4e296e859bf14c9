package dev.galvani.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** Nothing in the repository refers to a file that is not in it: Markdown links resolve, and no notes file outside is cited. */
class RepositoryReferencesTest {
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)#\\s]+)(?:#[^)]*)?\\)");

    @Test void markdownLinksResolveAndNoOutsideNotesAreCited() throws IOException {
        Path root = JavaSnippets.root();
        List<String> bad = new ArrayList<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path f : all.filter(Files::isRegularFile).filter(p -> !skipped(root.relativize(p))).toList()) {
                String text;
                try {
                    text = Files.readString(f);
                } catch (MalformedInputException binary) {
                    continue;
                }
                String rel = root.relativize(f).toString();
                if (text.contains("METHODS" + ".md")) bad.add(rel + " cites a notes file outside the repository");
                if (!rel.endsWith(".md")) continue;
                Matcher m = LINK.matcher(prose(text));
                while (m.find()) {
                    String target = m.group(1);
                    if (target.matches("^[a-z]+:.*")) continue;
                    if (!Files.exists(f.getParent().resolve(target).normalize())) bad.add(rel + " links to missing " + target);
                }
            }
        }
        assertEquals(List.of(), bad);
    }

    /** Markdown without its code (fenced blocks, indented lines, inline spans), where brackets are not links. */
    static String prose(String md) {
        return md.replaceAll("(?ms)^```.*?^```", "").replaceAll("(?m)^    .*$", "").replaceAll("`[^`\n]*`", "");
    }

    private static boolean skipped(Path rel) {
        for (Path part : rel) {
            String s = part.toString();
            if (s.equals("target") || s.equals(".git") || s.equals("node_modules") || s.startsWith("galvani-report")) return true;
        }
        return rel.toString().contains("src/test/resources") || rel.toString().endsWith(".ptx") || rel.toString().endsWith(".png");
    }
}
