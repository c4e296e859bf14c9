package dev.galvani.bench;

import dev.galvani.attribution.conductance.Discretisation;
import dev.galvani.attribution.conductance.LayerConductance;
import dev.galvani.attribution.conductance.Quadrature;
import dev.galvani.engine.Devices;
import dev.galvani.engine.F;
import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.check.DeviceCheck;
import dev.galvani.engine.nn.Module;
import dev.galvani.kernels.Device;
import dev.galvani.kernels.Parallel;
import dev.galvani.kernels.Storage;
import dev.galvani.kernels.cuda.Cuda;
import dev.galvani.kernels.cuda.CudaBackend;
import dev.galvani.models.ModelZoo;
import dev.galvani.models.train.Optimizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The GPU against its peers, each pair measured in the same run: the GEMM kernel against cuBLAS
 * (n = 1024 and 4096), conductance of 32 images x 50 steps on the GPU against the CPU path, and
 * training images/s on the GPU against the CPU. Each line prints both figures and their ratio, and
 * each GPU result's largest difference from its reference ({@code |d − h| / (1 + |h|)}). Run by
 * scripts/gpu-check.sh; without a usable GPU it prints one line with the reason and exits 3.
 */
public final class CudaBench {
    private CudaBench() {}

    /** One comparison: the GPU's figure, its peer's, what they measure, and the GPU result's difference from the peer's. */
    public record Row(String what, String unit, double gpu, double peer, String peerName, double difference) {
        public double ratio() {
            return gpu / peer;
        }

        public String text() {
            return String.format(Locale.ROOT, "%-52s GPU %10.1f %s, %s %10.1f: %6.2fx (largest difference %.1e)",
                    what, gpu, unit, peerName, peer, ratio(), difference);
        }
    }

    /** GFLOP/s of {@code C = A B} for n x n matrices: the GEMM kernel against cuBLAS on the same device storages. */
    public static Row gemm(CudaBackend be, int n) {
        Rng rng = new Rng(n);
        Storage a = be.fromHost(Tensor.randn(rng, 1f, n * n).data()), b = be.fromHost(Tensor.randn(rng, 1f, n * n).data());
        Storage c = be.allocate(n * n), ref = be.allocate(n * n);
        Runnable kernel = () -> be.gemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
        Runnable cublas = () -> be.cublasGemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, ref, 0, n);
        double flop = 2.0 * n * n * n;
        double tk = seconds(be, kernel), tc = seconds(be, cublas);
        double diff = DeviceCheck.error(be.toHost(ref), be.toHost(c));
        return new Row("GEMM n=" + n, "GFLOP/s", flop / tk / 1e9, flop / tc / 1e9, "cuBLAS", diff);
    }

    /** Best time of one call over calls repeated for about a second, after two warm-up calls; the device synchronised around each. */
    private static double seconds(CudaBackend be, Runnable call) {
        for (int i = 0; i < 2; i++) call.run();
        be.cuda().synchronize();
        double best = Double.MAX_VALUE;
        long start = System.nanoTime();
        while (System.nanoTime() - start < 1_000_000_000L) {
            long t0 = System.nanoTime();
            call.run();
            be.cuda().synchronize();
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        return best;
    }

    /**
     * Conductance of {@code images} images x {@code steps} steps at inception4a of the Inception-style
     * net (Gauss-Legendre, JVP discretisation, the library's default rows per pass on each device: one
     * per core on the host, what the free memory allows on the GPU), in attributions/s.
     */
    public static Row conductance(Device gpu, int images, int steps) {
        Module host = ModelZoo.create("inception", Map.of()), dev = ModelZoo.create("inception", Map.of()).to(gpu);
        host.eval();
        dev.eval();
        Tensor x = Tensor.randn(new Rng(1), 1f, images, 1, 28, 28);
        LayerConductance lh = conductance(host, steps), ld = conductance(dev, steps);
        lh.attribute(x.rows(0, 2)); // warm-up
        ld.attribute(x.rows(0, 2));
        float[][] out = new float[2][];
        double th = best(() -> out[0] = lh.attribute(x).layer("inception4a").conductance().data());
        double td = best(() -> out[1] = ld.attribute(x).layer("inception4a").conductance().data());
        return new Row("conductance " + images + " images x " + steps + " steps", "attr/s", images / td, images / th,
                "CPU (" + Parallel.threads() + " threads)", DeviceCheck.error(out[0], out[1]));
    }

    private static LayerConductance conductance(Module m, int steps) {
        return new LayerConductance(m).layers("inception4a").steps(steps).method(Quadrature.GAUSS_LEGENDRE)
                .discretisation(Discretisation.JVP).integratedGradients(false);
    }

    /** Best of two timed runs, in seconds. */
    private static double best(Runnable r) {
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 2; i++) {
            long t0 = System.nanoTime();
            r.run();
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        return best;
    }

    /** Training images/s (forward, backward, Adam step, random 28x28 inputs) of {@code arch} on the GPU and on the CPU. */
    public static Row training(Device gpu, String arch, int batch, int steps) {
        float[] lh = new float[1], ld = new float[1];
        double host = imagesPerSecond(arch, batch, steps, Device.CPU, lh), dev = imagesPerSecond(arch, batch, steps, gpu, ld);
        return new Row(arch + " training, batch " + batch, "images/s", dev, host, "CPU (" + Parallel.threads() + " threads)",
                DeviceCheck.error(lh, ld));
    }

    /** Images/s on {@code device}; {@code firstLoss[0]} is the first step's loss (the devices' agreement). */
    private static double imagesPerSecond(String arch, int batch, int steps, Device device, float[] firstLoss) {
        Module m = ModelZoo.create(arch, arch.equals("textcnn") ? Map.of("vocab", "1000") : Map.of()).to(device);
        m.train(true);
        Rng rng = new Rng(0);
        Tensor x;
        if (arch.equals("textcnn")) {
            float[] ids = new float[batch * 36];
            for (int i = 0; i < ids.length; i++) ids[i] = rng.nextInt(1000);
            x = new Tensor(ids, batch, 36).to(device);
        } else {
            x = Tensor.randn(rng, 1f, batch, 1, 28, 28).to(device);
        }
        int[] y = new int[batch];
        for (int i = 0; i < batch; i++) y[i] = rng.nextInt(2);
        Optimizer opt = Optimizer.create("adam", new ArrayList<>(m.parameters().values()), 1e-3f, 0f);
        firstLoss[0] = step(m, x, y, opt);
        step(m, x, y, opt);
        long t0 = System.nanoTime();
        for (int i = 0; i < steps; i++) step(m, x, y, opt);
        return batch * steps / ((System.nanoTime() - t0) / 1e9); // step() reads the loss: the device has finished
    }

    private static float step(Module m, Tensor x, int[] y, Optimizer opt) {
        Tensor loss = F.crossEntropy(m.call(x), y);
        loss.backward();
        opt.step();
        return loss.item();
    }

    /** All of it, one line per comparison, with the machine first. */
    public static List<Row> all(List<String> archs) {
        Device gpu = Devices.cuda();
        CudaBackend be = (CudaBackend) gpu.backend();
        List<Row> rows = new ArrayList<>();
        System.out.printf(Locale.ROOT, "%s, jdk %s, %d cores, %d threads%n", be.name(), Runtime.version(),
                Runtime.getRuntime().availableProcessors(), Parallel.threads());
        for (int n : new int[] {1024, 4096}) print(rows, gemm(be, n));
        print(rows, conductance(gpu, 32, 50));
        for (String arch : archs) print(rows, training(gpu, arch, 64, 8));
        return rows;
    }

    private static void print(List<Row> rows, Row r) {
        rows.add(r);
        System.out.println(r.text());
        System.out.flush();
    }

    /**
     * {@code CudaBench [arch,...]} (default: all six architectures); {@code CudaBench --probe} prints
     * the GPU found, or the reason there is none with exit code 3.
     */
    public static void main(String[] args) {
        Cuda.Availability a = Cuda.availability();
        if (!a.available()) {
            System.out.println("no usable GPU: " + a.reason());
            System.exit(3);
        }
        if (args.length > 0 && args[0].equals("--probe")) {
            System.out.println("GPU: " + a.reason());
            return;
        }
        all(args.length > 0 ? List.of(args[0].split(",")) : ModelZoo.NAMES);
    }
}
