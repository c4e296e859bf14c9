package dev.galvani.attribution.interactions.extract;

import dev.galvani.attribution.activations.LayerActivations;
import dev.galvani.attribution.activations.LayerActivations.Pooling;
import dev.galvani.engine.F;
import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.autodiff.Grad;
import dev.galvani.engine.nn.Module;
import dev.galvani.models.train.Dataset;
import dev.galvani.models.train.Optimizer;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A layer's readout (Cheng et al., "Layerwise Change of Knowledge in Neural Networks", ICML
 * 2024; docs/methods.md §3.5): with the net frozen, a linear softmax classifier trained on that layer's features of
 * training examples, so that every layer defines a game {@code v^(l)(x_T)} over the same players.
 *
 * <p>The features are the layer's whole output flattened (every unit at every position), so the
 * readout sees where each part of the evidence sits. Mean-pooling over positions is the fallback
 * for a layer whose flattened features of the training examples would not fit the memory bound;
 * {@link #pooling()} says which was used. Training: seeded mini-batch Adam (the engine's ops and
 * optimiser) on the mean cross-entropy plus L2 weight decay, on features centred per unit and
 * divided by one scale for the whole layer (a per-unit scale would blow up units that barely vary
 * on training images but do on masked ones). Centring and scale are folded into the weights
 * afterwards, so the readout is one GEMM on the layer's raw output.
 */
public final class LinearReadout implements Readout {
    /**
     * @param trainExamples training examples (seeded choice from the training split)
     * @param testExamples held-out examples for the reported accuracy (from the held-out split)
     * @param maxBytes most bytes for the flattened features of the training and held-out examples; above it the layer is mean-pooled
     */
    public record Options(int trainExamples, int testExamples, int epochs, int batch, float lr, float weightDecay,
                          long maxBytes, long seed) {
        public Options {
            if (trainExamples < 1 || testExamples < 1 || epochs < 1 || batch < 1 || !(lr > 0) || weightDecay < 0 || maxBytes < 1) {
                throw new GalvaniException("readout: invalid options " + this);
            }
        }

        public static Options defaults() {
            return new Options(5000, 2000, 15, 128, 1e-3f, 1e-4f, 1L << 30, 0);
        }

        public Options withExamples(int train, int test) {
            return new Options(train, test, epochs, batch, lr, weightDecay, maxBytes, seed);
        }

        public Options withEpochs(int e) {
            return new Options(trainExamples, testExamples, e, batch, lr, weightDecay, maxBytes, seed);
        }

        public Options withMaxBytes(long b) {
            return new Options(trainExamples, testExamples, epochs, batch, lr, weightDecay, b, seed);
        }

        public Options withSeed(long s) {
            return new Options(trainExamples, testExamples, epochs, batch, lr, weightDecay, maxBytes, s);
        }
    }

    private final String layer;
    private final Pooling pooling;
    private final Tensor weight;   // [classes, features], on the raw (unscaled) features
    private final Tensor bias;     // [classes]
    private final double trainAccuracy, heldOutAccuracy;
    private final int trainExamples;

    private LinearReadout(String layer, Pooling pooling, Tensor weight, Tensor bias, double trainAccuracy,
                          double heldOutAccuracy, int trainExamples) {
        this.layer = layer;
        this.pooling = pooling;
        this.weight = weight;
        this.bias = bias;
        this.trainAccuracy = trainAccuracy;
        this.heldOutAccuracy = heldOutAccuracy;
        this.trainExamples = trainExamples;
    }

    /** A readout from given weights [classes, features] and bias on the layer's raw features. */
    public static LinearReadout of(String layer, Pooling pooling, float[] weight, float[] bias) {
        int classes = bias.length;
        if (classes == 0 || weight.length % classes != 0) {
            throw new GalvaniException("readout '" + layer + "': " + weight.length + " weights do not split into " + classes + " classes");
        }
        return new LinearReadout(layer, pooling, new Tensor(weight.clone(), classes, weight.length / classes),
                new Tensor(bias.clone(), classes), Double.NaN, Double.NaN, 0);
    }

    /** Trains one readout per layer, in order; see {@link #train(Module, Dataset, Dataset, String, Options)}. */
    public static Map<String, LinearReadout> train(Module model, Dataset train, Dataset test, List<String> layers, Options o) {
        Map<String, LinearReadout> out = new LinkedHashMap<>();
        for (String l : layers) out.put(l, train(model, train, test, l, o));
        return out;
    }

    /** Trains the readout of {@code layer} on a seeded choice of {@code train}'s examples; accuracy on {@code test}'s. */
    public static LinearReadout train(Module model, Dataset train, Dataset test, String layer, Options o) {
        int[] tr = Arrays.copyOf(new Rng(o.seed()).permutation(train.size()), Math.min(o.trainExamples(), train.size()));
        int[] te = Arrays.copyOf(new Rng(o.seed() + 1).permutation(test.size()), Math.min(o.testExamples(), test.size()));
        long flat = flattenedSize(model, train, layer);
        Pooling pooling = (long) (tr.length + te.length) * flat * Float.BYTES > o.maxBytes() ? Pooling.MEAN : Pooling.NONE;
        float[] x = LayerActivations.collect(model, train, tr, layer, pooling);
        float[] xt = LayerActivations.collect(model, test, te, layer, pooling);
        int d = x.length / tr.length;
        if (xt.length != (long) te.length * d) {
            throw new GalvaniException("readout '" + layer + "': held-out examples give " + xt.length / te.length
                    + " features, training examples " + d + " (inputs of different sizes cannot share a flattened readout)");
        }
        int[] y = labels(train, tr), yt = labels(test, te);
        int classes = train.classes();

        // centre per unit, one scale for the layer
        double[] mean = new double[d];
        for (int i = 0; i < tr.length; i++) for (int j = 0; j < d; j++) mean[j] += x[i * d + j];
        for (int j = 0; j < d; j++) mean[j] /= tr.length;
        double ss = 0;
        for (int i = 0; i < tr.length; i++) {
            for (int j = 0; j < d; j++) {
                float c = (float) (x[i * d + j] - mean[j]);
                x[i * d + j] = c;
                ss += (double) c * c;
            }
        }
        double scale = Math.sqrt(ss / ((double) tr.length * d));
        if (!(scale > 0)) {
            throw new GalvaniException("layer '" + layer + "' gives the same output for every training example: no classifier can be trained on it");
        }
        float inv = (float) (1 / scale);
        for (int i = 0; i < x.length; i++) x[i] *= inv;

        Tensor w = Tensor.zeros(classes, d).requiresGrad(true);
        Tensor b = Tensor.zeros(classes).requiresGrad(true);
        Optimizer adam = new Optimizer.Adam(List.of(w, b), o.lr(), o.weightDecay());
        Rng rng = new Rng(o.seed() + 2);
        for (int epoch = 0; epoch < o.epochs(); epoch++) {
            int[] order = rng.permutation(tr.length);
            for (int s = 0; s < tr.length; s += o.batch()) {
                int m = Math.min(tr.length, s + o.batch()) - s;
                float[] xb = new float[m * d];
                int[] yb = new int[m];
                for (int r = 0; r < m; r++) {
                    System.arraycopy(x, order[s + r] * d, xb, r * d, d);
                    yb[r] = y[order[s + r]];
                }
                Tensor loss = F.crossEntropy(F.linear(new Tensor(xb, m, d), w, b), yb);
                loss.backward();
                adam.step();
            }
        }
        double trainAcc = accuracy(w, b, x, y, d);
        // fold centring and scale in: z = W (f − μ)/s + b = (W/s) f + (b − W μ / s)
        float[] wr = w.data().clone(), br = b.data().clone();
        for (int c = 0; c < classes; c++) {
            double shift = 0;
            for (int j = 0; j < d; j++) {
                wr[c * d + j] *= inv;
                shift += wr[c * d + j] * mean[j];
            }
            br[c] -= (float) shift;
        }
        Tensor weight = new Tensor(wr, classes, d), bias = new Tensor(br, classes);
        double testAcc = accuracy(weight, bias, xt, yt, d);
        return new LinearReadout(layer, pooling, weight, bias, trainAcc, testAcc, tr.length);
    }

    /** One example's output of {@code layer}, flattened. */
    private static long flattenedSize(Module model, Dataset data, String layer) {
        try (Module.Mode e = model.evaluating(); Grad.Scope g = Grad.off()) {
            return model.runWithCache(data.batch(new int[] {0}).x().to(model.device()), layer).get(layer).numel();
        }
    }

    private static int[] labels(Dataset data, int[] idx) {
        int[] all = data.labels(), y = new int[idx.length];
        for (int i = 0; i < idx.length; i++) y[i] = all[idx[i]];
        return y;
    }

    private static double accuracy(Tensor weight, Tensor bias, float[] x, int[] y, int d) {
        int ok = 0;
        try (Grad.Scope g = Grad.off()) {
            for (int s = 0; s < y.length; s += 256) {
                int m = Math.min(y.length, s + 256) - s;
                float[] z = F.linear(new Tensor(Arrays.copyOfRange(x, s * d, (s + m) * d), m, d), weight, bias).data();
                int c = bias.numel();
                for (int r = 0; r < m; r++) {
                    int best = 0;
                    for (int k = 1; k < c; k++) if (z[r * c + k] > z[r * c + best]) best = k;
                    if (best == y[s + r]) ok++;
                }
            }
        }
        return (double) ok / y.length;
    }

    /** The logits of the layer's output [rows, ...]: [rows, classes]. */
    public Tensor logits(Tensor output) {
        int rows = output.size(0);
        float[] f = LayerActivations.pool(output, pooling);
        if (f.length != (long) rows * features()) {
            throw new GalvaniException("readout '" + layer + "' expects " + features() + " features per example, the layer gives "
                    + f.length / rows + " (" + output.shapeString() + ")");
        }
        try (Grad.Scope g = Grad.off()) {
            return F.linear(new Tensor(f, rows, features()), weight, bias);
        }
    }

    @Override
    public double[] logOdds(Tensor output, int trueClass) {
        Tensor z = logits(output);
        return Readout.logOdds(z.data(), z.size(0), trueClass);
    }

    /** A copy of the weights on the layer's raw features, [classes, features] row-major (see {@link #of}). */
    public float[] weights() {
        return weight.data().clone();
    }

    /** A copy of the bias, [classes]. */
    public float[] biases() {
        return bias.data().clone();
    }

    public String layer() {
        return layer;
    }

    /** {@code NONE} (flattened) or {@code MEAN} (the memory fallback). */
    public Pooling pooling() {
        return pooling;
    }

    public int features() {
        return weight.size(1);
    }

    public int classes() {
        return weight.size(0);
    }

    public double trainAccuracy() {
        return trainAccuracy;
    }

    /** Accuracy on the held-out examples (NaN for a readout built from given weights). */
    public double heldOutAccuracy() {
        return heldOutAccuracy;
    }

    public int trainExamples() {
        return trainExamples;
    }
}
