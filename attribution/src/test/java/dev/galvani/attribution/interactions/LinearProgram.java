package dev.galvani.attribution.interactions;

import org.apache.commons.math3.optim.MaxIter;
import org.apache.commons.math3.optim.PointValuePair;
import org.apache.commons.math3.optim.linear.LinearConstraint;
import org.apache.commons.math3.optim.linear.LinearConstraintSet;
import org.apache.commons.math3.optim.linear.LinearObjectiveFunction;
import org.apache.commons.math3.optim.linear.NonNegativeConstraint;
import org.apache.commons.math3.optim.linear.Relationship;
import org.apache.commons.math3.optim.linear.SimplexSolver;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The AND-OR decomposition solved exactly as a linear program (Commons Math's simplex), for small
 * games: minimise {@code Σ u + Σ w} over {@code p}, {@code q}, {@code u}, {@code w} subject to
 * {@code −u ≤ D(½(v+q)+p) ≤ u}, {@code −w ≤ M(½(v+q)−p) ≤ w} and {@code |q| ≤ bound}, with the
 * dense AND and OR matrices of {@link Naive}. Its optimum is the smallest loss any optimiser can
 * reach, so it bounds the SGD.
 */
final class LinearProgram {
    private LinearProgram() {}

    record Optimum(double loss, double[] p, double[] q) {
        Interactions interactions(double[] v) {
            return HarsanyiInteractions.decomposed(v, p, q);
        }
    }

    static Optimum solve(double[] v, double qBound) {
        int size = v.length;
        int n = Integer.numberOfTrailingZeros(size);
        double bound = qBound * Math.abs(v[size - 1] - v[0]);
        double[][] d = Naive.andMatrix(n), m = Naive.orMatrix(n);
        double[] dv = Naive.times(d, v), mv = Naive.times(m, v);
        int vars = 4 * size; // p, q, u, w
        List<LinearConstraint> cons = new ArrayList<>();
        for (int s = 0; s < size; s++) {
            for (int sign = -1; sign <= 1; sign += 2) {
                // sign · (D p + ½ D q) − u_s ≤ −sign · ½ (D v)_s
                double[] a = new double[vars];
                for (int t = 0; t < size; t++) {
                    a[t] = sign * d[s][t];
                    a[size + t] = sign * 0.5 * d[s][t];
                }
                a[2 * size + s] = -1;
                cons.add(new LinearConstraint(a, Relationship.LEQ, -sign * 0.5 * dv[s]));
                // sign · (−M p + ½ M q) − w_s ≤ −sign · ½ (M v)_s
                double[] b = new double[vars];
                for (int t = 0; t < size; t++) {
                    b[t] = -sign * m[s][t];
                    b[size + t] = sign * 0.5 * m[s][t];
                }
                b[3 * size + s] = -1;
                cons.add(new LinearConstraint(b, Relationship.LEQ, -sign * 0.5 * mv[s]));
            }
            double[] qt = new double[vars];
            qt[size + s] = 1;
            cons.add(new LinearConstraint(qt, Relationship.LEQ, bound));
            cons.add(new LinearConstraint(qt, Relationship.GEQ, -bound));
        }
        double[] c = new double[vars];
        Arrays.fill(c, 2 * size, vars, 1);
        PointValuePair r = new SimplexSolver().optimize(new MaxIter(1_000_000), new LinearObjectiveFunction(c, 0),
                new LinearConstraintSet(cons), GoalType.MINIMIZE, new NonNegativeConstraint(false));
        double[] x = r.getPoint();
        return new Optimum(r.getValue(), Arrays.copyOfRange(x, 0, size), Arrays.copyOfRange(x, size, 2 * size));
    }
}
