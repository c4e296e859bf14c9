package dev.galvani.attribution.interactions;

/**
 * A cooperative game over {@code n} players: the value {@code v(x_T)} of every masked sample
 * (docs/methods.md §3.1). The sample-level driver implements it with batched masked forward passes; a
 * toy game or a stored result wraps an array with {@link #of}.
 */
public interface Game {
    int players();

    /** {@code v(x_T)} for all {@code T}, indexed by bitmask (bit i = player i). */ // [2^n]
    double[] values();

    /** A game given by its values, {@code 2^n} of them. */
    static Game of(double[] values) {
        int n = Moebius.players(values.length);
        double[] v = values.clone();
        return new Game() {
            @Override public int players() { return n; }
            @Override public double[] values() { return v.clone(); }
        };
    }
}
