package dev.galvani.attribution.interactions;

import dev.galvani.attribution.interactions.AndOrDecomposition.Merge;
import dev.galvani.attribution.interactions.AndOrDecomposition.Options;
import dev.galvani.attribution.interactions.AndOrDecomposition.Result;
import dev.galvani.engine.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class AndOrDecompositionTest {

    /** v(T) = [T ⊇ {0,1}] + [T ∩ {2,3,4} ≠ ∅] over 6 players: one AND and one OR term suffice. */
    private static double[] mixedGame() {
        int n = 6;
        double[] v = new double[1 << n];
        for (int t = 0; t < v.length; t++) {
            v[t] = ((t & 0b00011) == 0b00011 ? 1 : 0) + ((t & 0b11100) != 0 ? 1 : 0);
        }
        return v;
    }

    /** v(T) = max(Σ_{i∈T∩A} w_i, Σ_{i∈T∩B} w_i), two groups A = {0,1,2}, B = {3,4,5}, plus noise. */
    private static double[] maxGame(Rng rng) {
        int n = 7;
        double[] w = {1.0, 0.8, 1.3, 0.9, 1.1, 0.7, 0.4};
        double[] v = new double[1 << n];
        for (int t = 0; t < v.length; t++) {
            double a = 0, b = 0;
            for (int i = 0; i < 3; i++) if ((t >> i & 1) == 1) a += w[i];
            for (int i = 3; i < 6; i++) if ((t >> i & 1) == 1) b += w[i];
            v[t] = Math.max(a, b) + ((t >> 6 & 1) == 1 ? w[6] : 0) + 0.01 * rng.gaussian();
        }
        return v;
    }

    @Test void optimiserEqualsTheReferenceAlgorithmWithDenseMatrices() {
        int n = 4;
        Rng rng = new Rng(11);
        double[] v = Naive.gaussian(rng, 1 << n);
        int iterations = 40;
        double lr = 3e-3;
        Options options = new Options(lr, iterations, 0.9, 0.04, Merge.NONE, 40);
        Result r = AndOrDecomposition.decompose(v, options);

        // the reference loop (interaction-concept _train_p_q), written with dense matrices
        double[][] mAnd = Naive.andMatrix(n);
        double[][] mOr = Naive.orMatrix(n);
        int size = v.length;
        double bound = 0.04 * Math.abs(v[size - 1] - v[0]);
        double[] p = new double[size], q = new double[size], bp = new double[size], bq = new double[size];
        double[] iAnd = null, iOr = null;
        for (int it = 0; it < iterations; it++) {
            double[] a = new double[size], b = new double[size];
            for (int t = 0; t < size; t++) {
                q[t] = Math.min(Math.max(q[t], -bound), bound);
                a[t] = 0.5 * (v[t] + q[t]) + p[t];
                b[t] = 0.5 * (v[t] + q[t]) - p[t];
            }
            iAnd = Naive.times(mAnd, a);
            iOr = Naive.times(mOr, b);
            double loss = 0;
            for (int s = 0; s < size; s++) loss += Math.abs(iAnd[s]) + Math.abs(iOr[s]);
            assertEquals(loss, r.losses()[it], 1e-9, "loss at iteration " + it);
            if (it + 1 == iterations) break;
            double[] sa = new double[size], so = new double[size];
            for (int s = 0; s < size; s++) {
                sa[s] = Math.signum(iAnd[s]);
                so[s] = Math.signum(iOr[s]);
            }
            double[] ga = Naive.transposeTimes(mAnd, sa), go = Naive.transposeTimes(mOr, so);
            double eta = Math.pow(10, Math.log10(lr) - (double) it / (iterations - 1));
            for (int t = 0; t < size; t++) {
                bp[t] = 0.9 * bp[t] + (ga[t] - go[t]);
                bq[t] = 0.9 * bq[t] + 0.5 * (ga[t] + go[t]);
                p[t] -= eta * bp[t];
                q[t] -= eta * bq[t];
            }
        }
        assertArrayEquals(p, r.p(), 1e-9);
        assertArrayEquals(q, r.q(), 1e-9);
        assertArrayEquals(iAnd, r.interactions().and(), 1e-9);
        assertArrayEquals(iOr, r.interactions().or(), 1e-9);
        assertEquals(iterations, r.iterations());
    }

    @Test void universalMatchingHoldsBeforeAndAfterEveryMerge() {
        double[] v = maxGame(new Rng(2));
        Options options = Options.defaults().withLr(1e-4).withIterations(3000);
        double scale = 0;
        for (double x : v) scale = Math.max(scale, Math.abs(x));
        for (Merge merge : Merge.values()) {
            Result r = AndOrDecomposition.decompose(v, options.withMerge(merge));
            Interactions x = r.interactions();
            double bound = 0.04 * Math.abs(v[v.length - 1] - v[0]);
            for (int t = 0; t < v.length; t++) {
                assertTrue(Math.abs(r.q()[t]) <= bound + 1e-15, "q bounded");
                assertEquals(v[t] + r.q()[t], Naive.matched(x, t), 1e-6 * scale, merge + ", T=" + t);
            }
            for (int s = 0; s < v.length; s++) {
                int order = Integer.bitCount(s);
                if (merge == Merge.ORDER_AT_MOST_ONE && order <= 1) assertEquals(0, x.or()[s], "S=" + s);
                if (merge == Merge.EMPTY_ONLY && order == 0) assertEquals(0, x.or()[s]);
            }
            assertTrue(r.finalLoss() < r.initialLoss(), merge + ": loss " + r.initialLoss() + " -> " + r.finalLoss());
        }
    }

    @Test void mergeMovesLowOrderOrTermsIntoAndTerms() {
        double[] v = Naive.gaussian(new Rng(4), 1 << 5);
        Result none = AndOrDecomposition.decompose(v, Options.defaults().withIterations(200).withLr(1e-3).withMerge(Merge.NONE));
        Interactions merged = AndOrDecomposition.merge(none.interactions(), Merge.ORDER_AT_MOST_ONE);
        Interactions x = none.interactions();
        for (int s = 0; s < v.length; s++) {
            double expected = Integer.bitCount(s) <= 1 ? x.and()[s] + x.or()[s] : x.and()[s];
            assertEquals(expected, merged.and()[s], 0);
        }
        assertArrayEquals(x.matchedValues(), merged.matchedValues(), 1e-12);
    }

    @Test void decompositionIsSparserThanHarsanyiDividendsOnAMixedGame() {
        double[] v = mixedGame();
        // the plain dividends: 1 AND term plus 7 for the OR over {2,3,4} (inclusion-exclusion)
        double plain = HarsanyiInteractions.harsanyi(v).l1();
        assertEquals(8, plain, 1e-12);
        Result r = AndOrDecomposition.decompose(v, Options.defaults().withLr(1e-4).withIterations(5000));
        double sparse = r.interactions().l1();
        // the optimum is about 2 (one AND and one OR term of strength 1, up to the bounded q)
        assertTrue(sparse < 3, "decomposed L1 " + sparse + " vs plain " + plain);
        for (int i = 1; i < r.losses().length; i++) assertTrue(r.losses()[i] <= r.losses()[0]);
        // the salient terms are the AND pair {0,1} and the OR triple {2,3,4}
        boolean[] salient = SalientInteractions.salient(r.interactions(), 0.2);
        assertTrue(salient[0b00011], "AND {0,1}");
        assertTrue(salient[v.length + 0b11100], "OR {2,3,4}");
        assertTrue(SalientInteractions.sparsity(r.interactions(), 0.2)
                < SalientInteractions.sparsity(HarsanyiInteractions.harsanyi(v), 0.2));
    }

    @Test void decompositionLowersL1OnAMaxGame() {
        double[] v = maxGame(new Rng(9));
        Result r = AndOrDecomposition.decompose(v, Options.defaults().withLr(1e-4).withIterations(3000));
        double plain = HarsanyiInteractions.harsanyi(v).l1();
        assertTrue(r.interactions().l1() < plain, r.interactions().l1() + " vs " + plain);
        assertTrue(r.finalLoss() < r.initialLoss());
    }

    @Test void matchingHoldsAtTwelvePlayers() {
        double[] v = Naive.gaussian(new Rng(12), 1 << 12);
        Result r = AndOrDecomposition.decompose(Game.of(v), Options.defaults().withIterations(100));
        double[] matched = r.interactions().matchedValues();
        double scale = 0;
        for (double x : v) scale = Math.max(scale, Math.abs(x));
        for (int t = 0; t < v.length; t++) assertEquals(v[t] + r.q()[t], matched[t], 1e-6 * scale, "T=" + t);
        assertTrue(r.finalLoss() < r.initialLoss());
        assertEquals(99, r.lossIterations()[r.lossIterations().length - 1]);
    }

    @Test void gradientMatchesFiniteDifferencesOfTheL1Loss() {
        int n = 5, size = 1 << n;
        Rng rng = new Rng(21);
        double[] v = Naive.gaussian(rng, size);
        double[] p = Naive.gaussian(rng, size), q = Naive.gaussian(rng, size);
        for (int t = 0; t < size; t++) {
            p[t] *= 0.3;
            q[t] *= 0.01;
        }
        AndOrDecomposition.Work work = new AndOrDecomposition.Work(size);
        double[] gp = new double[size], gq = new double[size];
        AndOrDecomposition.lossAndGradient(v, p, q, gp, gq, work);
        // L is piecewise linear: central differences are exact away from a kink (no I(S) within h of 0 here)
        double h = 1e-7;
        for (int t = 0; t < size; t++) {
            for (double[] x : new double[][] {p, q}) {
                double keep = x[t];
                x[t] = keep + h;
                double up = AndOrDecomposition.lossAndGradient(v, p, q, null, null, work);
                x[t] = keep - h;
                double down = AndOrDecomposition.lossAndGradient(v, p, q, null, null, work);
                x[t] = keep;
                double fd = (up - down) / (2 * h);
                assertEquals(fd, (x == p ? gp : gq)[t], 1e-5, (x == p ? "dL/dp" : "dL/dq") + " at T=" + t);
            }
        }
        // and the gradient is not trivially zero
        double norm = 0;
        for (int t = 0; t < size; t++) norm += Math.abs(gp[t]) + Math.abs(gq[t]);
        assertTrue(norm > 1, "gradient norm " + norm);
    }

    @Test void sgdReachesTheExactLinearProgramOptimumAndNeverGoesBelowIt() {
        Rng rng = new Rng(5);
        for (int n = 3; n <= 5; n++) {
            for (int k = 0; k < 2; k++) {
                double[] v = Naive.gaussian(rng, 1 << n);
                LinearProgram.Optimum lp = LinearProgram.solve(v, 0.04);
                // the optimum is a valid decomposition: its loss is its interactions' L1
                assertEquals(lp.loss(), lp.interactions(v).l1(), 1e-9 * lp.loss());
                assertTrue(lp.loss() < HarsanyiInteractions.harsanyi(v).l1(), "the optimum beats the plain dividends");
                Result r = AndOrDecomposition.decompose(v, Options.defaults().withLr(1e-4).withMerge(Merge.NONE));
                for (double loss : r.losses()) assertTrue(loss >= lp.loss() - 1e-9, "SGD below the LP optimum: " + loss + " < " + lp.loss());
                assertEquals(lp.loss(), r.finalLoss(), 1e-3 * lp.loss(), "n=" + n + " game " + k);
            }
        }
    }

    @Test void exactOptimumOfTheMixedGameIsOneAndTermAndOneOrTerm() {
        // without q, the mixed game needs exactly AND {0,1} = 1 and OR {2,3,4} = 1 (and v(∅) = 0)
        double[] v = mixedGame();
        LinearProgram.Optimum lp = LinearProgram.solve(v, 0);
        assertEquals(2, lp.loss(), 1e-9);
        Interactions x = lp.interactions(v);
        assertEquals(1, x.and()[0b00011], 1e-9);
        assertEquals(1, x.or()[0b11100], 1e-9);
        // SGD comes near, never below: 20,000 iterations at lr 1e-4 end at 2.35 (a subgradient method approaches this
        // degenerate optimum slowly; at lr 1e-5 it stops near 3.7 on this game of scale 1)
        Result r = AndOrDecomposition.decompose(v, Options.defaults().withLr(1e-4).withQBound(0).withMerge(Merge.NONE));
        assertTrue(r.finalLoss() >= 2 - 1e-9 && r.finalLoss() < 2.4, "SGD loss " + r.finalLoss());
    }
}
