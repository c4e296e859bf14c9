package dev.galvani.engine.nn;

/** Removes its hook when closed: {@code try (var h = model.hook("block.conv", Hooks.zero())) { ... }}. */
@FunctionalInterface
public interface HookHandle extends AutoCloseable {
    @Override
    void close();

    /** Closes several handles as one. */
    static HookHandle all(java.util.List<HookHandle> handles) {
        return () -> {
            for (HookHandle h : handles) h.close();
        };
    }
}
