package dev.galvani.distributed.sweeps;

import dev.galvani.engine.GalvaniException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Splitting a list of example (or filter) indices into consecutive batches, one per work item. */
final class Batches {
    private Batches() {}

    static List<int[]> of(int[] indices, int size) {
        if (size < 1) throw new GalvaniException("--batch must be at least 1, got " + size);
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < indices.length; i += size) out.add(Arrays.copyOfRange(indices, i, Math.min(indices.length, i + size)));
        return out;
    }

    /** "0-15" for a run, else "3,7,9" (shortened past a few). */
    static String describe(int[] idx) {
        if (idx.length == 0) return "none";
        boolean run = true;
        for (int i = 1; i < idx.length; i++) run &= idx[i] == idx[i - 1] + 1;
        if (run) return idx.length == 1 ? Integer.toString(idx[0]) : idx[0] + "-" + idx[idx.length - 1];
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(4, idx.length); i++) b.append(i == 0 ? "" : ",").append(idx[i]);
        return idx.length > 4 ? b + ",... (" + idx.length + ")" : b.toString();
    }
}
