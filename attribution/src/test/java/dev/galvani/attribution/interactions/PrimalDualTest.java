package dev.galvani.attribution.interactions;

import dev.galvani.attribution.interactions.AndOrDecomposition.Merge;
import dev.galvani.attribution.interactions.AndOrDecomposition.Options;
import dev.galvani.attribution.interactions.AndOrDecomposition.Result;
import dev.galvani.attribution.interactions.AndOrDecomposition.Solver;
import dev.galvani.engine.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class PrimalDualTest {
    private static final Options PD = Options.defaults().withSolver(Solver.PRIMAL_DUAL).withMerge(Merge.NONE);

    @Test void absoluteTransformsEqualDenseProductsWithTheAbsoluteMatrices() {
        int n = 4, size = 1 << n;
        double[][] d = Naive.andMatrix(n), m = Naive.orMatrix(n);
        double[] x = Naive.gaussian(new Rng(3), size);
        double[] dx = new double[size], dtx = new double[size], mx = new double[size], mtx = new double[size];
        for (int i = 0; i < size; i++) {
            for (int j = 0; j < size; j++) {
                dx[i] += Math.abs(d[i][j]) * x[j];
                dtx[j] += Math.abs(d[i][j]) * x[i];
                mx[i] += Math.abs(m[i][j]) * x[j];
                mtx[j] += Math.abs(m[i][j]) * x[i];
            }
        }
        assertArrayEquals(dx, PrimalDual.absD(x), 1e-12);
        assertArrayEquals(dtx, PrimalDual.absDTransposed(x), 1e-12);
        assertArrayEquals(mx, PrimalDual.absM(x), 1e-12);
        assertArrayEquals(mtx, PrimalDual.absMTransposed(x), 1e-12);
    }

    @Test void reachesTheExactLinearProgramOptimumWithUniversalMatching() {
        Rng rng = new Rng(8);
        for (int n = 3; n <= 5; n++) {
            for (int k = 0; k < 2; k++) {
                double[] v = Naive.gaussian(rng, 1 << n);
                for (int t = 0; t < v.length; t++) v[t] *= 5;     // the scale does not matter to this solver
                double optimum = LinearProgram.solve(v, 0.04).loss();
                Result r = AndOrDecomposition.decompose(v, PD);
                for (double loss : r.losses()) assertTrue(loss >= optimum - 1e-9, "below the LP optimum: " + loss + " < " + optimum);
                assertEquals(optimum, r.finalLoss(), 1e-4 * optimum, "n=" + n + " game " + k);
                double bound = 0.04 * Math.abs(v[v.length - 1] - v[0]);
                double[] matched = r.interactions().matchedValues();
                for (int t = 0; t < v.length; t++) {
                    assertTrue(Math.abs(r.q()[t]) <= bound + 1e-12);
                    assertEquals(v[t] + r.q()[t], matched[t], 1e-9 * 5, "universal matching at T=" + t);
                }
            }
        }
    }

    @Test void findsTheMixedGamesOneAndAndOneOrTerm() {
        int n = 6;
        double[] v = new double[1 << n];
        for (int t = 0; t < v.length; t++) v[t] = ((t & 0b00011) == 0b00011 ? 1 : 0) + ((t & 0b11100) != 0 ? 1 : 0);
        Result r = AndOrDecomposition.decompose(v, PD.withQBound(0));
        // SGD stops at 2.35 after as many iterations (AndOrDecompositionTest)
        assertEquals(2, r.finalLoss(), 1e-3);
        assertEquals(1, r.interactions().and()[0b00011], 1e-3);
        assertEquals(1, r.interactions().or()[0b11100], 1e-3);
    }

    /**
     * Both solvers' results on a fixed 10-player game, bit for bit as the one-pass-per-player
     * transforms and Math.min/max clipping gave them (recorded before those were made faster):
     * a speed change must not move the study's numbers.
     */
    @Test void fasterTransformsAndClippingKeepEveryBit() {
        Rng rng = new Rng(11);
        double[] v = new double[1 << 10];
        for (int i = 0; i < v.length; i++) v[i] = 3 * rng.gaussian() + Integer.bitCount(i);
        long[][] expected = {{4661656689281367370L, 4672420482519565015L}, {4657506909123704441L, 4668833640536379553L}};
        for (Solver s : Solver.values()) {
            Result r = AndOrDecomposition.decompose(v, Options.defaults().withIterations(2000).withSolver(s));
            double squares = 0;
            for (double x : r.interactions().and()) squares += x * x;
            for (double x : r.interactions().or()) squares += x * x;
            assertEquals(expected[s.ordinal()][0], Double.doubleToLongBits(r.finalLoss()), s + ": final loss " + r.finalLoss());
            assertEquals(expected[s.ordinal()][1], Double.doubleToLongBits(squares), s + ": sum of squares " + squares);
        }
    }

    @Test void clipIsMinMaxWithTheSignOfZero() {
        double[] xs = {-2, -1, -0.5, -0.0, 0.0, 0.5, 1, 2, -1e-300, 1e-300, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY};
        for (double bound : new double[] {0.0, 1e-300, 0.5, 1}) {
            for (double x : xs) {
                assertEquals(Double.doubleToLongBits(Math.max(-bound, Math.min(bound, x))), Double.doubleToLongBits(PrimalDual.clip(x, bound)),
                        "x=" + x + " bound=" + bound);
            }
        }
    }
}
