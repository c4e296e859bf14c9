package dev.galvani.engine.ops;

import dev.galvani.engine.Shapes;

/** A shape split around one axis: {@code [outer, n, inner]}, the layout every per-axis op loops over. */
record Axes(int outer, int n, int inner) {
    static Axes of(int[] shape, int axis) {
        int a = Shapes.axis(axis, shape.length);
        int outer = 1, inner = 1;
        for (int i = 0; i < a; i++) outer *= shape[i];
        for (int i = a + 1; i < shape.length; i++) inner *= shape[i];
        return new Axes(outer, shape[a], inner);
    }
}
