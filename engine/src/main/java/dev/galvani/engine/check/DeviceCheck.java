package dev.galvani.engine.check;

import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.autodiff.Autodiff;
import dev.galvani.engine.autodiff.Grad;
import dev.galvani.kernels.Device;

import java.util.function.Function;

/**
 * Checks that a function of tensors computes on a device what it computes on the host: its value,
 * its VJP for a random upstream gradient and its JVP for random tangents, each within a relative
 * bound ({@code 0}: bit for bit, as the simulated device must, since it runs the CPU kernels). The
 * device's values come back through {@code toHost()} only, so a step that reads a device tensor's
 * array behind its backend fails here with the tensor named.
 */
public final class DeviceCheck {
    private DeviceCheck() {}

    /** Largest {@code |d − h| / (1 + |h|)} over the value, the input gradients and the output tangent. */
    public static double measure(Device device, Function<Tensor[], Tensor> f, long seed, Tensor... inputs) {
        Rng rng = new Rng(seed);
        int n = inputs.length;
        Tensor[] host = new Tensor[n], dev = new Tensor[n], tan = new Tensor[n];
        for (int i = 0; i < n; i++) {
            host[i] = inputs[i].detach().requiresGrad(true);
            dev[i] = inputs[i].to(device).detach().requiresGrad(true);
            tan[i] = Tensor.randn(rng, 1f, inputs[i].shape());
        }
        Tensor y = f.apply(host), yd = f.apply(dev);
        if (yd.device() != device) throw new AssertionError("the result is on " + yd.device() + ", not " + device);
        Tensor u = Tensor.randn(rng, 1f, y.shape());
        Tensor[] g = Autodiff.grad(y, u, host), gd = Autodiff.grad(yd, u.to(device), dev);
        double worst = error(y, yd);
        for (int i = 0; i < n; i++) worst = Math.max(worst, error(g[i], gd[i]));
        Tensor t, td;
        try (Grad.Scope s = Grad.off()) {
            Tensor[] ht = new Tensor[n], dt = new Tensor[n];
            for (int i = 0; i < n; i++) {
                ht[i] = inputs[i].detach().withTangent(tan[i]);
                dt[i] = inputs[i].to(device).detach().withTangent(tan[i].to(device));
            }
            t = f.apply(ht).tangent();
            td = f.apply(dt).tangent();
        }
        if ((t == null) != (td == null)) throw new AssertionError("a tangent on one side only");
        if (t != null) worst = Math.max(worst, error(t, td));
        return worst;
    }

    /** Throws an AssertionError when {@link #measure} exceeds {@code tol}. */
    public static void check(Device device, double tol, Function<Tensor[], Tensor> f, Tensor... inputs) {
        double e = measure(device, f, 11, inputs);
        if (!(e <= tol)) throw new AssertionError("device " + device + " differs from the host by " + e + " (bound " + tol + ")");
    }

    private static double error(Tensor host, Tensor dev) {
        if (!java.util.Arrays.equals(host.shape(), dev.shape())) {
            throw new AssertionError("shape " + dev.shapeString() + " on the device, " + host.shapeString() + " on the host");
        }
        return error(host.data(), dev.toHost().data());
    }

    /** Largest {@code |d − h| / (1 + |h|)} (NaN on both sides agrees; NaN on one side is infinite). */
    public static double error(float[] h, float[] d) {
        if (h.length != d.length) throw new AssertionError(d.length + " values on the device, " + h.length + " on the host");
        double worst = 0;
        for (int i = 0; i < h.length; i++) {
            double e = Math.abs((double) d[i] - h[i]) / (1 + Math.abs(h[i]));
            if (!(e <= worst)) worst = Double.isNaN(h[i]) && Double.isNaN(d[i]) ? worst : (Double.isNaN(e) ? Double.POSITIVE_INFINITY : e);
        }
        return worst;
    }
}
