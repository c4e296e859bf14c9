package dev.galvani.distributed;

import dev.galvani.engine.GalvaniException;

/**
 * The one line a failed sweep shows: Spark wraps a task's exception (job aborted, task write
 * failed, ...), and the line the user needs is the innermost {@link GalvaniException}'s, which
 * names the work item; anything else is cut to the first line of its message.
 */
public final class Failures {
    private Failures() {}

    public static String oneLine(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof GalvaniException) return c.getMessage();
            if (c.getCause() == c) break;
        }
        String m = t.getMessage() == null ? t.toString() : t.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /** True when the failure is the user's to fix (a GalvaniException somewhere in the chain). */
    public static boolean isUserError(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof GalvaniException && !(c instanceof ItemException && c.getCause() != null)) return true;
            if (c.getCause() == c) break;
        }
        return false;
    }
}
