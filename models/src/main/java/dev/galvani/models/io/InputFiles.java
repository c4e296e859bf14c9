package dev.galvani.models.io;

import dev.galvani.engine.GalvaniException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The files a user names as inputs: image files (PNG, JPEG), {@code .npy} arrays, or folders of
 * them; and labelled folders, one subfolder per class (torchvision's ImageFolder: classes are the
 * subfolders in sorted order, numbered from 0).
 */
public final class InputFiles {
    private InputFiles() {}

    /** A file with its class index (-1 when unlabelled). */
    public record Labelled(Path file, int label) {}

    public static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
    }

    public static boolean isNpy(Path p) {
        return p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy");
    }

    /** Files as given, folders expanded to their images and arrays (sorted by name, not recursive). */
    public static List<Path> expand(List<Path> given) {
        List<Path> out = new ArrayList<>();
        for (Path p : given) {
            if (Files.isDirectory(p)) {
                List<Path> in = list(p).stream().filter(f -> Files.isRegularFile(f) && (isImage(f) || isNpy(f))).toList();
                if (in.isEmpty()) throw new GalvaniException(p + ": no .png, .jpg or .npy files in this folder");
                out.addAll(in);
            } else if (Files.isRegularFile(p)) {
                out.add(p);
            } else {
                throw new GalvaniException(p + ": no such file or folder");
            }
        }
        return out;
    }

    /** A folder with one subfolder of images per class. */
    public static List<Labelled> labelled(Path root, List<String> classesOut) {
        if (!Files.isDirectory(root)) throw new GalvaniException(root + ": not a folder (expected one subfolder of images per class)");
        List<Path> classes = list(root).stream().filter(Files::isDirectory).toList();
        if (classes.isEmpty()) throw new GalvaniException(root + ": no class subfolders (expected one subfolder of images per class)");
        List<Labelled> out = new ArrayList<>();
        for (int c = 0; c < classes.size(); c++) {
            classesOut.add(classes.get(c).getFileName().toString());
            for (Path f : list(classes.get(c))) if (Files.isRegularFile(f) && (isImage(f) || isNpy(f))) out.add(new Labelled(f, c));
        }
        if (out.isEmpty()) throw new GalvaniException(root + ": the class subfolders hold no .png, .jpg or .npy files");
        return out;
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        } catch (IOException e) {
            throw new GalvaniException(dir + ": cannot list (" + e.getMessage() + ")");
        }
    }
}
