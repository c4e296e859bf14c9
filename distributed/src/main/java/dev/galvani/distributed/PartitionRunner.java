package dev.galvani.distributed;

import dev.galvani.engine.GalvaniException;
import dev.galvani.kernels.Parallel;
import dev.galvani.models.progress.Progress;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.function.MapPartitionsFunction;

import java.util.Collections;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Runs the items of one partition, lazily, one after the other: one {@link Workspace} (each
 * checkpoint loaded once) for the partition, each item on its task's thread alone (Spark already
 * runs one task per core), the library's own progress bars silent (the driver reports progress).
 * A failing item becomes one {@link ItemException} line that names it.
 */
final class PartitionRunner<I extends WorkItem, R> implements MapPartitionsFunction<I, R> {
    private final ItemFunction<I, R> function;
    private final String dataDir;

    PartitionRunner(ItemFunction<I, R> function, String dataDir) {
        this.function = function;
        this.dataDir = dataDir;
    }

    @Override
    public Iterator<R> call(Iterator<I> items) {
        Workspace ws = new Workspace(dataDir);
        return new Iterator<>() {
            private Iterator<R> current = Collections.emptyIterator();
            private I last;

            @Override
            public boolean hasNext() {
                while (!current.hasNext()) {
                    if (last != null) {
                        FaultInjection.afterItem(last.id());
                        last = null;
                    }
                    if (!items.hasNext()) return false;
                    I item = items.next();
                    current = runOne(item, ws).iterator();
                    last = item;
                }
                return true;
            }

            @Override
            public R next() {
                if (!hasNext()) throw new NoSuchElementException();
                return current.next();
            }
        };
    }

    private java.util.List<R> runOne(I item, Workspace ws) {
        try {
            return Parallel.sequential(() -> Progress.silently(() -> function.apply(item, ws)));
        } catch (ItemException e) {
            throw e;
        } catch (GalvaniException e) {
            throw new ItemException(item.describe() + where() + ": " + e.getMessage());
        } catch (RuntimeException e) {
            throw new ItemException(item.describe() + where() + ": " + e, e);
        }
    }

    /** " on executor 3 (host)" on a cluster; nothing in local mode. */
    private static String where() {
        SparkEnv env = SparkEnv.get();
        if (env == null || env.executorId().equals("driver")) return "";
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "?";
        }
        return " on executor " + env.executorId() + " (" + host + ")";
    }
}
