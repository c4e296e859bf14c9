package dev.galvani.attribution.interactions;

import dev.galvani.engine.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class HarsanyiInteractionsTest {
    private static final int N = 4;
    private static final int SIZE = 1 << N;

    @Test void pureAndGameHasOneInteraction() {
        // v(T) = [T ⊇ {0, 2}]
        int pair = 0b0101;
        double[] v = new double[SIZE];
        for (int t = 0; t < SIZE; t++) v[t] = (t & pair) == pair ? 1 : 0;
        double[] a = HarsanyiInteractions.and(v);
        for (int s = 0; s < SIZE; s++) assertEquals(s == pair ? 1 : 0, a[s], 1e-12, "S=" + s);
    }

    @Test void pureOrGameHasOneInteraction() {
        // v(T) = [T ∩ {1, 3} ≠ ∅]; by the definition, I_or({1,3}) = −(v(N∖{1,3}) − v(N∖{1}) − v(N∖{3}) + v(N))
        // = −(0 − 1 − 1 + 1) = 1, I_or({1}) = −(v(N∖{1}) − v(N)) = 0, I_or(∅) = v(∅) = 0
        int pair = 0b1010;
        double[] v = new double[SIZE];
        for (int t = 0; t < SIZE; t++) v[t] = (t & pair) != 0 ? 1 : 0;
        double[] o = HarsanyiInteractions.or(v);
        assertArrayEquals(Naive.or(v), o, 1e-12);
        for (int s = 0; s < SIZE; s++) assertEquals(s == pair ? 1 : 0, o[s], 1e-12, "S=" + s);
        // its AND dividends are 1, 1 at the singletons and −1 at the pair (inclusion-exclusion)
        double[] a = HarsanyiInteractions.and(v);
        assertEquals(1, a[0b0010], 1e-12);
        assertEquals(1, a[0b1000], 1e-12);
        assertEquals(-1, a[pair], 1e-12);
    }

    @Test void orSignConventionOnAShiftedGame() {
        // a constant offset c moves only I_or(∅) = v(∅); a negative OR game gives a negative term
        double c = 0.7;
        int group = 0b0111;
        double[] v = new double[SIZE];
        for (int t = 0; t < SIZE; t++) v[t] = c - 2 * ((t & group) != 0 ? 1 : 0);
        double[] o = HarsanyiInteractions.or(v);
        assertArrayEquals(Naive.or(v), o, 1e-12);
        for (int s = 0; s < SIZE; s++) assertEquals(s == 0 ? c : s == group ? -2 : 0, o[s], 1e-12, "S=" + s);
    }

    @Test void additiveGameHasOnlyFirstOrderTerms() {
        double[] w = {0.5, -1.25, 2, 3.5};
        double c = -0.3;
        double[] v = new double[SIZE];
        for (int t = 0; t < SIZE; t++) {
            v[t] = c;
            for (int i = 0; i < N; i++) if ((t >> i & 1) == 1) v[t] += w[i];
        }
        double[] a = HarsanyiInteractions.and(v);
        for (int s = 0; s < SIZE; s++) {
            double expected = s == 0 ? c : Integer.bitCount(s) == 1 ? w[Integer.numberOfTrailingZeros(s)] : 0;
            assertEquals(expected, a[s], 1e-12, "S=" + s);
        }
    }

    @Test void decomposedFormMatchesEveryMaskedSample() {
        Rng rng = new Rng(3);
        int n = 6;
        double[] v = Naive.gaussian(rng, 1 << n);
        double[] p = Naive.gaussian(rng, 1 << n);
        double[] q = Naive.gaussian(rng, 1 << n);
        Interactions x = HarsanyiInteractions.decomposed(v, p, q);
        double[] matched = x.matchedValues();
        for (int t = 0; t < v.length; t++) {
            assertEquals(v[t] + q[t], Naive.matched(x, t), 1e-10);
            assertEquals(v[t] + q[t], matched[t], 1e-10);
        }
        // without p and q each kind explains half of v
        Interactions half = HarsanyiInteractions.decomposed(v, new double[v.length], new double[v.length]);
        double[] a = Naive.and(v);
        double[] o = Naive.or(v);
        for (int s = 0; s < v.length; s++) {
            assertEquals(0.5 * a[s], half.and()[s], 1e-12);
            assertEquals(0.5 * o[s], half.or()[s], 1e-12);
        }
    }

    @Test void plainHarsanyiOfAGame() {
        double[] v = Naive.gaussian(new Rng(5), 1 << 5);
        Interactions x = HarsanyiInteractions.harsanyi(Game.of(v));
        assertArrayEquals(Naive.and(v), x.and(), 1e-12);
        assertArrayEquals(new double[v.length], x.or(), 0);
        assertArrayEquals(v, x.matchedValues(), 1e-12);
    }
}
