package dev.galvani.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Checks, without a GPU, that the shipped PTX is the compilation of the current .cu sources (the
 * SHA-256 recorded by scripts/gen-ptx.sh), that it loads on CUDA 12 drivers from Volta up, and that
 * the Java launchers name kernels and op codes that exist.
 */
class CudaSourcesTest {
    private static final Path MODULE = Path.of(System.getProperty("basedir", "."));
    private static final Path SOURCES = MODULE.resolve("src/main/cuda");
    private static final Path PTX = MODULE.resolve("src/main/resources/dev/galvani/kernels/cuda");
    private static final Pattern HEADER = Pattern.compile("^// source-sha256: ([0-9a-f]{64}) (\\S+\\.cu)$");
    private static final Pattern KERNEL = Pattern.compile("extern \"C\" __global__ void (\\w+)\\(");

    @Test
    void everyPtxRecordsTheHashOfItsCurrentSource() throws Exception {
        List<String> cuNames = names(SOURCES, ".cu");
        assertEquals(Set.of("attribution", "conv", "elementwise", "embedding", "gemm", "indexing", "optim", "reduce", "softmax"),
                new TreeSet<>(cuNames), "the .cu sources");
        assertEquals(new TreeSet<>(cuNames), new TreeSet<>(names(PTX, ".ptx")), "one .ptx per .cu, and no other");
        for (String name : cuNames) {
            String firstLine = Files.readAllLines(PTX.resolve(name + ".ptx")).get(0);
            Matcher m = HEADER.matcher(firstLine);
            assertTrue(m.matches(), name + ".ptx has no source-sha256 header: " + firstLine);
            assertEquals(name + ".cu", m.group(2));
            assertEquals(sha256(SOURCES.resolve(name + ".cu")), m.group(1),
                    name + ".ptx is stale: " + name + ".cu changed since; run scripts/gen-ptx.sh and commit the .ptx");
        }
    }

    @Test
    void ptxDeclaresAnIsaThatCuda12DriversLoad() throws Exception {
        for (String name : names(PTX, ".ptx")) {
            String ptx = Files.readString(PTX.resolve(name + ".ptx"));
            Matcher v = Pattern.compile("(?m)^\\.version (\\d+)\\.(\\d+)$").matcher(ptx);
            assertTrue(v.find(), name + ".ptx has no .version");
            int version = Integer.parseInt(v.group(1)) * 10 + Integer.parseInt(v.group(2));
            assertTrue(version <= 80, name + ".ptx declares PTX ISA " + v.group(1) + "." + v.group(2)
                    + "; CUDA 12.0 drivers load at most 8.0");
            assertTrue(ptx.contains("\n.target sm_70\n"), name + ".ptx must target sm_70 (Volta and newer)");
        }
    }

    @Test
    void everyKernelOfASourceIsAnEntryOfItsPtx() throws Exception {
        for (String name : names(SOURCES, ".cu")) {
            String ptx = Files.readString(PTX.resolve(name + ".ptx"));
            List<String> kernels = kernels(Files.readString(SOURCES.resolve(name + ".cu")));
            assertFalse(kernels.isEmpty(), name + ".cu declares no extern \"C\" kernel");
            for (String k : kernels) {
                assertTrue(ptx.contains(".visible .entry " + k + "("), name + ".ptx lacks kernel " + k);
            }
        }
    }

    @Test
    void javaLaunchersNameExistingKernels() throws Exception {
        String java = Files.readString(MODULE.resolve("src/main/java/dev/galvani/kernels/cuda/CudaKernels.java"))
                + Files.readString(MODULE.resolve("src/main/java/dev/galvani/kernels/cuda/CudaBackend.java"));
        Matcher m = Pattern.compile("launch\\(\"(\\w+)\", (?:kernel|\"(\\w+)\")").matcher(java);
        int launches = 0;
        while (m.find()) {
            launches++;
            List<String> available = kernels(Files.readString(SOURCES.resolve(m.group(1) + ".cu")));
            if (m.group(2) != null) assertTrue(available.contains(m.group(2)), m.group(1) + ".cu has no kernel " + m.group(2));
        }
        assertTrue(launches >= 60, "found only " + launches + " launches in CudaKernels.java and CudaBackend.java");
        List<String> softmax = kernels(Files.readString(SOURCES.resolve("softmax.cu")));
        assertTrue(softmax.containsAll(List.of("softmax_forward", "log_softmax_forward")));
    }

    @Test
    void javaOpCodesMatchTheEnumsOfElementwiseCu() throws Exception {
        String cu = Files.readString(SOURCES.resolve("elementwise.cu"));
        assertEquals(codes(cu, "BINARY_"), ordinals(CudaKernels.BinaryOp.values()));
        assertEquals(codes(cu, "UNARY_"), ordinals(CudaKernels.UnaryOp.values()));
        // The backend's op enums name the same codes (the binary kernels have three more).
        assertEquals(codes(cu, "UNARY_"), ordinals(dev.galvani.kernels.UnaryOp.values()));
        Map<String, Integer> binary = ordinals(dev.galvani.kernels.BinaryOp.values());
        for (Map.Entry<String, Integer> e : binary.entrySet()) assertEquals(codes(cu, "BINARY_").get(e.getKey()), e.getValue(), e.getKey());
    }

    private static Map<String, Integer> codes(String cu, String prefix) {
        Map<String, Integer> codes = new LinkedHashMap<>();
        Matcher m = Pattern.compile(prefix + "(\\w+) = (\\d+)").matcher(cu);
        while (m.find()) codes.put(m.group(1), Integer.parseInt(m.group(2)));
        return codes;
    }

    private static Map<String, Integer> ordinals(Enum<?>[] values) {
        Map<String, Integer> codes = new LinkedHashMap<>();
        for (Enum<?> e : values) codes.put(e.name(), e.ordinal());
        return codes;
    }

    private static List<String> kernels(String cu) {
        List<String> names = new ArrayList<>();
        Matcher m = KERNEL.matcher(cu);
        while (m.find()) names.add(m.group(1));
        return names;
    }

    private static List<String> names(Path dir, String ext) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(ext))
                    .map(f -> f.substring(0, f.length() - ext.length())).sorted().toList();
        }
    }

    static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
