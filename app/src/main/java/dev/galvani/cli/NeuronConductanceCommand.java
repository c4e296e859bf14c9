package dev.galvani.cli;

import dev.galvani.attribution.conductance.NeuronConductance;
import dev.galvani.attribution.conductance.NeuronConductanceResult;
import dev.galvani.attribution.report.NeuronConductanceReport;
import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;
import dev.galvani.models.SavedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code galvani neuron-conductance}: every selected unit's or filter's breakdown over the input
 * (Dhamdhere et al. 2018, neuron conductance) from one call of {@link NeuronConductance}, written
 * as .npy (or safetensors) per example with an HTML report.
 */
@Command(name = "neuron-conductance", mixinStandardHelpOptions = true,
        description = "How much of each unit's or filter's conductance flows through each input element, for a whole layer at once.")
final class NeuronConductanceCommand implements Runnable {
    @Mixin PathOptions path;
    @Option(names = "--layer", required = true, description = "The layer (see 'galvani model show')") String layer;
    @Option(names = "--filters", description = "Filters (axis 1, summed over positions): all, or a list like 0-15,20 (default: all)") String filters;
    @Option(names = "--units", description = "Units instead: all, or flat indices into one example's layer output (C order) like 0-99") String units;
    @Option(names = "--mode", defaultValue = "auto", description = "auto (forward mode when the input has fewer elements than units are selected, else reverse), forward or reverse") String mode;
    @Option(names = "--format", defaultValue = "npy", description = "npy (one file per example) or safetensors (one file)") String format;
    @Option(names = "--top", defaultValue = "16", description = "Units or filters per example in the report's grid (default ${DEFAULT-VALUE})") int top;
    @Option(names = "--out", defaultValue = "reports/neuron-conductance", description = "Report folder (default ${DEFAULT-VALUE})") Path out;
    @Mixin DataOptions dataOptions;
    @Mixin DeviceOption device;

    @Override
    public void run() {
        device.hostOnly("neuron-conductance");
        if (filters != null && units != null) throw new GalvaniException("give --filters or --units, not both");
        NeuronConductanceReport.Format fmt = switch (format.toLowerCase(Locale.ROOT)) {
            case "npy" -> NeuronConductanceReport.Format.NPY;
            case "safetensors" -> NeuronConductanceReport.Format.SAFETENSORS;
            default -> throw new GalvaniException("--format must be npy or safetensors, got '" + format + "'");
        };
        NeuronConductance.Mode m = switch (mode.toLowerCase(Locale.ROOT)) {
            case "auto" -> NeuronConductance.Mode.AUTO;
            case "forward" -> NeuronConductance.Mode.FORWARD;
            case "reverse" -> NeuronConductance.Mode.REVERSE;
            default -> throw new GalvaniException("--mode must be auto, forward or reverse, got '" + mode + "'");
        };
        SavedModel saved = SavedModel.load(path.checkpoint);
        Inputs.Examples ex = path.examples(saved, dataOptions);
        NeuronConductance nc = new NeuronConductance(saved.model()).layer(Inputs.canonical(saved, List.of(layer)).get(0)).steps(path.steps)
                .method(path.quadrature()).discretisation(path.discretisation()).target(path.targetKind()).mode(m);
        if (path.maxRows != null) nc.maxRows(path.maxRows);
        if (units != null) {
            int[] u = selection("--units", units);
            if (u == null) nc.allUnits(); else nc.units(u);
        } else {
            int[] f = selection("--filters", filters == null ? "all" : filters);
            if (f == null) nc.allFilters(); else nc.filters(f);
        }
        Tensor start = null;
        if (Inputs.isText(saved)) {
            nc.pathFrom(path.embeddingNode(saved));
        } else {
            start = ex.x();
        }
        Tensor base = path.baseline(saved, dataOptions);
        if (base != null) nc.baseline(base);
        NeuronConductanceReport report = new NeuronConductanceReport(out, fmt, start, ex.descriptions(), top);
        NeuronConductanceResult r = nc.attribute(ex.x(), path.classes(ex.x().size(0)), report);
        Path page = report.finish(r);
        System.out.printf(Locale.ROOT, "%d %s of %s, %d examples, %.1f s (%s mode)%n", r.indices().length,
                r.kind() == NeuronConductance.Kind.UNITS ? "units" : "filters", layer, r.examples(), r.seconds(),
                r.mode().name().toLowerCase(Locale.ROOT));
        System.out.println("wrote " + page);
    }

    /** "all" is null (every one); otherwise a list of indices (their range is checked against the layer). */
    private static int[] selection(String option, String spec) {
        if (spec.trim().equalsIgnoreCase("all")) return null;
        return Inputs.indices(option, spec, Integer.MAX_VALUE);
    }
}
