package dev.galvani.attribution.conductance;

import dev.galvani.engine.Tensor;
import dev.galvani.engine.autodiff.Grad;
import dev.galvani.engine.nn.HookHandle;
import dev.galvani.engine.nn.Module;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * How many rows one pass may hold, from the memory a row needs: a probe pass of one row adds up
 * the outputs of every named node, and a pass keeps about {@link #COPIES} times that per row (the
 * values for the backward sweep, forward-mode tangents, what ops save, the gradients in flight).
 * The passes running at once share half the memory that is free on the model's device: the JVM
 * heap for the host, the GPU's free memory ({@code cuMemGetInfo}) for a GPU. On 28x28 nets this is
 * far above the caps; a 224x224 GoogLeNet gets about 20 rows per pass with two threads and 8 GB of
 * heap. Every {@code --max-rows} left unset is this (path integrals, ablation, masked interaction
 * samples), each under its own cap.
 */
public final class RowBudget {
    private RowBudget() {}

    /** Copies of a row's activations one pass holds at its peak (measured peaks are 2.5-3.5x on GoogLeNet; 4 leaves room). */
    public static final int COPIES = 4;

    /** Bytes of all named nodes' outputs for one row of {@code x}. */
    public static long bytesPerRow(Module model, Tensor oneRow) {
        Map<Tensor, Boolean> seen = new IdentityHashMap<>();
        List<HookHandle> handles = new ArrayList<>();
        for (String n : model.namedModules().keySet()) {
            if (n.isEmpty()) continue;
            handles.add(model.hookOnThisThread(n, (name, v) -> {
                seen.put(v, Boolean.TRUE);
                return v;
            }));
        }
        try (Grad.Scope s = Grad.off(); HookHandle h = HookHandle.all(handles)) {
            seen.put(model.call(oneRow.to(model.device())), Boolean.TRUE);
        }
        long floats = 0;
        for (Tensor t : seen.keySet()) floats += t.numel();
        return 4L * floats;
    }

    /** Rows per pass for {@code passes} passes at once, between 2 and {@code cap}. */
    public static int rows(Module model, Tensor oneRow, int passes, int cap) {
        long free = model.device().backend().memoryFree();
        long perRow = Math.max(1, bytesPerRow(model, oneRow)) * COPIES;
        long rows = free / 2 / Math.max(1, passes) / perRow;
        return (int) Math.max(2, Math.min(cap, rows));
    }
}
