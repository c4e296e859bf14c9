package dev.galvani.cli;

import dev.galvani.models.ModelInputs;
import dev.galvani.models.data.Examples;
import dev.galvani.attribution.conductance.AttributionMethod;
import dev.galvani.attribution.conductance.AttributionResult;
import dev.galvani.attribution.conductance.LayerConductance;
import dev.galvani.attribution.output.AttributionOutput;
import dev.galvani.attribution.report.Report;
import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;
import dev.galvani.models.SavedModel;
import dev.galvani.models.io.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code galvani conductance | ig | internal-influence | grad-x-act | activation}: one path-integral
 * pass (docs/methods.md §1) on the checkpoint's model; the results as {@link AttributionOutput}
 * lays them out (docs/output-schema.md): a summary or the JSON on stdout, and with {@code --out} a
 * folder with the JSON, the arrays and a page.
 */
abstract class AttributeCommand implements Runnable {
    /** The method this command computes. */
    abstract AttributionMethod method();

    @Command(name = "conductance", description = "Conductance of named layers' units and filters (docs/methods.md §1.2).")
    static final class Conductance extends AttributeCommand {
        @Override AttributionMethod method() { return AttributionMethod.CONDUCTANCE; }
    }

    @Command(name = "ig", description = "Integrated gradients of the input (or of a text model's embedding): one score per word for text, one map per image.")
    static final class Ig extends AttributeCommand {
        @Override AttributionMethod method() { return AttributionMethod.INTEGRATED_GRADIENTS; }
    }

    @Command(name = "internal-influence", description = "Internal influence of named layers (Leino et al. 2018).")
    static final class InternalInfluence extends AttributeCommand {
        @Override AttributionMethod method() { return AttributionMethod.INTERNAL_INFLUENCE; }
    }

    @Command(name = "grad-x-act", description = "Gradient times activation of named layers.")
    static final class GradXAct extends AttributeCommand {
        @Override AttributionMethod method() { return AttributionMethod.GRADIENT_X_ACTIVATION; }
    }

    @Command(name = "activation", description = "Activations of named layers.")
    static final class Activation extends AttributeCommand {
        @Override AttributionMethod method() { return AttributionMethod.ACTIVATION; }
    }

    @Mixin PathOptions path;
    @Option(names = "--layer", split = ",", description = "Node names, comma-separated (see 'galvani model show')") List<String> layers = new ArrayList<>();
    @Option(names = "--captum-exact", description = "Captum 0.8's step sizes (trapezoid: 1/m, halved at the ends) and, with --discretisation captum, IG and internal influence on its m nodes") boolean captumExact;
    @Option(names = "--per-unit", description = "Also write every unit's score, not only per filter") boolean perUnit;
    @Option(names = "--format", defaultValue = "json", description = "How --per-unit arrays are written: json (inline), csv or npy (files in --out)") String format;
    @Option(names = "--json", description = "Print the JSON document (docs/output-schema.md) instead of the summary") boolean json;
    @Option(names = "--out", paramLabel = "DIR", description = "Folder for attribution.json, the arrays, input maps and index.html") Path out;
    @Mixin DataOptions dataOptions;
    @Mixin DeviceOption device;

    @Override
    public void run() {
        device.install();
        AttributionMethod method = method();
        AttributionOutput.ArrayFormat fmt = AttributionOutput.ArrayFormat.parse(format);
        if (out != null) {
            if (out.toString().endsWith(".json")) throw new GalvaniException("--out names a folder (it gets attribution.json, the arrays and index.html), got " + out);
            Report.checkReplaceable(out);
        } else if (perUnit && fmt != AttributionOutput.ArrayFormat.JSON) {
            throw new GalvaniException("--format " + format + " writes files: give --out DIR");
        }
        SavedModel m = SavedModel.load(path.checkpoint);
        if (layers.isEmpty() && method.scoresLayers()) {
            throw new GalvaniException("--layer is required (see 'galvani model show " + (m.onnx() != null ? path.checkpoint : m.architecture()) + "')");
        }
        layers = ModelInputs.canonical(m, layers);
        Examples ex = path.examples(m, dataOptions);
        LayerConductance lc = new LayerConductance(m.model()).layers(layers.toArray(new String[0])).steps(path.steps)
                .method(path.quadrature()).discretisation(path.discretisation()).target(path.targetKind()).captumExact(captumExact);
        if (path.maxRows != null) lc.maxRows(path.maxRows);
        if (m.isText()) lc.pathFrom(ModelInputs.embeddingNode(m));
        method.configure(lc);
        Tensor base = path.baseline(m, dataOptions);
        if (base != null) lc.baseline(base);
        AttributionResult r = lc.attribute(ex.x(), path.classes(ex.x().size(0)));
        AttributionOutput o = new AttributionOutput(method, r).model(path.checkpoint.toString(), m.architecture(), ModelInputs.classNames(m))
                .examples(ex.x(), ex.descriptions(), ex.labels(), ex.tokens())
                .setting("captum_exact", captumExact).setting("baseline", path.baseline).setting("path_from", m.isText() ? ModelInputs.embeddingNode(m) : "input")
                .perUnit(perUnit, fmt);
        if (ex.preprocessing() != null) o.setting("preprocessing", ex.preprocessing());
        System.out.print(json ? Json.pretty(o.json()) : o.summary());
        if (out != null) (json ? System.err : System.out).println("wrote " + o.write(out).getParent());
    }
}
