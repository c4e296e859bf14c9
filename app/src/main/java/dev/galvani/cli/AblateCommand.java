package dev.galvani.cli;

import dev.galvani.kernels.Device;
import dev.galvani.attribution.ablation.Ablation;
import dev.galvani.attribution.ablation.AblationEffects;
import dev.galvani.engine.GalvaniException;
import dev.galvani.models.ModelInputs;
import dev.galvani.models.SavedModel;
import dev.galvani.models.data.Examples;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/** {@code galvani ablate}: zero, mean-replace, patch or baseline-replace filters of a named node and show what changes ({@link AblationEffects}). */
@Command(name = "ablate", description = "Ablate filters (channels) of a named node, given or each example's top by conductance: zero, mean, patch or baseline; prints how each prediction changes.")
final class AblateCommand implements Runnable {
    @Mixin ExampleOptions examples;
    @Option(names = "--layer", required = true, paramLabel = "NAME", description = "The node whose filters are ablated (see 'galvani model show').") String layer;
    @Option(names = "--filters", split = ",", paramLabel = "LIST", description = "Filters (channel indices) to ablate in every example, like 3,7,9.") List<Integer> filters;
    @Option(names = "--top", paramLabel = "K", description = "Instead: each example's K filters of highest conductance for its predicted class.") Integer top;
    @Option(names = "--steps", defaultValue = "32", description = "Integration steps of the conductance that ranks the filters for --top.") int steps;
    @Option(names = "--mode", defaultValue = "zero", description = "zero, mean (over the examples given), patch (values from --patch-indices or --patch-input), or baseline (the value at the all-zero input, conductance's baseline).") String mode;
    @Option(names = "--patch-indices", paramLabel = "LIST", description = "Held-out examples whose values are patched in, as many as the inputs.") String patchIndices;
    @Option(names = "--patch-input", split = ",", paramLabel = "FILE", description = "Input files whose values are patched in, as many as the inputs.") List<Path> patchInput;
    @Mixin ResultOutput output;
    @Mixin DataOptions data;
    @Mixin DeviceOption device;

    @Override
    public void run() {
        Device where = device.install();
        SavedModel m = examples.load();
        m.model().to(where);
        if ((filters == null) == (top == null)) throw new GalvaniException("give either --filters or --top");
        String node = ModelInputs.canonical(m, List.of(layer)).get(0);
        Examples ex = examples.examples(m, data);
        Ablation ab = new Ablation(m.model(), node);
        switch (Ablation.Mode.parse(mode)) {
            case ZERO -> ab.zero();
            case MEAN -> ab.mean(ex.x());
            case PATCH -> {
                if (patchIndices == null && patchInput == null) throw new GalvaniException("--mode patch needs --patch-indices or --patch-input");
                Examples src = patchInput != null ? examples.images.files(m, patchInput, "0")
                        : ModelInputs.heldOut(m, data.dataDir, patchIndices, data.evaluation(m, examples.checkpoint, null, null, examples.seed));
                ab.patchFrom(src.x());
            }
            case BASELINE -> ab.zeroBaseline(ex.x());
        }
        int[][] which = top != null ? AblationEffects.topByConductance(m.model(), node, ex.x(), top, steps)
                : AblationEffects.same(ex.size(), filters.stream().mapToInt(Integer::intValue).toArray());
        AblationEffects e = AblationEffects.measure(ab, m.model(), ex.x(), which, ex.descriptions(), ModelInputs.classNames(m));
        output.emit(e.text(), e.json());
    }
}
