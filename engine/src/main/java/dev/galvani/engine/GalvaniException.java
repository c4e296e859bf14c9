package dev.galvani.engine;

/**
 * An error the user can act on: its message is one line that names the file, layer, op or value
 * at fault. The command-line app prints the message alone (no stack trace) and exits non-zero.
 */
public class GalvaniException extends RuntimeException {
    /** Longest message kept (a message may quote a value read from a file, which can be long). */
    static final int MAX_LENGTH = 2000;

    public GalvaniException(String message) {
        super(oneLine(message));
    }

    public GalvaniException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    /**
     * The message as one line: line breaks and other control characters (from a value quoted out of
     * a corrupt file, say) written as escapes, and cut to {@link #MAX_LENGTH} characters.
     */
    static String oneLine(String message) {
        if (message == null) return null;
        StringBuilder sb = new StringBuilder(Math.min(message.length(), MAX_LENGTH + 16));
        int i = 0;
        for (; i < message.length() && sb.length() < MAX_LENGTH; i++) {
            char c = message.charAt(i);
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append(c);
                default -> {
                    if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029' || c == '\u0085') sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        if (i < message.length()) sb.append("...");
        return sb.toString();
    }
}
