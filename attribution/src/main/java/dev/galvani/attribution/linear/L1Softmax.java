package dev.galvani.attribution.linear;

import dev.galvani.engine.GalvaniException;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * The exact minimiser of {@code (1/n) Σ_i CE(softmax(W x_i + b), y_i) + λ Σ_{c,j} |W_cj|} (the
 * bias is not penalised) by FISTA (Beck and Teboulle, "A fast iterative shrinkage-thresholding
 * algorithm for linear inverse problems", 2009) with gradient-based adaptive restart (O'Donoghue
 * and Candès, "Adaptive restart for accelerated gradient schemes", 2015).
 *
 * <p>Step size {@code 1/L} with {@code L = ½ λ_max(X̃ᵀX̃ / n)}, X̃ the features with a column of ones:
 * Böhning's bound (the softmax cross-entropy's Hessian in the logits is at most ½ I) makes this a
 * Lipschitz constant of the gradient, so every step decreases the objective. The iteration stops
 * when the gradient mapping {@code L (y − prox(y − ∇f(y)/L))}, which vanishes exactly at the
 * optimum, is below {@code tolerance} in every coordinate.
 */
final class L1Softmax {
    private L1Softmax() {}

    /** What the solver did: iterations taken and the final gradient mapping's largest entry. */
    record Outcome(int iterations, double gradientMapping, boolean converged) {}

    /**
     * @param x   standardised features [n, d] row-major
     * @param w   [k, d], updated in place (the starting point)
     * @param b   [k], updated in place
     */
    static Outcome solve(double[] x, int[] y, int n, int d, int k, double lambda, double[] w, double[] b,
                         int maxIterations, double tolerance) {
        DMatrixRMaj xm = DMatrixRMaj.wrap(n, d, x);
        double lip = 0.5 * largestEigenvalue(xm, n, d);
        double step = 1 / lip;
        int p = k * d;
        double[] cur = new double[p + k], prev = new double[p + k], ext = new double[p + k], grad = new double[p + k];
        System.arraycopy(w, 0, cur, 0, p);
        System.arraycopy(b, 0, cur, p, k);
        System.arraycopy(cur, 0, ext, 0, cur.length);
        double t = 1, mapping = Double.POSITIVE_INFINITY;
        int it = 0;
        while (it < maxIterations) {
            it++;
            gradient(x, y, n, d, k, ext, grad);
            System.arraycopy(cur, 0, prev, 0, cur.length);
            double th = step * lambda, restart = 0;
            mapping = 0;
            for (int j = 0; j < cur.length; j++) {
                double v = ext[j] - step * grad[j];
                if (j < p) v = Math.abs(v) <= th ? 0 : v - Math.signum(v) * th;      // prox of step·λ|w|: soft threshold
                cur[j] = v;
                mapping = Math.max(mapping, Math.abs(ext[j] - v) * lip);
                restart += (ext[j] - v) * (v - prev[j]);
            }
            if (mapping < tolerance) break;
            if (restart > 0) {                               // momentum points uphill: restart
                t = 1;
                System.arraycopy(cur, 0, ext, 0, cur.length);
                continue;
            }
            double tNext = (1 + Math.sqrt(1 + 4 * t * t)) / 2, beta = (t - 1) / tNext;
            for (int j = 0; j < cur.length; j++) ext[j] = cur[j] + beta * (cur[j] - prev[j]);
            t = tNext;
        }
        System.arraycopy(cur, 0, w, 0, p);
        System.arraycopy(cur, p, b, 0, k);
        return new Outcome(it, mapping, mapping < tolerance);
    }

    /**
     * ∇ of the mean cross-entropy at {@code theta = (W [k, d], b [k])}, into {@code grad}: logits
     * {@code z_i = W x_i + b} as dot products (four partial sums, so the loop is not one long
     * dependency chain), then {@code ∇W = (P − Y)ᵀ X / n} as row updates the JIT vectorises.
     */
    static void gradient(double[] x, int[] y, int n, int d, int k, double[] theta, double[] grad) {
        java.util.Arrays.fill(grad, 0);
        double[] z = new double[k];
        int p = k * d;
        for (int i = 0; i < n; i++) {
            int xi = i * d;
            double mx = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                int wc = c * d;
                double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                int j = 0;
                for (; j + 3 < d; j += 4) {
                    s0 += theta[wc + j] * x[xi + j];
                    s1 += theta[wc + j + 1] * x[xi + j + 1];
                    s2 += theta[wc + j + 2] * x[xi + j + 2];
                    s3 += theta[wc + j + 3] * x[xi + j + 3];
                }
                for (; j < d; j++) s0 += theta[wc + j] * x[xi + j];
                z[c] = s0 + s1 + s2 + s3 + theta[p + c];
                mx = Math.max(mx, z[c]);
            }
            double s = 0;
            for (int c = 0; c < k; c++) {
                z[c] = Math.exp(z[c] - mx);
                s += z[c];
            }
            for (int c = 0; c < k; c++) {
                double e = (z[c] / s - (y[i] == c ? 1 : 0)) / n;     // (P − Y) / n
                grad[p + c] += e;
                int wc = c * d;
                for (int j = 0; j < d; j++) grad[wc + j] += e * x[xi + j];
            }
        }
    }

    /** λ_max of X̃ᵀX̃ / n (X̃ = [X, 1]) from a symmetric eigendecomposition (EJML), with a 0.1% margin for rounding. */
    static double largestEigenvalue(DMatrixRMaj x, int n, int d) {
        DMatrixRMaj xt = new DMatrixRMaj(n, d + 1);
        for (int i = 0; i < n; i++) {
            System.arraycopy(x.data, i * d, xt.data, i * (d + 1), d);
            xt.data[i * (d + 1) + d] = 1;
        }
        DMatrixRMaj gram = new DMatrixRMaj(d + 1, d + 1);
        CommonOps_DDRM.multTransA(xt, xt, gram);
        CommonOps_DDRM.scale(1.0 / n, gram);
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(d + 1, false, true);
        if (!eig.decompose(gram)) throw new GalvaniException("L1 logistic regression: the features' Gram matrix has no eigendecomposition");
        double max = 0;
        for (int j = 0; j < eig.getNumberOfEigenvalues(); j++) max = Math.max(max, eig.getEigenvalue(j).getReal());
        return max * 1.001;
    }
}
