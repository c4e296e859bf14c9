package dev.galvani.jmh;

import dev.galvani.engine.F;
import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.autodiff.Autodiff;
import dev.galvani.engine.autodiff.Grad;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * JMH: one layer of the nets at training batch size (64), each kernel the trainer and the path
 * integral run: the forward pass, forward and backward (gradients of the input and of the
 * parameters), and the forward pass carrying a tangent (forward mode, as a conductance pass does).
 * Layers, on Inception-block shapes:
 * <ul>
 *   <li>{@code conv3x3}: [64, 48, 14, 14] to 64 filters, padding 1 (the direct 'same' kernel);</li>
 *   <li>{@code conv1x1}: [64, 112, 14, 14] to 48 (chunked GEMM);</li>
 *   <li>{@code conv3x3s2}: [64, 64, 14, 14] to 64, stride 2 (unfolding and GEMM);</li>
 *   <li>{@code depthwise}: [64, 96, 14, 14], 3x3, one filter per channel (MobileNetV2);</li>
 *   <li>{@code maxpool2x2}: [64, 48, 28, 28], 2x2 stride 2; {@code maxpool3x3}: [64, 112, 14, 14], 3x3 stride 1 padding 1;</li>
 *   <li>{@code batchnorm}: [64, 48, 14, 14], training statistics.</li>
 * </ul>
 * Run: {@code java -jar jmh/target/benchmarks.jar LayerBenchmark -p layer=conv3x3}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC"})
public class LayerBenchmark {
    @Param({"conv3x3", "conv1x1", "conv3x3s2", "depthwise", "maxpool2x2", "maxpool3x3", "batchnorm"})
    public String layer;

    private Tensor x, tangent, upstream;
    private Tensor[] params;
    private Function<Tensor, Tensor> f;

    @Setup(Level.Trial)
    public void setup() {
        Rng rng = new Rng(0);
        switch (layer) {
            case "conv3x3" -> conv(rng, new int[] {64, 48, 14, 14}, 64, 3, 1, 1, 1);
            case "conv1x1" -> conv(rng, new int[] {64, 112, 14, 14}, 48, 1, 1, 0, 1);
            case "conv3x3s2" -> conv(rng, new int[] {64, 64, 14, 14}, 64, 3, 2, 1, 1);
            case "depthwise" -> conv(rng, new int[] {64, 96, 14, 14}, 96, 3, 1, 1, 96);
            case "maxpool2x2" -> pool(rng, new int[] {64, 48, 28, 28}, 2, 2, 0);
            case "maxpool3x3" -> pool(rng, new int[] {64, 112, 14, 14}, 3, 1, 1);
            case "batchnorm" -> {
                x = Tensor.randn(rng, 1f, 64, 48, 14, 14);
                params = new Tensor[] {Tensor.ones(48), Tensor.zeros(48)};
                f = t -> F.batchNormTrain(t, params[0], params[1], 1e-5f).output();
            }
            default -> throw new IllegalArgumentException(layer);
        }
        tangent = Tensor.randn(rng, 1f, x.shape());
        upstream = Tensor.randn(rng, 1f, forward().shape());
    }

    private void conv(Rng rng, int[] shape, int out, int k, int stride, int pad, int groups) {
        x = Tensor.randn(rng, 1f, shape);
        params = new Tensor[] {Tensor.randn(rng, 0.05f, out, shape[1] / groups, k, k)};
        f = t -> F.conv2d(t, params[0], null, stride, pad, 1, groups);
    }

    private void pool(Rng rng, int[] shape, int k, int stride, int pad) {
        x = Tensor.randn(rng, 1f, shape);
        params = new Tensor[0];
        f = t -> F.maxPool2d(t, k, stride, pad);
    }

    @Benchmark
    public Tensor forward() {
        try (Grad.Scope s = Grad.off()) {
            return f.apply(x);
        }
    }

    @Benchmark
    public Tensor[] forwardBackward() {
        Tensor xl = x.detach().requiresGrad(true);
        Tensor[] wrt = new Tensor[params.length + 1];
        wrt[0] = xl;
        for (int i = 0; i < params.length; i++) wrt[i + 1] = params[i].detach().requiresGrad(true);
        Tensor[] saved = params;
        params = java.util.Arrays.copyOfRange(wrt, 1, wrt.length);
        try {
            Tensor y = f.apply(xl);
            return Autodiff.grad(y, upstream, wrt);
        } finally {
            params = saved;
        }
    }

    /** The forward pass with the input carrying a tangent: the output's tangent comes out of the same call. */
    @Benchmark
    public Tensor forwardTangent() {
        try (Grad.Scope s = Grad.off()) {
            return f.apply(x.detach().withTangent(tangent)).tangent();
        }
    }
}
