package dev.galvani.attribution.interactions;

import dev.galvani.engine.GalvaniException;
import dev.galvani.kernels.Butterflies;

/**
 * Fast Moebius transforms over the subsets of {@code n} players, in place and in {@code O(n 2^n)}.
 * A subset is a bitmask (bit i = player i), so an array of length {@code 2^n} holds one number
 * per subset. The reference code (sjtu-xai-lab/interaction-concept) builds dense {@code 2^n x 2^n}
 * matrices; these butterflies compute the same products without them (docs/methods.md §3.2).
 *
 * <p>Each transform is a product of {@code n} sparse factors, one per player: a pass over bit i
 * updates the pair ({@code S} without i, {@code S} with i) and nothing else.
 */
public final class Moebius {
    private Moebius() {}

    /** The number of players {@code n} of an array of length {@code 2^n}; rejects other lengths. */
    public static int players(int length) {
        if (length < 1 || Integer.bitCount(length) != 1) {
            throw new GalvaniException("interactions: a game needs 2^n values, one per subset of n players; got "
                    + length);
        }
        return Integer.numberOfTrailingZeros(length);
    }

    /**
     * Subset Moebius transform (Harsanyi dividends): {@code a[S] <- Σ_{T⊆S} (−1)^{|S|−|T|} a[T]}.
     * The AND interaction of docs/methods.md §3.2.
     */
    public static void subset(double[] a) {
        int size = a.length;
        players(size);
        int h = 1;
        // two players per pass, bit for bit as one pass per player (kernels' Butterflies)
        for (; 4 * h <= size; h <<= 2) Butterflies.subsetPair(a, h);
        if (h < size) {
            // masks 0..h−1 lack bit h; adding h sets it
            for (int j = 0; j < h; j++) a[j + h] -= a[j];
        }
    }

    /** Subset zeta transform, the inverse of {@link #subset}: {@code a[S] <- Σ_{T⊆S} a[T]}. */
    public static void subsetZeta(double[] a) {
        int size = a.length;
        players(size);
        for (int h = 1; h < size; h <<= 1) {
            for (int base = 0; base < size; base += h << 1) {
                for (int j = base; j < base + h; j++) a[j + h] += a[j];
            }
        }
    }

    /**
     * Superset Moebius transform {@code a[T] <- Σ_{S⊇T} (−1)^{|S|−|T|} a[S]}: the transpose of
     * {@link #subset}, which carries the gradient of {@code Σ|I_and|} back to the values.
     */
    public static void superset(double[] a) {
        int size = a.length;
        players(size);
        int h = 1;
        for (; 4 * h <= size; h <<= 2) Butterflies.supersetPair(a, h);
        if (h < size) {
            for (int j = 0; j < h; j++) a[j] -= a[j + h];
        }
    }

    /** Superset zeta transform, the inverse of {@link #superset}: {@code a[T] <- Σ_{S⊇T} a[S]}. */
    public static void supersetZeta(double[] a) {
        int size = a.length;
        players(size);
        for (int h = 1; h < size; h <<= 1) {
            for (int base = 0; base < size; base += h << 1) {
                for (int j = base; j < base + h; j++) a[j] += a[j + h];
            }
        }
    }

    /**
     * OR interactions of the values {@code v} (docs/methods.md §3.2, Li & Zhang 2023):
     * {@code I_or(S) = −Σ_{T⊆S} (−1)^{|S|−|T|} v(N∖T)} for {@code S ≠ ∅}, {@code I_or(∅) = v(∅)}.
     * Computed as the subset transform of the complemented array {@code w[S] = v[N∖S]}, negated;
     * since {@code N∖S = (2^n − 1) − S}, the complemented array is {@code v} reversed.
     */
    public static void or(double[] v, double[] out) {
        int size = v.length;
        checkSameLength(v, out);
        double empty = v[0];
        reverseInto(v, out);
        subset(out);
        for (int s = 1; s < size; s++) out[s] = -out[s];
        out[0] = empty;
    }

    /**
     * The inverse of {@link #or}: the values an OR interaction set reproduces,
     * {@code v(T) = I_or(∅) + Σ_{S∩T≠∅} I_or(S)}. With {@code z} the subset zeta transform of
     * {@code I_or} without its empty entry, {@code Σ_{S∩T≠∅} I_or(S) = z[N] − z[N∖T]}.
     */
    public static void orInverse(double[] iOr, double[] out) {
        int size = iOr.length;
        checkSameLength(iOr, out);
        double empty = iOr[0];
        System.arraycopy(iOr, 0, out, 0, size);
        out[0] = 0;
        subsetZeta(out);
        double total = out[size - 1];
        reverseInPlace(out);
        for (int t = 0; t < size; t++) out[t] = empty + total - out[t];
    }

    /**
     * The transpose of {@link #or} applied to {@code g} (the gradient of {@code Σ|I_or|} with
     * respect to the values, for {@code g = sign(I_or)}). {@link #or} is
     * {@code out = e_∅ v[∅] − D R v}, where {@code R} reverses, {@code D} is the subset transform
     * and the row of {@code ∅} is dropped; its transpose is {@code e_∅ g[∅] − R Dᵀ g'} with
     * {@code g'} = {@code g} without its empty entry, and {@code Dᵀ} the superset transform.
     */
    public static void orTransposed(double[] g, double[] out) {
        int size = g.length;
        checkSameLength(g, out);
        double empty = g[0];
        System.arraycopy(g, 0, out, 0, size);
        out[0] = 0;
        superset(out);
        reverseInPlace(out);
        for (int t = 0; t < size; t++) out[t] = -out[t];
        out[0] += empty;
    }

    static void reverseInto(double[] a, double[] out) {
        int last = a.length - 1;
        if (a == out) {
            reverseInPlace(out);
            return;
        }
        for (int s = 0; s <= last; s++) out[s] = a[last - s];
    }

    static void reverseInPlace(double[] a) {
        for (int i = 0, j = a.length - 1; i < j; i++, j--) {
            double t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private static void checkSameLength(double[] a, double[] out) {
        players(a.length);
        if (out.length != a.length) {
            throw new GalvaniException("interactions: output holds " + out.length + " values, input " + a.length);
        }
    }
}
