package dev.galvani.jmh;

import dev.galvani.attribution.conductance.Discretisation;
import dev.galvani.attribution.conductance.LayerConductance;
import dev.galvani.attribution.conductance.Quadrature;
import dev.galvani.engine.Devices;
import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.Module;
import dev.galvani.models.ModelZoo;
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

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * JMH: {@link PathIntegrationBenchmark}'s path integration with the net on a device ({@code cpu} or
 * {@code cuda}): 32 images x 50 steps, one layer, JVP and Captum-style discretisations, each with the
 * library's default rows per pass for the device (passes of 64 rows, one per core, on the host; on
 * the GPU one pass at a time, as many rows as its free memory allows). Each score is one attribution
 * call, results copied to the host included; compare the two devices within a run. Without a usable
 * GPU the {@code cuda} trials fail with the reason (run {@code -p device=cpu} there).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class CudaPathIntegrationBenchmark {
    @Param({"cpu", "cuda"})
    public String device;

    @Param({"50"})
    public int steps;

    private Module net;
    private Tensor x;

    @Setup(Level.Trial)
    public void setup() {
        net = ModelZoo.create("inception", Map.of()).to(Devices.use(device));
        net.eval();
        x = Tensor.randn(new Rng(0), 1f, 32, 1, 28, 28);
    }

    private Object run(Discretisation d) {
        return new LayerConductance(net).layers("inception4a").steps(steps).method(Quadrature.GAUSS_LEGENDRE).discretisation(d)
                .integratedGradients(false).attribute(x).layer("inception4a").conductance().toHost();
    }

    @Benchmark public Object jvpOneLayer() { return run(Discretisation.JVP); }
    @Benchmark public Object captumOneLayer() { return run(Discretisation.CAPTUM); }
}
