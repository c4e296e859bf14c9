package dev.galvani.attribution.interactions;

import java.util.ArrayList;
import java.util.List;

/**
 * The AND-OR decomposition's convex problem solved by the primal-dual hybrid gradient method
 * (Chambolle and Pock, "A First-Order Primal-Dual Algorithm for Convex Problems with Applications
 * to Imaging", 2011) with diagonal preconditioning (Pock and Chambolle, ICCV 2011) and restarts
 * to the running average (docs/methods.md §3.3; Applegate et al., "Practical Large-Scale Linear Programming using
 * Primal-Dual Hybrid Gradient", NeurIPS 2021).
 *
 * <p>The problem is {@code min_{p, |q|≤β} ‖D(p + q/2) + c₁‖₁ + ‖M(−p + q/2) + c₂‖₁} with
 * {@code c₁ = D v/2}, {@code c₂ = M v/2} (D the subset Möbius transform, M the OR transform),
 * that is {@code F(K x)} for {@code x = (p, q)}. Its dual variables {@code y₁, y₂} live in
 * {@code [−1, 1]}; one iteration is {@code x' = prox(x − τ Kᵀ y)} (q clipped to the box), then
 * {@code y' = clip(y + σ (K(2x' − x) + c))}, with {@code τ_j = 1/Σ_i |K_ij|} and
 * {@code σ_i = 1/Σ_j |K_ij|}, which converges for any K. Every product with K or Kᵀ is a fast
 * transform, so an iteration costs about what an SGD step does. Any (p, q) with q in the box is
 * a valid decomposition (universal matching holds), so the loss recorded is always attained.
 */
final class PrimalDual {
    private PrimalDual() {}

    /** Restarts from the average a few times over the run (a quarter of the iterations apart). */
    static final int RESTARTS = 4;

    static AndOrDecomposition.Result solve(double[] v, double bound, AndOrDecomposition.Options o) {
        int size = v.length;
        double[] ones = new double[size];
        java.util.Arrays.fill(ones, 1);
        // column sums of |K| for p (for q: half of them), row sums for the AND and the OR block
        double[] colP = absDTransposed(ones);
        double[] absM = absMTransposed(ones);
        double[] tauP = new double[size], tauQ = new double[size], sigma1 = absD(ones), sigma2 = absM(ones);
        for (int t = 0; t < size; t++) {
            double c = colP[t] + absM[t];
            tauP[t] = 1 / c;
            tauQ[t] = 2 / c;
            sigma1[t] = 1 / (1.5 * sigma1[t]);
            sigma2[t] = 1 / (1.5 * sigma2[t]);
        }
        double[] c1 = new double[size], c2 = new double[size];
        for (int t = 0; t < size; t++) c1[t] = 0.5 * v[t];
        Moebius.or(c1, c2);
        Moebius.subset(c1);

        double[] p = new double[size], q = new double[size], y1 = new double[size], y2 = new double[size];
        double[] sp = new double[size], sq = new double[size], sy1 = new double[size], sy2 = new double[size];
        double[] g1 = new double[size], g2 = new double[size], k1 = new double[size], k2 = new double[size];
        double[] pAverage = new double[size], qAverage = new double[size];
        AndOrDecomposition.Work work = new AndOrDecomposition.Work(size);
        int every = Math.max(1, o.iterations() / o.checkpoints());
        int period = Math.max(1, o.iterations() / RESTARTS);
        List<Integer> at = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        int averaged = 0;
        for (int it = 0; it < o.iterations(); it++) {
            boolean last = it + 1 == o.iterations();
            if (it > 0 && (it % period == 0 || last)) {
                // restart from the average when it is the better point (primal loss; both are feasible)
                for (int t = 0; t < size; t++) {
                    pAverage[t] = sp[t] / averaged;
                    qAverage[t] = sq[t] / averaged;
                }
                if (loss(v, pAverage, qAverage, work) < loss(v, p, q, work)) {
                    System.arraycopy(pAverage, 0, p, 0, size);
                    System.arraycopy(qAverage, 0, q, 0, size);
                    for (int t = 0; t < size; t++) {
                        y1[t] = sy1[t] / averaged;
                        y2[t] = sy2[t] / averaged;
                    }
                }
                java.util.Arrays.fill(sp, 0);
                java.util.Arrays.fill(sq, 0);
                java.util.Arrays.fill(sy1, 0);
                java.util.Arrays.fill(sy2, 0);
                averaged = 0;
            }
            if (it % every == 0 || last) {
                at.add(it);
                losses.add(loss(v, p, q, work));
            }
            if (last) break;

            // primal step: x' = x − τ Kᵀ y, q clipped
            System.arraycopy(y1, 0, g1, 0, size);
            Moebius.superset(g1);
            Moebius.orTransposed(y2, g2);
            for (int t = 0; t < size; t++) {
                double p0 = p[t], q0 = q[t];
                double p1 = p0 - tauP[t] * (g1[t] - g2[t]);
                double q1 = clip(q0 - tauQ[t] * 0.5 * (g1[t] + g2[t]), bound);
                p[t] = p1;
                q[t] = q1;
                // extrapolate: 2x' − x
                double pb = 2 * p1 - p0, qb = 2 * q1 - q0;
                k1[t] = pb + 0.5 * qb;
                k2[t] = -pb + 0.5 * qb;
            }
            // dual step: y' = clip(y + σ (K x̄ + c))
            Moebius.subset(k1);
            Moebius.or(k2, k2);
            for (int t = 0; t < size; t++) {
                y1[t] = clip(y1[t] + sigma1[t] * (k1[t] + c1[t]), 1);
                y2[t] = clip(y2[t] + sigma2[t] * (k2[t] + c2[t]), 1);
            }
            // running sums for the average (a separate loop: two short loops vectorise where one long one did not)
            for (int t = 0; t < size; t++) {
                sp[t] += p[t];
                sq[t] += q[t];
                sy1[t] += y1[t];
                sy2[t] += y2[t];
            }
            averaged++;
        }
        loss(v, p, q, work);
        return AndOrDecomposition.result(v, p, q, work, at, losses, o);
    }

    /**
     * {@code x} clipped to {@code [−bound, bound]}: {@code Math.max(−bound, Math.min(bound, x))}
     * for every finite x (a zero keeps its sign either way) as two compares, which the compiler
     * turns into vector blends; {@code Math.min} and {@code max} also order NaN and the signed
     * zeros, which costs more.
     */
    static double clip(double x, double bound) {
        return x > bound ? bound : x < -bound ? -bound : x;
    }

    private static double loss(double[] v, double[] p, double[] q, AndOrDecomposition.Work work) {
        return AndOrDecomposition.lossAndGradient(v, p, q, null, null, work);
    }

    /** {@code |D| x}: the subset zeta transform (the AND matrix's entries are ±1 on subsets). */
    static double[] absD(double[] x) {
        double[] a = x.clone();
        Moebius.subsetZeta(a);
        return a;
    }

    /** {@code |D|ᵀ x}: the superset zeta transform. */
    static double[] absDTransposed(double[] x) {
        double[] a = x.clone();
        Moebius.supersetZeta(a);
        return a;
    }

    /** {@code |M| x}: row ∅ picks x[∅]; row S ≠ ∅ sums x[N∖T] over T ⊆ S. */
    static double[] absM(double[] x) {
        double[] a = new double[x.length];
        Moebius.reverseInto(x, a);
        Moebius.subsetZeta(a);
        a[0] = x[0];
        return a;
    }

    /** {@code |M|ᵀ y}: the transpose of {@link #absM}. */
    static double[] absMTransposed(double[] y) {
        double[] a = y.clone();
        a[0] = 0;
        Moebius.supersetZeta(a);
        Moebius.reverseInPlace(a);
        a[0] += y[0];
        return a;
    }
}
