package dev.galvani.cli;

import dev.galvani.attribution.conductance.NeuronConductance;
import dev.galvani.attribution.conductance.NeuronConductanceResult;
import dev.galvani.attribution.report.NeuronConductanceReport;
import dev.galvani.engine.Tensor;
import dev.galvani.models.ModelInputs;
import dev.galvani.models.SavedModel;
import dev.galvani.models.data.Examples;
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
@Command(name = "neuron-conductance",
        description = "How much of each unit's or filter's conductance flows through each input element, for a whole layer at once (docs/neuron-conductance.md).")
final class NeuronConductanceCommand implements Runnable {
    @Mixin ExampleOptions examples;
    @Mixin TargetOptions target;
    @Mixin PathOptions path;
    @Option(names = "--layer", required = true, paramLabel = "NAME", description = "The layer whose units or filters are broken down (see 'galvani model show').") String layer;
    @Option(names = "--filters", paramLabel = "LIST", description = "Filters (axis 1, summed over positions): all, or a list like 0-15,20 (default: all).") String filters;
    @Option(names = "--units", paramLabel = "LIST", description = "Units instead: all, or flat C-order indices into one example's layer output like 0-99.") String units;
    @Option(names = "--autodiff", defaultValue = "auto", paramLabel = "MODE",
            description = "auto (forward mode when the input has fewer elements than units are selected, else reverse), forward or reverse.") String autodiff;
    @Option(names = "--format", defaultValue = "npy", description = "npy (one file per example) or safetensors (one file).") String format;
    @Option(names = "--top", defaultValue = "16", description = "Units or filters of highest conductance shown per example in the report.") int top;
    @Option(names = "--out", defaultValue = "reports/neuron-conductance", paramLabel = "DIR", description = "Report folder (.npy files, JSON, CSV, index.html).") Path out;
    @Mixin DataOptions dataOptions;
    @Mixin DeviceOption device;

    @Override
    public void run() {
        device.hostOnly("neuron-conductance");
        NeuronConductanceReport.Format fmt = NeuronConductanceReport.Format.parse(format);
        NeuronConductance.Mode mode = NeuronConductance.Mode.parse(autodiff);
        SavedModel saved = examples.load();
        Examples ex = examples.examples(saved, dataOptions);
        NeuronConductance nc = new NeuronConductance(saved.model()).layer(ModelInputs.canonical(saved, List.of(layer)).get(0)).steps(path.steps)
                .method(path.quadrature()).discretisation(path.discretisation()).target(target.kind()).mode(mode).select(filters, units);
        if (path.maxRows != null) nc.maxRows(path.maxRows);
        if (saved.isText()) nc.pathFrom(ModelInputs.embeddingNode(saved));
        Tensor base = path.baseline(saved, dataOptions);
        if (base != null) nc.baseline(base);
        NeuronConductanceReport report = new NeuronConductanceReport(out, fmt, saved.isText() ? null : ex.x(), ex.descriptions(), top);
        NeuronConductanceResult r = nc.attribute(ex.x(), target.classes(ex.size()), report);
        Path page = report.finish(r);
        System.out.printf(Locale.ROOT, "%d %s of %s, %d examples, %.1f s (%s mode)%n", r.indices().length,
                r.kind() == NeuronConductance.Kind.UNITS ? "units" : "filters", layer, r.examples(), r.seconds(), r.mode().name().toLowerCase(Locale.ROOT));
        System.out.println("wrote " + page);
    }
}
