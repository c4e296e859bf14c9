package dev.galvani.bench;

import dev.galvani.kernels.Backends;
import dev.galvani.kernels.Parallel;

import java.util.LinkedHashMap;
import java.util.Map;

/** The machine a benchmark ran on, recorded in every benchmark's JSON: JDK, cores, worker threads, kernels, heap. */
public final class Machine {
    private Machine() {}

    public static Map<String, Object> describe() {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("jdk", Runtime.version().toString());
        j.put("cores", Runtime.getRuntime().availableProcessors());
        j.put("threads", Parallel.threads());
        j.put("backend", Backends.current().name());
        j.put("max_heap_mib", Runtime.getRuntime().maxMemory() / (1024 * 1024));
        return j;
    }
}
