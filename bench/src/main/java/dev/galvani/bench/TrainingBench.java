package dev.galvani.bench;

import dev.galvani.engine.F;
import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.Module;
import dev.galvani.kernels.Backends;
import dev.galvani.kernels.Parallel;
import dev.galvani.models.ModelZoo;
import dev.galvani.models.train.Optimizer;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Training throughput of a model: forward, backward and an Adam step (lr 1e-3) on a fixed random
 * batch, random N(0, 1) 28x28 images or, for the text CNN, random token ids [batch, tokens]
 * (36 by default: SST-2's training sentences padded to the longest of a random batch of 64 average
 * 35.5 tokens). With a Python that has PyTorch ({@link PyTorchPeer}), the same job on the PyTorch
 * replica of the architecture ({@code scripts/pytorch/galvani_models.py}) runs right after, in the
 * same run, and the ratio is printed. Memory: Galvani's live heap at the end of a forward pass
 * (after a collection; the graph then holds every activation) and the process's peak resident
 * set, beside PyTorch's peak resident set and how far it rose above its resident set right after
 * {@code import torch} (the libraries' share), the figure comparable with the live heap.
 */
public final class TrainingBench {
    private TrainingBench() {}

    /** Default sentence length of the text CNN's batches. */
    public static final int TOKENS = 36;

    /** One run's figures; rates in examples per second, memory in MiB. */
    public record Result(String model, int batch, int steps, double[] rates, double liveHeapMiB, double peakRssMiB,
                         double[] pytorchRates, double pytorchPeakRssMiB, double pytorchImportRssMiB, String pytorchNote) {
        public double best() {
            return Arrays.stream(rates).max().orElse(Double.NaN);
        }

        public double pytorchBest() {
            return pytorchRates == null ? Double.NaN : Arrays.stream(pytorchRates).max().orElse(Double.NaN);
        }

        /** Galvani over PyTorch, best against best (NaN without PyTorch). */
        public double ratio() {
            return best() / pytorchBest();
        }

        public String toText() {
            String unit = model.equals("textcnn") ? "sentences/s" : "images/s";
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "%s training, batch %d, %d steps per repetition (random %s, Adam)%n", model, batch, steps,
                    model.equals("textcnn") ? "token ids [" + batch + ", " + TOKENS + "]" : "28x28 images"));
            sb.append(String.format(Locale.ROOT, "  galvani  %8.1f %s best  %s  [jdk %s, %s, %d threads]%n", best(), unit, list(rates),
                    Runtime.version(), Backends.current().name(), Parallel.threads()));
            if (pytorchRates == null) {
                sb.append(String.format(Locale.ROOT, "  pytorch  (not measured: %s)%n", pytorchNote));
            } else {
                sb.append(String.format(Locale.ROOT, "  pytorch  %8.1f %s best  %s  [%s]%n", pytorchBest(), unit, list(pytorchRates), pytorchNote));
                sb.append(String.format(Locale.ROOT, "  ratio    %8.2f x (galvani / pytorch, best)%n", ratio()));
            }
            sb.append(String.format(Locale.ROOT, "  memory   galvani: live heap %.0f MiB after a forward pass, peak RSS %.0f MiB", liveHeapMiB, peakRssMiB));
            if (pytorchRates != null) {
                sb.append(String.format(Locale.ROOT, "; pytorch: peak RSS %.0f MiB, %.0f MiB above its RSS after import torch",
                        pytorchPeakRssMiB, pytorchPeakRssMiB - pytorchImportRssMiB));
            }
            return sb.append(System.lineSeparator()).toString();
        }

        /** The run as JSON: model, batch, steps, each repetition's rate and the best, memory, PyTorch's figures (null when not measured), the machine. */
        public Map<String, Object> json() {
            Map<String, Object> j = new java.util.LinkedHashMap<>();
            j.put("benchmark", "training");
            j.put("model", model);
            j.put("batch", batch);
            j.put("steps", steps);
            j.put("unit", model.equals("textcnn") ? "sentences/s" : "images/s");
            j.put("rates", rates);
            j.put("best", best());
            j.put("live_heap_mib", liveHeapMiB);
            j.put("peak_rss_mib", peakRssMiB);
            j.put("pytorch_rates", pytorchRates);
            j.put("pytorch_best", pytorchRates == null ? null : pytorchBest());
            j.put("ratio", pytorchRates == null ? null : ratio());
            j.put("pytorch_peak_rss_mib", pytorchRates == null ? null : pytorchPeakRssMiB);
            j.put("pytorch_note", pytorchNote);
            j.put("machine", Machine.describe());
            return j;
        }

        private static String list(double[] r) {
            StringBuilder sb = new StringBuilder("(");
            for (int i = 0; i < r.length; i++) sb.append(i > 0 ? ", " : "").append(String.format(Locale.ROOT, "%.0f", r[i]));
            return sb.append(')').toString();
        }
    }

    /** Examples per second of one repetition of {@code steps} steps, after two warm-up steps. */
    public static double imagesPerSecond(String arch, int batch, int steps) {
        return run(arch, batch, steps, 1, false).rates()[0];
    }

    /** Warm-up (JIT) for at least 3 s and 3 steps, then {@code repeats} timed repetitions of {@code steps} steps; PyTorch after. */
    public static Result run(String arch, int batch, int steps, int repeats, boolean withPytorch) {
        return run(arch, batch, steps, repeats, withPytorch, 3.0);
    }

    static Result run(String arch, int batch, int steps, int repeats, boolean withPytorch, double warmupSeconds) {
        Module m = ModelZoo.create(arch, Map.of());
        m.train(true);
        Rng rng = new Rng(0);
        Tensor x = input(arch, batch, rng);
        int classes = arch.equals("textcnn") ? 2 : 10;
        int[] y = new int[batch];
        for (int i = 0; i < batch; i++) y[i] = rng.nextInt(classes);
        Optimizer opt = Optimizer.create("adam", new ArrayList<>(m.parameters().values()), 1e-3f, 0f);
        long warm = System.nanoTime() + (long) (warmupSeconds * 1e9);
        for (int i = 0; i < 3 || System.nanoTime() < warm; i++) step(m, x, y, opt);
        double[] rates = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) step(m, x, y, opt);
            rates[r] = batch * steps / ((System.nanoTime() - t0) / 1e9);
        }
        double live = liveHeapAfterForward(m, x, y);
        double rss = HeapWatch.peakRssMiB();
        double[] pt = null;
        double ptRss = Double.NaN, ptImport = Double.NaN;
        String note = "skipped";
        if (withPytorch) {
            PyTorchPeer.Outcome o = PyTorchPeer.run("pytorch_training_bench.py", List.of(arch, Integer.toString(batch), Integer.toString(steps),
                    Integer.toString(Parallel.threads()), Integer.toString(repeats), Integer.toString(TOKENS)), 1800);
            if (o.ok()) {
                @SuppressWarnings("unchecked")
                List<Number> r = (List<Number>) o.json().get("rates");
                pt = r.stream().mapToDouble(Number::doubleValue).toArray();
                ptRss = o.number("peak_rss_mib");
                ptImport = o.number("rss_after_import_mib");
                note = "torch " + o.text("torch") + ", " + (int) o.number("threads") + " threads";
            } else {
                note = o.unavailable();
            }
        }
        return new Result(arch, batch, steps, rates, live, rss, pt, ptRss, ptImport, note);
    }

    /** The batch: N(0, 1) images [batch, 1, 28, 28], or token ids 1..4999 [batch, TOKENS] for the text CNN. */
    static Tensor input(String arch, int batch, Rng rng) {
        if (!arch.equals("textcnn")) return Tensor.randn(rng, 1f, batch, 1, 28, 28);
        float[] ids = new float[batch * TOKENS];
        for (int i = 0; i < ids.length; i++) ids[i] = 1 + rng.nextInt(4999);
        return new Tensor(ids, batch, TOKENS);
    }

    private static void step(Module m, Tensor x, int[] y, Optimizer opt) {
        F.crossEntropy(m.call(x), y).backward();
        opt.step();
    }

    /** Heap in use after a collection while one step's graph is alive (every activation held), in MiB. */
    private static double liveHeapAfterForward(Module m, Tensor x, int[] y) {
        Tensor loss = F.crossEntropy(m.call(x), y);
        System.gc();
        double used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0;
        loss.backward(); // keeps the graph reachable until here
        return used;
    }

    public static void main(String[] args) {
        String arch = args.length > 0 ? args[0] : "inception";
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 64, steps = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        int repeats = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        boolean pytorch = args.length <= 4 || Boolean.parseBoolean(args[4]);
        System.out.print(run(arch, batch, steps, repeats, pytorch).toText());
    }
}
