package dev.galvani.engine.nn;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A node of a model's tree. Every module has a stable dotted name built from the names its
 * parents gave it ({@code inception3a.branch2.1}), and every module's output is a hookable node:
 * {@link #call} runs {@link #forward} and then the hooks registered on that name (TransformerLens'
 * HookPoint, on every module). Parameters and buffers are named like PyTorch's state dict.
 */
public abstract class Module {
    private Module parent;
    private String localName = "";
    private final Map<String, Module> children = new LinkedHashMap<>();
    private final Map<String, Tensor> params = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    /** Copy-on-write: passes on other threads may add and remove hooks while this one runs. */
    private final List<Registered> hooks = new CopyOnWriteArrayList<>();
    private boolean training = true;

    /** The module's computation. Call {@link #call}, not this, so hooks run. */
    protected abstract Tensor forward(Tensor x);

    /** Runs the module and the hooks on its output. */
    public final Tensor call(Tensor x) {
        String name = name();
        Scope.push(name.isEmpty() ? getClass().getSimpleName() : name);
        try {
            Tensor y = forward(x);
            Thread self = Thread.currentThread();
            for (Registered r : hooks) {
                if (r.thread == null || r.thread == self) y = r.hook.apply(name, y);
            }
            return y;
        } finally {
            Scope.pop();
        }
    }

    // ---- tree ---------------------------------------------------------------------------

    /** Registers a child under a local name (no dots); returns it for field assignment. */
    protected final <M extends Module> M add(String name, M child) {
        if (name.contains(".") || name.isEmpty()) throw new IllegalArgumentException("bad module name '" + name + "'");
        if (children.containsKey(name)) throw new IllegalArgumentException("duplicate module name '" + name + "'");
        Module c = child;
        c.parent = this;
        c.localName = name;
        children.put(name, c);
        return child;
    }

    /** Registers a trainable parameter (PyTorch name, e.g. {@code weight}). */
    protected final Tensor param(String name, Tensor value) {
        value.requiresGrad(true);
        params.put(name, value);
        return value;
    }

    /** Registers a non-trainable state tensor (e.g. batch norm's {@code running_mean}). */
    protected final Tensor buffer(String name, Tensor value) {
        buffers.put(name, value);
        return value;
    }

    /** Replaces a buffer's value (running statistics update). */
    protected final void setBuffer(String name, Tensor value) {
        if (!buffers.containsKey(name)) throw new IllegalArgumentException("no buffer " + name);
        buffers.put(name, value);
    }

    protected final Tensor bufferValue(String name) {
        return buffers.get(name);
    }

    /** The dotted path from the root; the root's is empty. */
    public final String name() {
        if (parent == null) return "";
        String p = parent.name();
        return p.isEmpty() ? localName : p + "." + localName;
    }

    public final Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /** All modules below and including this one, by dotted name relative to this one, in order. */
    public final Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        collect("", out);
        return out;
    }

    private void collect(String prefix, Map<String, Module> out) {
        out.put(prefix, this);
        for (Map.Entry<String, Module> e : children.entrySet()) {
            e.getValue().collect(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), out);
        }
    }

    /**
     * The module with this dotted name, or with a name {@link #alias} maps to it; unknown names
     * fail with the nearest valid ones.
     */
    public final Module module(String dottedName) {
        Map<String, Module> all = namedModules();
        Module m = all.get(dottedName);
        if (m == null) {
            String a = alias(dottedName);
            if (a != null) m = all.get(a);
        }
        if (m == null) throw new UnknownNodeException(dottedName, all.keySet());
        return m;
    }

    /**
     * The dotted name of the node another name stands for, or null: an imported model accepts the
     * names its file gave its values besides the dotted ones. Asked of the module names are looked up in.
     */
    protected String alias(String name) {
        return null;
    }

    /** Trainable parameters by PyTorch state-dict name ({@code inception3a.branch1.conv.weight}). */
    public final Map<String, Tensor> parameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Module> e : namedModules().entrySet()) {
            String p = e.getKey().isEmpty() ? "" : e.getKey() + ".";
            e.getValue().params.forEach((k, v) -> out.put(p + k, v));
        }
        return out;
    }

    /** Parameters and buffers, in PyTorch's {@code state_dict()} order per module. */
    public final Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Module> e : namedModules().entrySet()) {
            String p = e.getKey().isEmpty() ? "" : e.getKey() + ".";
            e.getValue().params.forEach((k, v) -> out.put(p + k, v));
            e.getValue().buffers.forEach((k, v) -> out.put(p + k, v));
        }
        return out;
    }

    /**
     * Copies values into parameters and buffers by name; every name must match, with the same
     * shape (PyTorch's {@code load_state_dict(strict=True)}).
     */
    public final void loadStateDict(Map<String, Tensor> values) {
        Map<String, Tensor> own = stateDict();
        for (String k : own.keySet()) {
            if (!values.containsKey(k)) throw new GalvaniException("state dict: missing tensor '" + k + "'");
        }
        for (Map.Entry<String, Tensor> e : values.entrySet()) {
            Tensor dst = own.get(e.getKey());
            if (dst == null) throw new GalvaniException("state dict: unexpected tensor '" + e.getKey() + "'");
            Tensor src = e.getValue();
            if (!java.util.Arrays.equals(dst.shape(), src.shape())) {
                throw new GalvaniException("state dict: '" + e.getKey() + "' has shape " + src.shapeString()
                        + ", model expects " + dst.shapeString());
            }
            dst.copyFrom(src);
        }
    }

    /**
     * Moves every parameter and buffer of this subtree to {@code device}, in place (the tensors
     * keep their identity, so layers and optimisers holding them follow); returns this module.
     */
    public final Module to(dev.galvani.kernels.Device device) {
        for (Tensor t : stateDict().values()) t.moveTo(device);
        return this;
    }

    /** The device of the first parameter or buffer (the host for a module without any). */
    public final dev.galvani.kernels.Device device() {
        for (Tensor t : stateDict().values()) return t.device();
        return dev.galvani.kernels.Device.CPU;
    }

    public final long parameterCount() {
        long n = 0;
        for (Tensor t : parameters().values()) n += t.numel();
        return n;
    }

    // ---- modes --------------------------------------------------------------------------

    public final boolean isTraining() {
        return training;
    }

    /** Training mode (batch norm uses batch statistics, dropout drops) for this subtree. */
    public final Module train(boolean on) {
        for (Module m : namedModules().values()) m.training = on;
        return this;
    }

    public final Module eval() {
        return train(false);
    }

    /**
     * Evaluation mode until closed, then every module's flag as it was:
     * {@code try (var e = model.evaluating()) { ... }}. Inference, attribution and probes run this
     * way, so that batch norm uses its running statistics and the rows of a batch stay independent.
     */
    public final Mode evaluating() {
        Map<Module, Boolean> before = new IdentityHashMap<>();
        for (Module m : namedModules().values()) before.put(m, m.training);
        train(false);
        return () -> before.forEach((m, on) -> m.training = on);
    }

    /** A training-flag setting that is undone when closed. */
    @FunctionalInterface
    public interface Mode extends AutoCloseable {
        @Override
        void close();
    }

    // ---- hooks --------------------------------------------------------------------------

    /**
     * Adds a hook on the output of the named node; close the handle to remove it. Works under both
     * reverse and forward mode, as hooks build their replacement from ordinary ops.
     */
    public final HookHandle hook(String dottedName, Hook hook) {
        return register(dottedName, hook, null);
    }

    /**
     * Like {@link #hook}, but the hook sees only calls made on the registering thread, so that
     * several passes over one model (the chunks of a path integral) can run at once, each with
     * its own caches and edits.
     */
    public final HookHandle hookOnThisThread(String dottedName, Hook hook) {
        return register(dottedName, hook, Thread.currentThread());
    }

    private HookHandle register(String dottedName, Hook hook, Thread thread) {
        Module m = module(dottedName);
        Registered r = new Registered(hook, thread);
        m.hooks.add(r);
        return () -> m.hooks.remove(r);
    }

    /** A hook and, when confined, the thread whose calls it sees (identity, not value, equality). */
    private static final class Registered {
        final Hook hook;
        final Thread thread;

        Registered(Hook hook, Thread thread) {
            this.hook = hook;
            this.thread = thread;
        }
    }

    // ---- runs with hooks (TransformerLens' run_with_hooks and run_with_cache) ---------------

    /**
     * Runs the model with the given hooks in place for this call only, on this thread; they are
     * removed when it returns or throws: {@code model.runWithHooks(x, Hooks.zeroUnits(3).at("conv2"))}.
     */
    public final Tensor runWithHooks(Tensor x, NamedHook... hooks) {
        return runWithCache(x, List.of(), hooks).output();
    }

    /**
     * Runs the model and keeps the outputs of the named nodes, by name:
     * {@code model.runWithCache(x, "inception3a", "inception4a").get("inception3a")}. The caching
     * hooks see this thread's call only and are removed afterwards.
     */
    public final CachedRun runWithCache(Tensor x, String... names) {
        return runWithCache(x, Arrays.asList(names));
    }

    /**
     * Like {@link #runWithCache(Tensor, String...)}, with hooks that edit nodes during the same
     * call. On a node that is both edited and cached, the cache holds the edited value (the one
     * that flows on).
     */
    public final CachedRun runWithCache(Tensor x, Collection<String> names, NamedHook... hooks) {
        Map<String, Tensor> cache = new LinkedHashMap<>();
        List<HookHandle> handles = new ArrayList<>();
        try {
            for (NamedHook h : hooks) handles.add(hookOnThisThread(h.node(), h.hook()));
            for (String n : names) handles.add(hookOnThisThread(n, Hooks.cache(cache)));
            Tensor out = call(x);
            return new CachedRun(out, cache);
        } finally {
            HookHandle.all(handles).close();
        }
    }

    /** Removes every hook in this subtree. */
    public final void clearHooks() {
        for (Module m : namedModules().values()) m.hooks.clear();
    }
}
