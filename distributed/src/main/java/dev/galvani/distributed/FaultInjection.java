package dev.galvani.distributed;

import dev.galvani.engine.GalvaniException;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;

/**
 * For tests of fault tolerance only: with {@code spark.galvani.test.failItem=N}, the first attempt
 * of the task that runs item {@code N} fails after that item's rows have gone to the writer, so a
 * retry has to replace a half-written task output.
 */
final class FaultInjection {
    static final String KEY = "spark.galvani.test.failItem";

    private FaultInjection() {}

    static void afterItem(int item) {
        SparkEnv env = SparkEnv.get();
        TaskContext task = TaskContext.get();
        if (env == null || task == null) return;
        String target = env.conf().get(KEY, "");
        if (!target.isEmpty() && Integer.parseInt(target) == item && task.attemptNumber() == 0) {
            throw new GalvaniException("injected failure after item " + item + " (" + KEY + ")");
        }
    }
}
