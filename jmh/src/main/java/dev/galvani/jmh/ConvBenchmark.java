package dev.galvani.jmh;

import dev.galvani.engine.F;
import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.autodiff.Autodiff;
import dev.galvani.kernels.Im2col;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * JMH: conv2d forward and forward+backward on an Inception-block-sized input (batch 16, 48
 * channels, 14x14, 3x3 to 64 filters, padding 1): Galvani's op (im2col + Vector API GEMM) against
 * the same im2col followed by EJML's GEMM, in the same run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ConvBenchmark {
    private Tensor x, w, b;
    private float[] col;
    private FMatrixRMaj wm, cm, ym;

    @Setup(Level.Trial)
    public void setup() {
        Rng rng = new Rng(0);
        x = Tensor.randn(rng, 1f, 16, 48, 14, 14);
        w = Tensor.randn(rng, 0.05f, 64, 48, 3, 3);
        b = Tensor.randn(rng, 0.1f, 64);
        col = new float[48 * 9 * 16 * 196];
        wm = new FMatrixRMaj(64, 48 * 9);
        System.arraycopy(w.data(), 0, wm.data, 0, w.numel());
        cm = new FMatrixRMaj(48 * 9, 16 * 196);
        ym = new FMatrixRMaj(64, 16 * 196);
    }

    @Benchmark public Tensor galvaniForward() {
        return F.conv2d(x, w, b, 1, 1);
    }

    @Benchmark public Tensor[] galvaniForwardBackward() {
        Tensor xl = x.detach().requiresGrad(true), wl = w.detach().requiresGrad(true), bl = b.detach().requiresGrad(true);
        Tensor y = F.conv2d(xl, wl, bl, 1, 1);
        return Autodiff.grad(y.sum(), null, xl, wl, bl);
    }

    @Benchmark public FMatrixRMaj ejmlForward() {
        for (int i = 0; i < 16; i++) Im2col.im2col(x.data(), i * 48 * 196, 48, 14, 14, 3, 3, 1, 1, 1, 1, 1, 1, col, 16 * 196, i * 196);
        System.arraycopy(col, 0, cm.data, 0, col.length);
        CommonOps_FDRM.mult(wm, cm, ym);
        return ym;
    }
}
