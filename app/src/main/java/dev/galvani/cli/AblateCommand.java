package dev.galvani.cli;

import dev.galvani.kernels.Device;
import dev.galvani.attribution.ablation.Ablation;
import dev.galvani.attribution.conductance.AttributionResult;
import dev.galvani.attribution.conductance.LayerConductance;
import dev.galvani.attribution.stats.Ranking;
import dev.galvani.engine.F;
import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.autodiff.Grad;
import dev.galvani.models.SavedModel;
import dev.galvani.models.data.DataSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** {@code galvani ablate}: zero, mean-replace or patch units of a named node and show what changes. */
@Command(name = "ablate", description = "Ablate units (channels) of a named node: given units, or the top k by conductance; zero, mean, patch or baseline.")
final class AblateCommand implements Runnable {
    @Option(names = "--checkpoint", required = true) Path checkpoint;
    @Option(names = "--layer", required = true) String layer;
    @Option(names = "--units", split = ",", description = "Units to ablate (channel indices)") List<Integer> units;
    @Option(names = "--top-k", description = "Ablate each example's k units of highest filter conductance instead") Integer topK;
    @Option(names = "--mode", defaultValue = "zero", description = "zero, mean (over the test examples given), patch (from --patch-indices), or baseline (the value at the all-zero input, conductance's baseline)") String mode;
    @Option(names = "--indices", defaultValue = "0-7") String indices;
    @Option(names = "--patch-indices", description = "Examples whose values are patched in (same count as --indices)") String patchIndices;
    @Option(names = "--input", split = ",", description = "Inputs instead of the test split: images, .npy arrays or folders of them (an ONNX model needs them)") List<Path> input;
    @Option(names = "--patch-input", split = ",", description = "Inputs whose values are patched in (as many as --input)") List<Path> patchInput;
    @Mixin ImageOptions imageOptions;
    @Option(names = "--steps", defaultValue = "32") int steps;
    @Option(names = "--seed", description = "Split seed of the held-out examples (default: the checkpoint's; another is refused)") Long seed;
    @Mixin DataOptions data;
    @Mixin DeviceOption device;

    @Override
    public void run() {
        Device where = device.install();
        SavedModel m = SavedModel.load(checkpoint);
        m.model().to(where);
        if ((units == null) == (topK == null)) throw new GalvaniException("give either --units or --top-k");
        layer = Inputs.canonical(m, List.of(layer)).get(0);
        if (input == null && m.onnx() != null && !Inputs.fitsImageData(m)) throw Inputs.noDataSet(checkpoint);
        DataSpec spec = input != null || patchInput != null ? null : data.evaluation(m, checkpoint, null, null, seed);
        Inputs.Examples ex = input != null ? Inputs.files(m, input, imageOptions) : Inputs.fromTestSplit(m, data, indices, spec);
        Ablation ab = new Ablation(m.model(), layer);
        switch (Ablation.Mode.parse(mode)) {
            case ZERO -> ab.zero();
            case MEAN -> ab.mean(ex.x());
            case PATCH -> {
                if (patchIndices == null && patchInput == null) throw new GalvaniException("--mode patch needs --patch-indices (or --patch-input)");
                Inputs.Examples src = patchInput != null ? Inputs.files(m, patchInput, imageOptions)
                        : Inputs.fromTestSplit(m, data, patchIndices, spec != null ? spec : data.evaluation(m, checkpoint, null, null, seed));
                if (src.x().size(0) != ex.x().size(0)) throw new GalvaniException("the patch source must name as many examples as the inputs (" + ex.x().size(0) + ")");
                ab.patchFrom(src.x());
            }
            case BASELINE -> {
                int[] shape = ex.x().shape();
                shape[0] = 1;
                ab.baseline(Tensor.zeros(shape));
            }
        }
        Tensor before;
        try (Grad.Scope s = Grad.off()) {
            m.eval();
            before = m.model().call(ex.x().to(where));
        }
        int[] pred = F.argmax(before);
        List<String> names = Inputs.classNames(m, before.size(1));
        AttributionResult attr = topK == null ? null : new LayerConductance(m.model()).layers(layer).steps(steps).integratedGradients(false).attribute(ex.x(), pred);
        for (int i = 0; i < ex.x().size(0); i++) {
            int[] u;
            if (topK != null) {
                double[] fc = AblateCommand.row(attr.layer(layer).filterConductance(), i);
                u = java.util.Arrays.copyOf(Ranking.argsortDescending(fc), Math.min(topK, fc.length));
            } else {
                u = units.stream().mapToInt(Integer::intValue).toArray();
            }
            Tensor after = ab.logitsWithout(ex.x().rows(i, i + 1), u);
            int p2 = F.argmax(after)[0];
            System.out.printf(Locale.ROOT, "%-28s units %s: logit of %s %.3f -> %.3f; prediction %s -> %s%n", ex.descriptions().get(i),
                    java.util.Arrays.toString(u), names.get(pred[i]), before.get(i, pred[i]), after.get(0, pred[i]), names.get(pred[i]), names.get(p2));
        }
    }

    private static double[] row(Tensor t, int i) {
        int c = t.size(1);
        double[] r = new double[c];
        for (int j = 0; j < c; j++) r[j] = t.get(i, j);
        return r;
    }
}
