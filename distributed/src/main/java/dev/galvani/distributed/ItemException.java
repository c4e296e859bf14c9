package dev.galvani.distributed;

import dev.galvani.engine.GalvaniException;

/** A work item failed: one line naming the item (checkpoint, layer, examples), where it ran, and why. */
public final class ItemException extends GalvaniException {
    public ItemException(String message) {
        super(message);
    }

    public ItemException(String message, Throwable cause) {
        super(message, cause);
    }
}
