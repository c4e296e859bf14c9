package dev.galvani.models.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A second JVM on this test's class path, for what one JVM cannot show: a kill part way, a thread count fixed at start. */
public final class ChildJvm {
    private ChildJvm() {}

    /** Starts {@code mainClass} with {@code jvmOptions} and {@code args}; its output goes to {@code log}. */
    public static Process start(Class<?> mainClass, List<String> jvmOptions, Path log, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector", "-Xmx1g", "-XX:+UseSerialGC"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("GALVANI_PROGRESS", "off");
        return pb.start();
    }
}
