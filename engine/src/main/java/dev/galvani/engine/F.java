package dev.galvani.engine;

import dev.galvani.engine.ops.*;

/**
 * The functional API (like {@code torch.nn.functional}): one static method per op, each a thin
 * call of its op class in {@code engine.ops}. Models and attribution code call these.
 */
public final class F {
    private F() {}

    // ---- elementwise and reductions ------------------------------------------------------

    public static Tensor relu(Tensor x) {
        return x.relu();
    }

    public static Tensor relu6(Tensor x) {
        return new Relu6().apply(x);
    }

    // ---- shape, dense, softmax, losses, embedding, dropout (section A) -------------------

    public static Tensor max(Tensor x, boolean keepDims, int... axes) {
        return new Max(axes.length == 0 ? null : axes, keepDims).apply(x);
    }

    /** Index of the maximum along the last axis of [N, C] (no gradient); a result, so a device's logits come to the host. */
    public static int[] argmax(Tensor x) {
        int n = x.size(0), c = x.size(1);
        float[] d = x.toHost().data();
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int j = 1; j < c; j++) if (d[i * c + j] > d[i * c + best]) best = j;
            out[i] = best;
        }
        return out;
    }

    public static Tensor permute(Tensor x, int... axes) {
        return new Permute(axes).apply(x);
    }

    public static Tensor slice(Tensor x, int axis, int start, int end) {
        return new Slice(axis, start, end).apply(x);
    }

    public static Tensor concat(int axis, Tensor... xs) {
        return new Concat(axis).apply(xs);
    }

    /** Splits along an axis into pieces of the given sizes. */
    public static Tensor[] split(Tensor x, int axis, int... sizes) {
        Tensor[] out = new Tensor[sizes.length];
        int pos = 0;
        for (int i = 0; i < sizes.length; i++) {
            out[i] = slice(x, axis, pos, pos + sizes[i]);
            pos += sizes[i];
        }
        return out;
    }

    /** Collapses the axes from {@code start} on: [N, C, H, W] with start 1 gives [N, C·H·W]. */
    public static Tensor flatten(Tensor x, int start) {
        int[] s = x.shape();
        int[] t = new int[start + 1];
        System.arraycopy(s, 0, t, 0, start);
        t[start] = -1;
        return x.reshape(t);
    }

    /** [B, m, k] x [B, k, n] (or a shared [k, n]). */
    public static Tensor bmm(Tensor a, Tensor b) {
        return new BatchedMatMul().apply(a, b);
    }

    /** {@code x W^T + b}, PyTorch layout; {@code bias} may be null. */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        return bias == null ? new Linear().apply(x, weight) : new Linear().apply(x, weight, bias);
    }

    public static Tensor softmax(Tensor x, int axis) {
        return new Softmax(axis).apply(x);
    }

    public static Tensor logSoftmax(Tensor x, int axis) {
        return new LogSoftmax(axis).apply(x);
    }

    /** Mean cross-entropy of logits [N, C] against integer labels. */
    public static Tensor crossEntropy(Tensor logits, int[] labels) {
        return new CrossEntropy(labels).apply(logits);
    }

    /** {@code x[i, classes[i]]} for each row: [N]. */
    public static Tensor pick(Tensor x, int[] classes) {
        return new Pick(classes).apply(x);
    }

    /** Rows of {@code weight} [V, D] for ids shaped [n, t]: [n, t, D]. */
    public static Tensor embedding(Tensor weight, int[] ids, int n, int t) {
        return new Embedding(ids, n, t).apply(weight);
    }

    /** Inverted dropout; identity when not training or p == 0. */
    public static Tensor dropout(Tensor x, float p, Rng rng, boolean training) {
        if (!training || p == 0f) return x;
        return new Dropout(p, rng).apply(x);
    }

    // ---- end of section A ----------------------------------------------------------------




    // ---- convolution, pooling, batch norm (section B) ------------------------------------

    /** 2-d convolution; {@code bias} may be null. */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int stride, int padding, int dilation, int groups) {
        Conv2d op = new Conv2d(stride, padding, dilation, groups);
        return bias == null ? op.apply(x, weight) : op.apply(x, weight, bias);
    }

    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int stride, int padding) {
        return conv2d(x, weight, bias, stride, padding, 1, 1);
    }

    /** 1-d convolution (no padding, stride 1): x [N, C, L], weight [O, C, k] to [N, O, L−k+1]. */
    public static Tensor conv1d(Tensor x, Tensor weight, Tensor bias) {
        int n = x.size(0), c = x.size(1), l = x.size(2), o = weight.size(0), k = weight.size(2);
        if (l < k) throw new ShapeException("conv1d", "sequence of length " + l + " is shorter than the kernel " + k);
        Tensor y = conv2d(x.reshape(n, c, 1, l), weight.reshape(o, weight.size(1), 1, k), bias, 1, 0);
        return y.reshape(n, o, l - k + 1);
    }

    public static Tensor maxPool2d(Tensor x, int kernel, int stride, int padding) {
        return new MaxPool2d(kernel, stride, padding).apply(x);
    }

    public static Tensor avgPool2d(Tensor x, int kernel, int stride, int padding) {
        return new AvgPool2d(kernel, stride, padding).apply(x);
    }

    /** Mean over positions: [N, C, H, W] to [N, C]. */
    public static Tensor globalAvgPool(Tensor x) {
        return x.mean(false, 2, 3);
    }

    /** Max over the last axis: [N, C, L] to [N, C]. */
    public static Tensor maxOverTime(Tensor x) {
        return new Max(new int[] {-1}, false).apply(x);
    }

    /** Output of a training-mode batch norm, and its op for the batch statistics. */
    public record BatchNormResult(Tensor output, BatchNorm op) {
        /** The batch mean per channel (on the host). */
        public float[] mean() {
            return op.batchMean();
        }

        /** The unbiased batch variance per channel (on the host). */
        public float[] unbiasedVar() {
            return op.unbiasedBatchVar();
        }

        /** Folds the batch statistics into running ones, in place on their device (PyTorch's momentum rule). */
        public void updateRunning(Tensor runningMean, Tensor runningVar, float momentum) {
            op.updateRunning(runningMean, runningVar, momentum);
        }
    }

    public static BatchNormResult batchNormTrain(Tensor x, Tensor gamma, Tensor beta, float eps) {
        BatchNorm op = new BatchNorm(eps);
        return new BatchNormResult(op.apply(x, gamma, beta), op);
    }

    public static Tensor batchNormEval(Tensor x, Tensor gamma, Tensor beta, float[] runningMean, float[] runningVar, float eps) {
        return new BatchNorm(eps, runningMean, runningVar).apply(x, gamma, beta);
    }

    /** Evaluation-mode batch norm with running statistics [C] on any device. */
    public static Tensor batchNormEval(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, float eps) {
        return new BatchNorm(eps, runningMean, runningVar).apply(x, gamma, beta);
    }

    // ---- end of section B ----------------------------------------------------------------

    // ---- padding, clipping, gathering, LRN, general pooling (what imported models use) ----

    /** Pads axis {@code a} with {@code before[a]} and {@code after[a]} elements (negative: crop). */
    public static Tensor pad(Tensor x, int[] before, int[] after, Pad.Mode mode, float value) {
        return new Pad(before, after, mode, value).apply(x);
    }

    /** {@code min(max(x, lo), hi)}; a bound may be infinite. */
    public static Tensor clip(Tensor x, float lo, float hi) {
        return new Clip(lo, hi).apply(x);
    }

    /** Slices of {@code x} along {@code axis} picked by integer indices of shape {@code indexShape}. */
    public static Tensor gather(Tensor x, int axis, int[] indices, int... indexShape) {
        return new Gather(axis, indices, indexShape).apply(x);
    }

    /** Local response normalisation across channels (AlexNet, GoogLeNet). */
    public static Tensor localResponseNorm(Tensor x, int size, float alpha, float beta, float k) {
        return new LocalResponseNorm(size, alpha, beta, k).apply(x);
    }

    /**
     * 2-d pooling with rectangular kernels, per-axis strides and dilations, padding per side
     * ({@code pads} = top, left, bottom, right), {@code ceil_mode} and {@code count_include_pad}.
     */
    public static Tensor pool2d(Tensor x, Pool2d.Kind kind, int[] kernel, int[] strides, int[] pads, int[] dilations,
                                boolean ceilMode, boolean countIncludePad) {
        return new Pool2d(kind, kernel[0], kernel[1], strides[0], strides[1], pads[0], pads[1], pads[2], pads[3],
                dilations[0], dilations[1], ceilMode, countIncludePad).apply(x);
    }
}
