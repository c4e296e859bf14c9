package dev.galvani.cli;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Fenced code blocks of the project's Markdown pages, compiled with javax.tools against the test
 * classpath (every module) and run in a child JVM, so that a page's Java cannot rot.
 */
final class JavaSnippets {
    private JavaSnippets() {}

    private static final Pattern FENCE = Pattern.compile("(?ms)^```(\\w*)\\n(.*?)^```\\s*$");
    private static final Pattern CLASS = Pattern.compile("public\\s+class\\s+(\\w+)");

    /** The repository's root (tests run with their module as working directory). */
    static Path root() {
        Path p = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
        while (p != null && !Files.exists(p.resolve("docs/methods.md"))) p = p.getParent();
        assertNotNull(p, "repository root not found above " + System.getProperty("basedir", "."));
        return p;
    }

    /** The fenced blocks of a page in order: {language, body}. */
    static List<String[]> blocks(Path page) throws IOException {
        Matcher m = FENCE.matcher(Files.readString(page, StandardCharsets.UTF_8));
        List<String[]> out = new ArrayList<>();
        while (m.find()) out.add(new String[] {m.group(1), m.group(2)});
        return out;
    }

    /** The first block in the given language, and the block right after it ({@code null} if none). */
    static String[] firstBlock(Path page, String language) throws IOException {
        List<String[]> b = blocks(page);
        for (int i = 0; i < b.size(); i++) {
            if (b.get(i)[0].equals(language)) return new String[] {b.get(i)[1], i + 1 < b.size() ? b.get(i + 1)[1] : null};
        }
        fail(page + " has no ```" + language + " block");
        return null;
    }

    /** Compiles one public class and runs its main in a fresh JVM; returns what it printed on stdout. */
    static String compileAndRun(String source, Path work, int timeoutSeconds) throws Exception {
        Matcher c = CLASS.matcher(source);
        assertTrue(c.find(), "the block declares no public class");
        String name = c.group(1);
        Path src = work.resolve(name + ".java"), classes = Files.createDirectories(work.resolve("classes"));
        Files.writeString(src, source, StandardCharsets.UTF_8);
        String cp = System.getProperty("java.class.path");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(null, null, diagnostics, "-cp", cp, "-d", classes.toString(), "-encoding", "UTF-8", src.toString());
        assertEquals(0, rc, "the block does not compile:\n" + diagnostics.toString(StandardCharsets.UTF_8));
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(javaBin.toString(), "--add-modules", "jdk.incubator.vector", "-Xmx2g",
                "-cp", classes + File.pathSeparator + cp, name)
                .redirectError(work.resolve("stderr.txt").toFile()).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(timeoutSeconds, TimeUnit.SECONDS), name + " ran longer than " + timeoutSeconds + " s");
        String err = Files.readString(work.resolve("stderr.txt"));
        assertEquals(0, p.exitValue(), name + " failed:\n" + err);
        return new String(out, StandardCharsets.UTF_8);
    }
}
