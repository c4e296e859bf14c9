package dev.galvani.engine;

/**
 * An error the user can act on: its message is one line that names the file, layer, op or value
 * at fault. The command-line app prints the message alone (no stack trace) and exits non-zero.
 */
public class GalvaniException extends RuntimeException {
    public GalvaniException(String message) {
        super(message);
    }

    public GalvaniException(String message, Throwable cause) {
        super(message, cause);
    }
}
