package dev.galvani.attribution.selectivity;

import dev.galvani.engine.F;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.autodiff.Grad;
import dev.galvani.engine.nn.Hooks;
import dev.galvani.engine.nn.Module;
import dev.galvani.engine.nn.NamedHook;
import dev.galvani.models.train.Dataset;

import java.util.Arrays;

/**
 * Correct predictions and examples per class from one evaluation pass, so that the overall
 * accuracy and the accuracy on any set of classes (a group's preferred classes) come from the
 * same forward.
 */
public record ClassAccuracy(long[] correct, long[] count) implements java.io.Serializable {
    /** Evaluation images are run in batches of this many. */
    static final int BATCH = 500;

    /** Accuracy over all classes. */
    public double overall() {
        return on(null);
    }

    /** Accuracy on the examples whose class is in {@code classes} (all when null); NaN when there are none. */
    public double on(boolean[] classes) {
        long ok = 0, n = 0;
        for (int c = 0; c < count.length; c++) {
            if (classes != null && !classes[c]) continue;
            ok += correct[c];
            n += count[c];
        }
        return n == 0 ? Double.NaN : (double) ok / n;
    }

    /** The model's predictions on {@code eval} with {@code ablate} zeroed at {@code layer} (nothing when empty), in evaluation mode. */
    public static ClassAccuracy measure(Module model, String layer, Dataset.Batch eval, int[] ablate, int classes) {
        long[] ok = new long[classes], n = new long[classes];
        NamedHook[] zero = ablate.length == 0 ? new NamedHook[0] : new NamedHook[] {Hooks.zeroUnits(ablate).at(layer)};
        try (Module.Mode e = model.evaluating(); Grad.Scope s = Grad.off()) {
            int rows = eval.y().length, per = eval.x().numel() / rows;
            for (int b0 = 0; b0 < rows; b0 += BATCH) {
                int b1 = Math.min(rows, b0 + BATCH);
                int[] shape = eval.x().shape();
                shape[0] = b1 - b0;
                Tensor x = new Tensor(Arrays.copyOfRange(eval.x().data(), b0 * per, b1 * per), shape);
                int[] pred = F.argmax(model.runWithHooks(x, zero));
                for (int i = b0; i < b1; i++) {
                    int y = eval.y()[i];
                    n[y]++;
                    if (pred[i - b0] == y) ok[y]++;
                }
            }
        }
        return new ClassAccuracy(ok, n);
    }
}
