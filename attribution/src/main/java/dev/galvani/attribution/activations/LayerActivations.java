package dev.galvani.attribution.activations;

import dev.galvani.engine.Tensor;
import dev.galvani.engine.autodiff.Grad;
import dev.galvani.engine.nn.CachedRun;
import dev.galvani.engine.nn.Module;
import dev.galvani.models.train.Dataset;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Unit activations of named layers over a data set, one value per unit (a conv channel pooled over
 * its positions, or a dense neuron), collected in evaluation mode through caching hooks. Probes,
 * feature selection, readouts and selectivity all read units this way.
 */
public final class LayerActivations {
    private LayerActivations() {}

    public enum Pooling {
        /** Mean over positions (Hayne et al.'s units; Cheng et al.'s position-pooled features). */
        MEAN,
        /** Sum over positions (Dhamdhere et al.'s filter activations). */
        SUM,
        /** No pooling: every unit at every position, flattened (Cheng et al.'s layerwise readouts). */
        NONE
    }

    /** Per layer, [examples, units] row-major, for the examples at {@code idx}. */
    public static Map<String, float[]> collect(Module model, Dataset data, int[] idx, List<String> layers, Pooling pooling) {
        Map<String, List<float[]>> parts = new LinkedHashMap<>();
        for (String l : layers) parts.put(l, new ArrayList<>());
        try (Module.Mode e = model.evaluating(); Grad.Scope g = Grad.off()) {
            for (int s = 0; s < idx.length; s += 256) {
                Dataset.Batch b = data.batch(Arrays.copyOfRange(idx, s, Math.min(idx.length, s + 256)));
                CachedRun run = model.runWithCache(b.x().to(model.device()), layers);
                for (String l : layers) parts.get(l).add(pool(run.get(l), pooling));
            }
        }
        Map<String, float[]> out = new LinkedHashMap<>();
        for (String l : layers) {
            int total = parts.get(l).stream().mapToInt(a -> a.length).sum(), off = 0;
            float[] f = new float[total];
            for (float[] p : parts.get(l)) {
                System.arraycopy(p, 0, f, off, p.length);
                off += p.length;
            }
            out.put(l, f);
        }
        return out;
    }

    public static float[] collect(Module model, Dataset data, int[] idx, String layer, Pooling pooling) {
        return collect(model, data, idx, List.of(layer), pooling).get(layer);
    }

    /** [R, C, ...] to [R, C]: each unit pooled over the axes after axis 1; with {@code NONE}, [R, C·...] as it is. */
    public static float[] pool(Tensor t, Pooling pooling) {
        if (pooling == Pooling.NONE) return t.toHost().data().clone();
        int r = t.size(0), c = t.size(1), per = t.numel() / (r * c);
        float[] d = t.toHost().data(), o = new float[r * c];
        for (int i = 0; i < r * c; i++) {
            double s = 0;
            for (int j = 0; j < per; j++) s += d[i * per + j];
            o[i] = (float) (pooling == Pooling.MEAN ? s / per : s);
        }
        return o;
    }
}
