package dev.galvani.engine.nn;

/**
 * A hook and the node it goes on, for {@link Module#runWithHooks} (TransformerLens'
 * {@code fwd_hooks=[(name, fn)]}): {@code model.runWithHooks(x, Hooks.zeroUnits(3).at("inception4a"))}.
 */
public record NamedHook(String node, Hook hook) {}
