package dev.galvani.engine.autodiff;

/**
 * Recording switches, per thread. {@code try (var s = Grad.off()) { ... }} runs without recording a
 * graph (evaluation, optimiser steps). Op internals (the VJP and JVP bodies) run under
 * {@link #internal()}, which also stops forward-mode tangents, so an op's derivative code can use
 * the same tensor methods as user code.
 */
public final class Grad {
    private static final ThreadLocal<int[]> STATE = ThreadLocal.withInitial(() -> new int[] {1, 1});

    private Grad() {}

    /** Is the reverse-mode graph being recorded? */
    public static boolean enabled() {
        return STATE.get()[0] == 1;
    }

    /** Are forward-mode tangents being propagated? */
    public static boolean tangentsEnabled() {
        return STATE.get()[1] == 1;
    }

    /** No graph recording until closed (forward-mode tangents still flow). */
    public static Scope off() {
        return set(0, STATE.get()[1]);
    }

    /** Recording on until closed (e.g. inside an outer {@link #off()}). */
    public static Scope on() {
        return set(1, STATE.get()[1]);
    }

    /**
     * Forward-mode tangents stop until closed; the graph is recorded as before. Closing restores
     * only the tangent switch, so it may be opened inside a module (by a hook, once the tangents
     * asked for are computed) and closed after the whole forward pass.
     */
    public static Scope tangentsOff() {
        int[] s = STATE.get();
        int t0 = s[1];
        s[1] = 0;
        return () -> s[1] = t0;
    }

    /** Neither graph nor tangents: the raw arithmetic inside an op's VJP or JVP. */
    public static Scope internal() {
        return set(0, 0);
    }

    private static Scope set(int grad, int tangents) {
        int[] s = STATE.get();
        int g0 = s[0], t0 = s[1];
        s[0] = grad;
        s[1] = tangents;
        return () -> {
            s[0] = g0;
            s[1] = t0;
        };
    }

    /** A mode that is restored when closed. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
