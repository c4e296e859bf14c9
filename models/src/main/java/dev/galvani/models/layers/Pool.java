package dev.galvani.models.layers;

import dev.galvani.engine.F;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.Module;

/** Pooling as a named node: max or average 2-d, global average, max over time. */
public final class Pool extends Module {
    public enum Kind { MAX, AVG, GLOBAL_AVG, MAX_OVER_TIME }

    private final Kind kind;
    private final int kernel, stride, padding;

    private Pool(Kind kind, int kernel, int stride, int padding) {
        this.kind = kind;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    public static Pool max(int kernel, int stride, int padding) {
        return new Pool(Kind.MAX, kernel, stride, padding);
    }

    public static Pool avg(int kernel, int stride, int padding) {
        return new Pool(Kind.AVG, kernel, stride, padding);
    }

    public static Pool globalAvg() {
        return new Pool(Kind.GLOBAL_AVG, 0, 0, 0);
    }

    public static Pool maxOverTime() {
        return new Pool(Kind.MAX_OVER_TIME, 0, 0, 0);
    }

    @Override
    protected Tensor forward(Tensor x) {
        return switch (kind) {
            case MAX -> F.maxPool2d(x, kernel, stride, padding);
            case AVG -> F.avgPool2d(x, kernel, stride, padding);
            case GLOBAL_AVG -> F.globalAvgPool(x);
            case MAX_OVER_TIME -> F.maxOverTime(x);
        };
    }
}
