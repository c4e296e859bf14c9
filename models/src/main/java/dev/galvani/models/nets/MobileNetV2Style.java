package dev.galvani.models.nets;

import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.Module;
import dev.galvani.engine.nn.Sequential;
import dev.galvani.models.layers.Activation;
import dev.galvani.models.layers.Linear;
import dev.galvani.models.layers.Pool;

/**
 * A scaled-down MobileNetV2 for 28x28: inverted residual blocks (1x1 expansion with ReLU6, 3x3
 * depthwise with ReLU6, 1x1 linear bottleneck projection, residual when shapes allow), batch norm
 * throughout. Names: {@code stem}, {@code blocks.K} (each {@code expand}, {@code depthwise},
 * {@code project}), {@code head}, {@code avgpool}, {@code fc}.
 */
public final class MobileNetV2Style extends Module {
    private final Module stem, blocks, head, avgpool, fc;

    /** One inverted residual block. */
    public static final class InvertedResidual extends Module {
        private final Module expand, depthwise, project;
        private final boolean residual;

        InvertedResidual(Rng rng, int in, int out, int stride, int expansion) {
            int hidden = in * expansion;
            expand = expansion == 1 ? null : add("expand", new ConvBnAct(rng, in, hidden, 1, 1, 1, 1e-5f, Activation.Kind.RELU6));
            depthwise = add("depthwise", new ConvBnAct(rng, hidden, hidden, 3, stride, hidden, 1e-5f, Activation.Kind.RELU6));
            project = add("project", new ConvBnAct(rng, hidden, out, 1, 1, 1, 1e-5f, null));
            residual = stride == 1 && in == out;
        }

        @Override
        protected Tensor forward(Tensor x) {
            Tensor y = expand == null ? x : expand.call(x);
            y = project.call(depthwise.call(y));
            return residual ? x.add(y) : y;
        }
    }

    public MobileNetV2Style(long seed, int classes) {
        Rng rng = new Rng(seed);
        stem = add("stem", new ConvBnAct(rng, 1, 16, 3, 1, 1, 1e-5f, Activation.Kind.RELU6));   // [N, 16, 28, 28]
        // (expansion t, channels c, repeats n, stride s) as in the paper's table, scaled down.
        int[][] cfg = {{1, 16, 1, 1}, {4, 24, 2, 2}, {4, 32, 2, 2}, {4, 64, 2, 1}};
        Sequential seq = new Sequential();
        int in = 16, k = 0;
        for (int[] c : cfg) {
            for (int i = 0; i < c[2]; i++) {
                seq.then(Integer.toString(k++), new InvertedResidual(rng, in, c[1], i == 0 ? c[3] : 1, c[0]));
                in = c[1];
            }
        }
        blocks = add("blocks", seq);                                                            // [N, 64, 7, 7]
        head = add("head", new ConvBnAct(rng, in, 128, 1, 1, 1, 1e-5f, Activation.Kind.RELU6));   // [N, 128, 7, 7]
        avgpool = add("avgpool", Pool.globalAvg());
        fc = add("fc", new Linear(rng, 128, classes, true));
    }

    @Override
    protected Tensor forward(Tensor x) {
        return fc.call(avgpool.call(head.call(blocks.call(stem.call(x)))));
    }
}
