package dev.galvani.models.data;

import dev.galvani.engine.GalvaniException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where data sets are: {@code --data-dir}, then {@code $GALVANI_DATA}, then the folder where
 * Debian's {@code dataset-fashion-mnist} package installs. A relative path is tried from the
 * working directory and then from its parents (tests run inside module folders).
 */
public final class DataLocator {
    private DataLocator() {}

    /** Debian's dataset-fashion-mnist installs its IDX files here. */
    public static final Path DEBIAN_FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

    /** The folder holding {@code dataset} (e.g. "fashion-mnist"), or empty when none is found. */
    public static java.util.Optional<Path> find(String dataDirOption, String dataset) {
        for (Path root : roots(dataDirOption)) {
            Path p = root.resolve(dataset);
            if (Files.isDirectory(p)) return java.util.Optional.of(p);
        }
        if (dataset.equals("fashion-mnist") && Files.isDirectory(DEBIAN_FASHION_MNIST)) return java.util.Optional.of(DEBIAN_FASHION_MNIST);
        return java.util.Optional.empty();
    }

    /** Like {@link #find}, but a missing data set is an error that says where it looked. */
    public static Path require(String dataDirOption, String dataset) {
        return find(dataDirOption, dataset).orElseThrow(() -> {
            List<String> looked = new ArrayList<>(roots(dataDirOption).stream().map(r -> r.resolve(dataset).toString()).toList());
            if (dataset.equals("fashion-mnist")) looked.add(DEBIAN_FASHION_MNIST.toString());
            String where = looked.isEmpty() ? "neither --data-dir nor GALVANI_DATA is set" : "looked in " + String.join(", ", looked);
            return new GalvaniException("data set '" + dataset + "' not found; " + where + " (set --data-dir or GALVANI_DATA)");
        });
    }

    static List<Path> roots(String option) {
        List<Path> roots = new ArrayList<>();
        if (option != null && !option.isBlank()) roots.addAll(resolve(option));
        String env = System.getenv("GALVANI_DATA");
        if (env != null && !env.isBlank()) roots.addAll(resolve(env));
        return roots;
    }

    private static List<Path> resolve(String s) {
        Path p = Path.of(s);
        if (p.isAbsolute()) return List.of(p);
        List<Path> out = new ArrayList<>();
        Path dir = Path.of("").toAbsolutePath();
        for (int i = 0; dir != null && i < 4; i++, dir = dir.getParent()) {
            Path q = dir.resolve(s).normalize();
            if (Files.isDirectory(q)) {
                out.add(q);
                break;
            }
        }
        if (out.isEmpty()) out.add(p.toAbsolutePath().normalize());
        return out;
    }
}
