package dev.galvani.engine.check;

import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.autodiff.Autodiff;
import dev.galvani.engine.autodiff.Grad;

import java.util.function.Function;

/**
 * Checks an op's (or any function's) VJP and JVP against central finite differences, and the two
 * against each other by the dot-product identity {@code <u, J v> = <J^T u, v>}.
 *
 * <p>Tensors are float32, so the differences use a step of {@code 1e-2} (relative beyond 100) and
 * are compared with a relative-error bound of {@code 1e-2} by default; wrong derivatives are off by
 * O(1). The dot-product identity needs no differencing and is held to {@code 1e-4}. Keep test
 * inputs away from kinks (ReLU at 0, max ties).
 */
public final class GradCheck {
    private GradCheck() {}

    public static final double DEFAULT_TOL = 1e-2;

    /** The measured errors of one check. */
    public record Result(double vjpError, double jvpError, double dotError) {
        public boolean ok(double tol) {
            return vjpError <= tol && jvpError <= tol && dotError <= 1e-4 * Math.max(1, tol / DEFAULT_TOL);
        }

        @Override public String toString() {
            return String.format("vjp rel err %.2e, jvp rel err %.2e, <u,Jv> vs <J^T u,v> rel err %.2e", vjpError, jvpError, dotError);
        }
    }

    /**
     * Checks {@code f} at {@code inputs} (only those with indices in {@code wrt}, all when empty).
     * Throws an AssertionError with the errors when any exceeds {@code tol}.
     */
    public static Result check(Function<Tensor[], Tensor> f, double tol, long seed, Tensor... inputs) {
        Result r = measure(f, seed, inputs);
        if (!r.ok(tol)) throw new AssertionError("gradient check failed: " + r);
        return r;
    }

    public static Result check(Function<Tensor[], Tensor> f, Tensor... inputs) {
        return check(f, DEFAULT_TOL, 7, inputs);
    }

    public static Result measure(Function<Tensor[], Tensor> f, long seed, Tensor... inputs) {
        Rng rng = new Rng(seed);
        int n = inputs.length;
        Tensor[] leaves = new Tensor[n];
        for (int i = 0; i < n; i++) leaves[i] = inputs[i].detach().requiresGrad(true);
        Tensor y = f.apply(leaves);
        Tensor u = Tensor.randn(rng, 1f, y.shape());

        // Reverse mode.
        Tensor[] g = Autodiff.grad(y, u, leaves);

        // Forward mode with a random direction v.
        Tensor[] v = new Tensor[n];
        Tensor[] dual = new Tensor[n];
        for (int i = 0; i < n; i++) {
            v[i] = Tensor.randn(rng, 1f, inputs[i].shape());
            dual[i] = inputs[i].detach().withTangent(v[i]);
        }
        Tensor yt;
        try (Grad.Scope s = Grad.off()) {
            yt = f.apply(dual).tangent();
        }
        if (yt == null) yt = Tensor.zeros(y.shape());

        // Finite differences of <u, f> per element (VJP), and of f along v (JVP).
        double num = 0, den = 0;
        for (int i = 0; i < n; i++) {
            float[] x = inputs[i].data().clone();
            float[] gi = g[i].data();
            for (int k = 0; k < x.length; k++) {
                double h = 1e-2 * Math.max(1.0, Math.abs(x[k]) / 100);
                double fd = (dot(u, eval(f, inputs, i, k, x[k] + h)) - dot(u, eval(f, inputs, i, k, x[k] - h))) / (2 * h);
                num += sq(fd - gi[k]);
                den += sq(fd) + sq(gi[k]);
            }
        }
        double vjpErr = Math.sqrt(num / Math.max(den, 1e-20));

        double hv = 1e-2;
        Tensor yp = evalAlong(f, inputs, v, hv), ym = evalAlong(f, inputs, v, -hv);
        double jn = 0, jd = 0;
        for (int k = 0; k < yp.numel(); k++) {
            double fd = (yp.data()[k] - ym.data()[k]) / (2 * hv);
            jn += sq(fd - yt.data()[k]);
            jd += sq(fd) + sq(yt.data()[k]);
        }
        double jvpErr = Math.sqrt(jn / Math.max(jd, 1e-20));

        double lhs = dot(u, yt), rhs = 0;
        for (int i = 0; i < n; i++) rhs += dot(g[i], v[i]);
        double dotErr = Math.abs(lhs - rhs) / Math.max(1e-6, Math.abs(lhs) + Math.abs(rhs));
        return new Result(vjpErr, jvpErr, dotErr);
    }

    private static Tensor eval(Function<Tensor[], Tensor> f, Tensor[] inputs, int which, int k, double value) {
        Tensor[] xs = new Tensor[inputs.length];
        for (int i = 0; i < xs.length; i++) xs[i] = inputs[i].copy();
        xs[which].data()[k] = (float) value;
        try (Grad.Scope s = Grad.off()) {
            return f.apply(xs);
        }
    }

    private static Tensor evalAlong(Function<Tensor[], Tensor> f, Tensor[] inputs, Tensor[] v, double h) {
        Tensor[] xs = new Tensor[inputs.length];
        for (int i = 0; i < xs.length; i++) {
            float[] d = inputs[i].data().clone();
            float[] dv = v[i].data();
            for (int k = 0; k < d.length; k++) d[k] += (float) (h * dv[k]);
            xs[i] = new Tensor(d, inputs[i].shape());
        }
        try (Grad.Scope s = Grad.off()) {
            return f.apply(xs);
        }
    }

    private static double dot(Tensor a, Tensor b) {
        double s = 0;
        float[] x = a.data(), y = b.data();
        for (int i = 0; i < x.length; i++) s += (double) x[i] * y[i];
        return s;
    }

    private static double sq(double x) {
        return x * x;
    }
}
