package dev.galvani.cli;

import dev.galvani.models.ModelInputs;
import dev.galvani.models.data.Examples;
import dev.galvani.attribution.ablation.Ablation;
import dev.galvani.attribution.ablation.AblationEffects;
import dev.galvani.engine.GalvaniException;
import dev.galvani.models.SavedModel;
import dev.galvani.models.data.DataSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/** {@code galvani ablate}: zero, mean-replace or patch units of a named node and show what changes. */
@Command(name = "ablate", description = "Ablate units (channels) of a named node: given units, or the top k by conductance; zero, mean or patch.")
final class AblateCommand implements Runnable {
    @Option(names = "--checkpoint", required = true) Path checkpoint;
    @Option(names = "--layer", required = true) String layer;
    @Option(names = "--units", split = ",", description = "Units to ablate (channel indices)") List<Integer> units;
    @Option(names = "--top-k", description = "Ablate each example's k units of highest filter conductance instead") Integer topK;
    @Option(names = "--mode", defaultValue = "zero", description = "zero, mean (over the test examples given), or patch (from --patch-indices)") String mode;
    @Option(names = "--indices", defaultValue = "0-7") String indices;
    @Option(names = "--patch-indices", description = "Examples whose values are patched in (same count as --indices)") String patchIndices;
    @Option(names = "--input", split = ",", description = "Inputs instead of the test split: images, .npy arrays or folders of them (an ONNX model needs them)") List<Path> input;
    @Option(names = "--patch-input", split = ",", description = "Inputs whose values are patched in (as many as --input)") List<Path> patchInput;
    @Mixin ImageOptions imageOptions;
    @Option(names = "--steps", defaultValue = "32") int steps;
    @Option(names = "--seed", description = "Split seed of the held-out examples (default: the checkpoint's; another is refused)") Long seed;
    @Mixin ResultOutput output;
    @Mixin DataOptions data;
    @Mixin DeviceOption device;

    @Override
    public void run() {
        device.install();
        SavedModel m = SavedModel.load(checkpoint);
        if ((units == null) == (topK == null)) throw new GalvaniException("give either --units or --top-k");
        layer = ModelInputs.canonical(m, List.of(layer)).get(0);
        if (input == null && m.onnx() != null && !ModelInputs.fitsImageData(m)) throw ModelInputs.noDataSet(checkpoint);
        DataSpec spec = input != null || patchInput != null ? null : data.evaluation(m, checkpoint, null, null, seed);
        Examples ex = input != null ? imageOptions.files(m, input, "0") : ModelInputs.heldOut(m, data.dataDir, indices, spec);
        Ablation ab = new Ablation(m.model(), layer);
        switch (Ablation.Mode.parse(mode)) {
            case ZERO -> ab.zero();
            case MEAN -> ab.mean(ex.x());
            case PATCH -> {
                if (patchIndices == null && patchInput == null) throw new GalvaniException("--mode patch needs --patch-indices (or --patch-input)");
                Examples src = patchInput != null ? imageOptions.files(m, patchInput, "0")
                        : ModelInputs.heldOut(m, data.dataDir, patchIndices, spec != null ? spec : data.evaluation(m, checkpoint, null, null, seed));
                if (src.x().size(0) != ex.x().size(0)) throw new GalvaniException("the patch source must name as many examples as the inputs (" + ex.x().size(0) + ")");
                ab.patchFrom(src.x());
            }
        }
        int n = ex.x().size(0);
        int[][] which = topK != null ? AblationEffects.topByConductance(m.model(), layer, ex.x(), topK, steps)
                : AblationEffects.same(n, units.stream().mapToInt(Integer::intValue).toArray());
        AblationEffects e = AblationEffects.measure(ab, m.model(), ex.x(), which, ex.descriptions(), ModelInputs.classNames(m));
        output.emit(e.text(), e.json());
    }
}
