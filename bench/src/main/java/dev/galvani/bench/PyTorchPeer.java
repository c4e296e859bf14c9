package dev.galvani.bench;

import dev.galvani.models.io.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * PyTorch as a peer measured in the same run: runs one of the scripts in {@code bench/python/}
 * with a Python that imports {@code torch} ({@code $GALVANI_PYTHON}, default
 * {@code /usr/bin/python3}) and reads the one JSON object it prints. Absent Python, torch or the
 * scripts (a jar run outside the source tree), it says why and the benchmark prints Galvani's
 * figure alone.
 */
public final class PyTorchPeer {
    private PyTorchPeer() {}

    /** A script's result, or why there is none. */
    public record Outcome(Map<String, Object> json, String unavailable) {
        public boolean ok() {
            return json != null;
        }

        public double number(String key) {
            return ((Number) json.get(key)).doubleValue();
        }

        public String text(String key) {
            return String.valueOf(json.get(key));
        }
    }

    /** The interpreter: {@code $GALVANI_PYTHON}, else Debian's {@code /usr/bin/python3} (which has python3-torch). */
    public static String python() {
        String p = System.getenv("GALVANI_PYTHON");
        return p != null && !p.isBlank() ? p : "/usr/bin/python3";
    }

    /** {@code bench/python} under {@code -Dgalvani.home} (set by the launcher), else under the working directory. */
    static Optional<Path> scripts() {
        for (String root : new String[] {System.getProperty("galvani.home"), "."}) {
            if (root == null) continue;
            Path d = Path.of(root, "bench", "python");
            if (Files.isDirectory(d)) return Optional.of(d);
        }
        return Optional.empty();
    }

    /** Runs {@code bench/python/<script>} with the arguments; waits at most {@code timeoutSeconds}. */
    public static Outcome run(String script, List<String> args, long timeoutSeconds) {
        Optional<Path> dir = scripts();
        if (dir.isEmpty()) return new Outcome(null, "bench/python not found (run from the source tree or set -Dgalvani.home)");
        Path file = dir.get().resolve(script);
        if (!Files.isRegularFile(file)) return new Outcome(null, file + " not found");
        List<String> cmd = new ArrayList<>(List.of(python(), file.toString()));
        cmd.addAll(args);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes(); // the scripts print little; this returns at exit
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Outcome(null, script + " did not finish in " + timeoutSeconds + " s");
            }
            String text = new String(out, StandardCharsets.UTF_8).strip();
            String last = text.isEmpty() ? "" : text.substring(text.lastIndexOf('\n') + 1);
            if (p.exitValue() != 0 || !last.startsWith("{")) {
                String why = text.contains("No module named 'torch'") ? "PyTorch is not installed for " + python()
                        : script + " failed: " + (last.isEmpty() ? "exit " + p.exitValue() : last);
                return new Outcome(null, why);
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> json = (Map<String, Object>) Json.parse(last);
            return new Outcome(json, null);
        } catch (IOException e) {
            return new Outcome(null, "cannot run " + python() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(null, "interrupted");
        }
    }
}
