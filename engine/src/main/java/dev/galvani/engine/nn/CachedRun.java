package dev.galvani.engine.nn;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;

import java.util.Map;

/**
 * What {@link Module#runWithCache} returns: the model's output and the outputs of the named nodes
 * (TransformerLens' {@code logits, cache = model.run_with_cache(x)}). The cached tensors are the
 * nodes' outputs themselves, graph and tangents included.
 */
public record CachedRun(Tensor output, Map<String, Tensor> cache) {
    /** The named node's output; a node that was not asked for, or did not run, is an error. */
    public Tensor get(String node) {
        Tensor t = cache.get(node);
        if (t == null) {
            throw new GalvaniException("node '" + node + "' is not in the cache (cached: " + String.join(", ", cache.keySet()) + ")");
        }
        return t;
    }
}
