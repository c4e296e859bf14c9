package dev.galvani.engine.nn;

import dev.galvani.engine.Tensor;

/**
 * Reads or rewrites a node's output: returns the value that flows on (the same tensor to only
 * read it). Build replacements from tensor ops so that gradients and tangents flow through them.
 */
@FunctionalInterface
public interface Hook {
    Tensor apply(String nodeName, Tensor value);

    /** This hook on the named node, for {@link Module#runWithHooks} and {@link Module#runWithCache}. */
    default NamedHook at(String node) {
        return new NamedHook(node, this);
    }
}
