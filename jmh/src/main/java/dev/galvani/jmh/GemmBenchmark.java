package dev.galvani.jmh;

import dev.galvani.bench.GemmBench;
import dev.galvani.kernels.Gemm;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * C = A B for square n x n float matrices: Galvani's {@link Gemm#sgemm} against EJML's
 * {@code CommonOps_FDRM.mult} in the same run. GFLOP/s = 2 n^3 / time. Run with
 * {@code java -jar jmh/target/benchmarks.jar GemmBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:+UseParallelGC"})
public class GemmBenchmark {

    @Param({"256", "512", "1024", "2048"})
    public int n;

    private float[] a, b, c;
    private FMatrixRMaj ea, eb, ec;

    @Setup
    public void setup() {
        a = GemmBench.random(n * n, 1);
        b = GemmBench.random(n * n, 2);
        c = new float[n * n];
        ea = FMatrixRMaj.wrap(n, n, a.clone());
        eb = FMatrixRMaj.wrap(n, n, b.clone());
        ec = new FMatrixRMaj(n, n);
    }

    @Benchmark
    public float[] galvani() {
        Gemm.sgemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
        return c;
    }

    @Benchmark
    public FMatrixRMaj ejml() {
        CommonOps_FDRM.mult(ea, eb, ec);
        return ec;
    }
}
