package dev.galvani.kernels;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** A JVM started without the Vector API module says so once, naming the flag; with it, nothing. */
class VectorWarningTest {

    /** Entry point of the child JVM: names the kernel in use. */
    public static void main(String[] args) {
        System.out.println(Gemm.implementation());
        System.out.println(Gemm.implementation()); // asked twice, warned once
    }

    @Test void withoutTheModuleOneLineNamesTheFlag() throws Exception {
        String[] r = run(false);
        assertEquals("plain-java\nplain-java\n", r[0]);
        assertEquals(Gemm.VECTOR_ABSENT + "\n", r[1]);
        assertTrue(r[1].contains("--add-modules jdk.incubator.vector"));
    }

    @Test void withTheModuleNoWarning() throws Exception {
        String[] r = run(true);
        assertTrue(r[0].startsWith("vector-api("), r[0]);
        assertFalse(r[1].contains("Vector API"), r[1]);
    }

    private static String[] run(boolean withModule) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (withModule) cmd.add("--add-modules=jdk.incubator.vector");
        cmd.addAll(List.of("-Xmx64m", "-cp", System.getProperty("java.class.path"), VectorWarningTest.class.getName()));
        Process p = new ProcessBuilder(cmd).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), err);
        return new String[] {out, err};
    }
}
