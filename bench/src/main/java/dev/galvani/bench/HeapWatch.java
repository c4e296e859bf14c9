package dev.galvani.bench;

import com.sun.management.GarbageCollectionNotificationInfo;

import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Java heap while a job runs, as the garbage collector sees it: the most heap in use right
 * after any collection (what the job kept alive, plus old garbage a young collection did not
 * reach: an upper bound on its live set that, unlike the raw peak, does not grow with the heap the
 * JVM was allowed), the most in use right before one (live and garbage) and how many collections
 * ran. Only the heap's pools count (not metaspace or the code cache). Opened around the job:
 * {@code try (HeapWatch h = new HeapWatch()) { job(); h.sample(); ... }}.
 */
final class HeapWatch implements NotificationListener, AutoCloseable {
    private final Set<String> heapPools = new HashSet<>();
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private long peakAfter, peakBefore;
    private int collections;

    HeapWatch() {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) heapPools.add(p.getName());
        }
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter e) {
                e.addNotificationListener(this, null, null);
                emitters.add(e);
            }
        }
        peakAfter = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    @Override
    public void handleNotification(Notification n, Object handback) {
        if (!n.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) return;
        var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData()).getGcInfo();
        long after = heapOnly(info.getMemoryUsageAfterGc()), before = heapOnly(info.getMemoryUsageBeforeGc());
        synchronized (this) {
            peakAfter = Math.max(peakAfter, after);
            peakBefore = Math.max(peakBefore, before);
            collections++;
        }
    }

    private long heapOnly(Map<String, MemoryUsage> pools) {
        long used = 0;
        for (Map.Entry<String, MemoryUsage> e : pools.entrySet()) {
            if (heapPools.contains(e.getKey())) used += e.getValue().getUsed();
        }
        return used;
    }

    /**
     * A collection now, so that a job that ran without one still reports what it holds; the
     * notification arrives on another thread, hence the short wait. Not counted in
     * {@link #collections()}.
     */
    void sample() {
        int seen;
        synchronized (this) {
            seen = collections;
        }
        System.gc();
        for (int i = 0; i < 50; i++) {
            synchronized (this) {
                if (collections > seen) {
                    collections = seen;
                    return;
                }
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The most heap in use right after a collection, in MiB. */
    synchronized double liveMiB() {
        return peakAfter / 1048576.0;
    }

    /** The most heap in use right before a collection (live and garbage), in MiB. */
    synchronized double beforeCollectionMiB() {
        return peakBefore / 1048576.0;
    }

    synchronized int collections() {
        return collections;
    }

    @Override
    public void close() {
        for (NotificationEmitter e : emitters) {
            try {
                e.removeNotificationListener(this);
            } catch (ListenerNotFoundException ignored) {
                // never added
            }
        }
    }

    /** The process's peak resident set (VmHWM) in MiB, or NaN where /proc is absent. */
    static double peakRssMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
