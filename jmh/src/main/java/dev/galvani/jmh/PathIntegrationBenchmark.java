package dev.galvani.jmh;

import dev.galvani.attribution.conductance.Discretisation;
import dev.galvani.attribution.conductance.LayerConductance;
import dev.galvani.attribution.conductance.Quadrature;
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
 * JMH: the path-integration kernel on the Inception-style net (batch 4): the default (passes of 64
 * rows, one per core) and the whole path in one pass against a step-by-step loop, one layer
 * against three in one pass, Captum-style against JVP, for 16, 50 and 128 steps. Each score is the time of one attribution call; compare within a run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class PathIntegrationBenchmark {
    @Param({"16", "50", "128"})
    public int steps;

    private Module net;
    private Tensor x;

    @Setup(Level.Trial)
    public void setup() {
        net = ModelZoo.create("inception", Map.of("width", "0.5"));
        net.eval();
        x = Tensor.randn(new Rng(0), 1f, 4, 1, 28, 28);
    }

    private Object run(Discretisation d, int maxRows, String... layers) {
        return new LayerConductance(net).layers(layers).steps(steps).method(Quadrature.GAUSS_LEGENDRE).discretisation(d).maxRows(maxRows)
                .integratedGradients(false).attribute(x);
    }

    @Benchmark public Object defaultChunksJvpOneLayer() { return run(Discretisation.JVP, 64, "inception4a"); }
    @Benchmark public Object batchedJvpOneLayer() { return run(Discretisation.JVP, 4 * (steps + 1), "inception4a"); }
    @Benchmark public Object batchedJvpThreeLayers() { return run(Discretisation.JVP, 4 * (steps + 1), "inception3a", "inception3b", "inception4a"); }
    @Benchmark public Object batchedCaptumOneLayer() { return run(Discretisation.CAPTUM, 4 * (steps + 1), "inception4a"); }
    @Benchmark public Object stepByStepJvpOneLayer() { return run(Discretisation.JVP, 4, "inception4a"); }
}
