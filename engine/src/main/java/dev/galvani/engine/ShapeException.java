package dev.galvani.engine;

import dev.galvani.engine.nn.Scope;

/** A shape mismatch, reported as {@code op 'node.name': what is wrong, with both shapes}. */
public final class ShapeException extends GalvaniException {
    public ShapeException(String op, String detail) {
        super(op + " '" + Scope.currentName() + "': " + detail);
    }
}
