package dev.galvani.attribution.interactions;

import dev.galvani.engine.GalvaniException;

import java.util.ArrayList;
import java.util.List;

/**
 * The AND-OR decomposition of a game into sparse AND and OR interactions (Li & Zhang, ICML 2023;
 * Ren et al., ICLR 2024; the "pq" form of sjtu-xai-lab/interaction-concept; docs/methods.md §3.3):
 * {@code v_and = ½ (v + q) + p}, {@code v_or = ½ (v + q) − p}, minimising
 * {@code Σ_S |I_and(S)| + Σ_S |I_or(S)|} over {@code p} and over {@code q} with
 * {@code |q_T| ≤ qBound · |v(x_N) − v(x_∅)|}.
 *
 * <p>{@link Solver#SGD} is the reference's optimiser: SGD with momentum 0.9 (PyTorch's update, no dampening),
 * learning rate at step {@code t} of {@code lr · 10^(−t/(iterations−1))}, {@code q} clipped before
 * every evaluation; {@code iterations} evaluations and {@code iterations − 1} steps. The
 * subgradient of {@code |x|} at 0 is 0, as in PyTorch. With {@code A = D a} and {@code O = M b},
 * {@code a = ½(v+q)+p}, {@code b = ½(v+q)−p}: {@code ∂L/∂a = Dᵀ sign(A)}, {@code ∂L/∂b = Mᵀ sign(O)},
 * so {@code ∂L/∂p = ∂L/∂a − ∂L/∂b} and {@code ∂L/∂q = ½ (∂L/∂a + ∂L/∂b)}; every product is a fast
 * transform, so an iteration costs {@code O(n 2^n)}. Its steps are absolute (the gradient's
 * entries are integers up to {@code 2^(n−|T|)} whatever the scale of v), so a learning rate suits
 * games of one scale only: on games of log-odds near 1 at {@code n = 10}, lr 1e-5 overshoots.
 * {@link Solver#PRIMAL_DUAL} ({@link PrimalDual}) has no learning rate and comes much closer to the
 * exact optimum in as many iterations.
 */
public final class AndOrDecomposition {
    /** Which OR terms move into the AND terms after the optimisation (universal matching is kept). */
    public enum Merge {
        /** {@code I_and[|S|≤1] += I_or[|S|≤1]}, {@code I_or[|S|≤1] = 0}: the reference's choice. */
        ORDER_AT_MOST_ONE,
        /** Only the empty set (later work). */
        EMPTY_ONLY,
        NONE
    }

    /** How the convex problem is solved. */
    public enum Solver {
        /** The reference's SGD with momentum and log-linear learning-rate decay. */
        SGD,
        /**
         * Preconditioned primal-dual hybrid gradient ({@link PrimalDual}): same cost per iteration,
         * much closer to the exact optimum in the same number of iterations; {@code lr} and
         * {@code momentum} are not used.
         */
        PRIMAL_DUAL
    }

    /**
     * @param lr initial learning rate (decays log-linearly to {@code lr/10}; SGD only)
     * @param iterations loss evaluations (one fewer SGD steps)
     * @param momentum SGD momentum
     * @param qBound bound on {@code |q_T|} relative to {@code |v(x_N) − v(x_∅)|}
     * @param merge OR terms moved into AND terms afterwards
     * @param checkpoints about how many points of the loss history to keep
     * @param solver SGD (the reference's) or the primal-dual method
     */
    public record Options(double lr, int iterations, double momentum, double qBound, Merge merge, int checkpoints, Solver solver) {
        public Options {
            if (!(lr > 0) || iterations < 1 || momentum < 0 || momentum >= 1 || qBound < 0 || checkpoints < 1 || solver == null) {
                throw new GalvaniException("AND-OR decomposition: invalid options lr=" + lr + " iterations="
                        + iterations + " momentum=" + momentum + " qBound=" + qBound + " checkpoints=" + checkpoints + " solver=" + solver);
            }
        }

        /** The reference's SGD. */
        public Options(double lr, int iterations, double momentum, double qBound, Merge merge, int checkpoints) {
            this(lr, iterations, momentum, qBound, merge, checkpoints, Solver.SGD);
        }

        /** The reference's defaults: SGD, lr 1e-5, 20,000 iterations, momentum 0.9, q bound 0.04, merge order ≤ 1. */
        public static Options defaults() {
            return new Options(1e-5, 20_000, 0.9, 0.04, Merge.ORDER_AT_MOST_ONE, 20, Solver.SGD);
        }

        public Options withLr(double lr) {
            return new Options(lr, iterations, momentum, qBound, merge, checkpoints, solver);
        }

        public Options withIterations(int iterations) {
            return new Options(lr, iterations, momentum, qBound, merge, checkpoints, solver);
        }

        public Options withQBound(double qBound) {
            return new Options(lr, iterations, momentum, qBound, merge, checkpoints, solver);
        }

        public Options withMerge(Merge merge) {
            return new Options(lr, iterations, momentum, qBound, merge, checkpoints, solver);
        }

        public Options withCheckpoints(int checkpoints) {
            return new Options(lr, iterations, momentum, qBound, merge, checkpoints, solver);
        }

        public Options withSolver(Solver solver) {
            return new Options(lr, iterations, momentum, qBound, merge, checkpoints, solver);
        }
    }

    /**
     * @param interactions the decomposed AND and OR interactions, after the merge
     * @param p the AND/OR split, {@code v_and − v_or} // [2^n]
     * @param q the bounded correction of the values, clipped // [2^n]
     * @param lossIterations the iterations at which the loss was recorded, the last one included
     * @param losses {@code Σ|I_and| + Σ|I_or|} at those iterations (before the merge)
     * @param iterations loss evaluations run
     */
    public record Result(Interactions interactions, double[] p, double[] q, int[] lossIterations,
                         double[] losses, int iterations) {
        public double initialLoss() {
            return losses[0];
        }

        public double finalLoss() {
            return losses[losses.length - 1];
        }
    }

    private AndOrDecomposition() {}

    public static Result decompose(Game game, Options options) {
        return decompose(game.values(), options);
    }

    public static Result decompose(double[] v) {
        return decompose(v, Options.defaults());
    }

    public static Result decompose(double[] v, Options o) {
        int size = v.length;
        Moebius.players(size);
        for (int t = 0; t < size; t++) {
            if (!Double.isFinite(v[t])) {
                throw new GalvaniException("AND-OR decomposition: v(x_T) is " + v[t] + " at T = " + t + "; every value must be finite");
            }
        }
        double bound = o.qBound() * Math.abs(v[size - 1] - v[0]);
        if (o.solver() == Solver.PRIMAL_DUAL) return PrimalDual.solve(v, bound, o);

        double[] p = new double[size];
        double[] q = new double[size];
        double[] velocityP = new double[size];
        double[] velocityQ = new double[size];
        double[] gradP = new double[size];
        double[] gradQ = new double[size];
        Work work = new Work(size);

        int every = Math.max(1, o.iterations() / o.checkpoints());
        List<Integer> at = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        double logLr = Math.log10(o.lr());
        double mu = o.momentum();
        for (int it = 0; it < o.iterations(); it++) {
            for (int t = 0; t < size; t++) q[t] = PrimalDual.clip(q[t], bound);
            boolean last = it + 1 == o.iterations();
            double loss = lossAndGradient(v, p, q, last ? null : gradP, gradQ, work);
            if (it % every == 0 || last) {
                at.add(it);
                losses.add(loss);
            }
            if (last) break;

            // np.logspace(log lr, log lr − 1, iterations)[it]
            double lr = o.iterations() == 1 ? o.lr() : Math.pow(10, logLr - (double) it / (o.iterations() - 1));
            for (int t = 0; t < size; t++) {
                // PyTorch SGD: the first step's buffer is the gradient itself, which 0·0 + g gives
                velocityP[t] = mu * velocityP[t] + gradP[t];
                velocityQ[t] = mu * velocityQ[t] + gradQ[t];
                p[t] -= lr * velocityP[t];
                q[t] -= lr * velocityQ[t];
            }
        }

        return result(v, p, q, work, at, losses, o);
    }

    /** The result at (p, q), whose interactions {@code work} holds, with the merge applied. */
    static Result result(double[] v, double[] p, double[] q, Work work, List<Integer> at, List<Double> losses, Options o) {
        Interactions result = merge(new Interactions(Moebius.players(v.length), work.and.clone(), work.or.clone()), o.merge());
        int[] atArray = at.stream().mapToInt(Integer::intValue).toArray();
        double[] lossArray = losses.stream().mapToDouble(Double::doubleValue).toArray();
        return new Result(result, p, q, atArray, lossArray, o.iterations());
    }

    /** Scratch arrays of one decomposition; after a call, {@code and} and {@code or} hold the interactions at (p, q). */
    static final class Work {
        final double[] and, or, signAnd, signOr;

        Work(int size) {
            and = new double[size];
            or = new double[size];
            signAnd = new double[size];
            signOr = new double[size];
        }
    }

    /**
     * The loss {@code L = Σ_S |I_and(S)| + Σ_S |I_or(S)|} at (p, q) (q taken as given, not clipped)
     * and, when {@code gradP} is not null, its gradient: with {@code a = ½(v+q)+p},
     * {@code b = ½(v+q)−p}, {@code ∂L/∂a = Dᵀ sign(I_and)} and {@code ∂L/∂b = Mᵀ sign(I_or)}
     * (D the subset Möbius transform, M the OR transform), so {@code ∂L/∂p = ∂L/∂a − ∂L/∂b} and
     * {@code ∂L/∂q = ½ (∂L/∂a + ∂L/∂b)}. The subgradient of {@code |x|} at 0 is taken as 0, as in PyTorch.
     */
    static double lossAndGradient(double[] v, double[] p, double[] q, double[] gradP, double[] gradQ, Work w) {
        int size = v.length;
        double[] and = w.and, or = w.or;
        for (int t = 0; t < size; t++) {
            double half = 0.5 * (v[t] + q[t]);
            and[t] = half + p[t];
            or[t] = half - p[t];
        }
        Moebius.subset(and);
        Moebius.or(or, or);
        double loss = 0;
        for (int s = 0; s < size; s++) loss += Math.abs(and[s]) + Math.abs(or[s]);
        if (gradP == null) return loss;

        double[] ga = w.signAnd, go = w.signOr;
        for (int s = 0; s < size; s++) {
            ga[s] = Math.signum(and[s]);
            go[s] = Math.signum(or[s]);
        }
        Moebius.superset(ga);
        Moebius.orTransposed(go, go);
        for (int t = 0; t < size; t++) {
            gradP[t] = ga[t] - go[t];
            gradQ[t] = 0.5 * (ga[t] + go[t]);
        }
        return loss;
    }

    /**
     * Moves OR terms into AND terms (docs/methods.md §3.3): a singleton OR term {@code {i}} and a
     * singleton AND term both count exactly when {@code i ∈ T}, and both empty-set terms always
     * count, so universal matching is unchanged. Returns a new set; the input is not modified.
     */
    public static Interactions merge(Interactions x, Merge merge) {
        double[] and = x.and().clone();
        double[] or = x.or().clone();
        int maxOrder = switch (merge) {
            case ORDER_AT_MOST_ONE -> 1;
            case EMPTY_ONLY -> 0;
            case NONE -> -1;
        };
        for (int s = 0; s < and.length; s++) {
            if (Integer.bitCount(s) <= maxOrder) {
                and[s] += or[s];
                or[s] = 0;
            }
        }
        return new Interactions(x.players(), and, or);
    }

}
