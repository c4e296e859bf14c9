package dev.galvani.cli;

import dev.galvani.kernels.Device;
import dev.galvani.attribution.conductance.AttributionMethod;
import dev.galvani.attribution.conductance.AttributionResult;
import dev.galvani.attribution.conductance.LayerConductance;
import dev.galvani.attribution.output.AttributionOutput;
import dev.galvani.attribution.report.Report;
import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;
import dev.galvani.models.ModelInputs;
import dev.galvani.models.SavedModel;
import dev.galvani.models.data.Examples;
import dev.galvani.models.io.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code galvani conductance | ig | internal-influence | grad-x-act | activation}: one
 * {@link LayerConductance} pass (docs/methods.md §1) on the checkpoint's model; the results as
 * {@link AttributionOutput} lays them out (docs/output-schema.md): a summary or the JSON on
 * stdout, and with {@code --out} a folder with the JSON, the arrays and a page. Each command lists
 * only the options its method uses: activations need no target and no path, gradient x
 * activation no path, integrated gradients no layer.
 */
abstract class AttributeCommand implements Runnable {
    abstract AttributionMethod method();

    /** The layers attributed (none for integrated gradients, which attribute the input). */
    List<String> layers() {
        return List.of();
    }

    /** The target class and F's kind; null where the method does not differentiate F. */
    TargetOptions target() {
        return null;
    }

    /** The path; null where the method is read at x alone. */
    PathOptions path() {
        return null;
    }

    boolean captumExact() {
        return false;
    }

    /** {@code --layer}, required by every method but integrated gradients. */
    static final class LayerOption {
        @Option(names = "--layer", required = true, split = ",", paramLabel = "NAME",
                description = "Layers to attribute, comma-separated: dotted node names from 'galvani model show' (an ONNX file's own names work too).")
        List<String> layers;
    }

    @Command(name = "conductance", description = "Conductance of named layers' units and filters (Dhamdhere et al. 2018; docs/methods.md §1.2).")
    static final class Conductance extends AttributeCommand {
        @Mixin LayerOption layer;
        @Mixin TargetOptions target;
        @Mixin PathOptions path;
        @Option(names = "--captum-exact", description = "Captum 0.8's step sizes (trapezoid: 1/m, halved at the ends) and, with --discretisation captum, its m nodes.")
        boolean captumExact;

        @Override AttributionMethod method() { return AttributionMethod.CONDUCTANCE; }
        @Override List<String> layers() { return layer.layers; }
        @Override TargetOptions target() { return target; }
        @Override PathOptions path() { return path; }
        @Override boolean captumExact() { return captumExact; }
    }

    @Command(name = "ig", description = "Integrated gradients of the input (Sundararajan et al. 2017), or of a text model's embedding: "
            + "one score per word for text, one map per image.")
    static final class Ig extends AttributeCommand {
        @Mixin TargetOptions target;
        @Mixin PathOptions path;
        @Option(names = "--captum-exact", description = "Captum 0.8's step sizes and, with --discretisation captum, IG on its m nodes (as its IntegratedGradients).")
        boolean captumExact;

        @Override AttributionMethod method() { return AttributionMethod.INTEGRATED_GRADIENTS; }
        @Override TargetOptions target() { return target; }
        @Override PathOptions path() { return path; }
        @Override boolean captumExact() { return captumExact; }
    }

    @Command(name = "internal-influence", description = "Internal influence of named layers: the gradient of F integrated along the path (Leino et al. 2018).")
    static final class InternalInfluence extends AttributeCommand {
        @Mixin LayerOption layer;
        @Mixin TargetOptions target;
        @Mixin PathOptions path;
        @Option(names = "--captum-exact", description = "Captum 0.8's step sizes and, with --discretisation captum, its m nodes (as its InternalInfluence).")
        boolean captumExact;

        @Override AttributionMethod method() { return AttributionMethod.INTERNAL_INFLUENCE; }
        @Override List<String> layers() { return layer.layers; }
        @Override TargetOptions target() { return target; }
        @Override PathOptions path() { return path; }
        @Override boolean captumExact() { return captumExact; }
    }

    @Command(name = "grad-x-act", description = "Gradient of F times activation of named layers, at the input (no path).")
    static final class GradXAct extends AttributeCommand {
        @Mixin LayerOption layer;
        @Mixin TargetOptions target;

        @Override AttributionMethod method() { return AttributionMethod.GRADIENT_X_ACTIVATION; }
        @Override List<String> layers() { return layer.layers; }
        @Override TargetOptions target() { return target; }
    }

    @Command(name = "activation", description = "Activations of named layers, at the input.")
    static final class Activation extends AttributeCommand {
        @Mixin LayerOption layer;

        @Override AttributionMethod method() { return AttributionMethod.ACTIVATION; }
        @Override List<String> layers() { return layer.layers; }
    }

    @Mixin ExampleOptions examples;
    @Option(names = "--per-unit", description = "Also give every unit's score, not only each filter's (docs/output-schema.md).") boolean perUnit;
    @Option(names = "--format", defaultValue = "json", paramLabel = "FORMAT", description = "How --per-unit arrays are written: json (inline), csv or npy (files in --out).") String format;
    @Option(names = "--json", description = "Print the JSON document (docs/output-schema.md) instead of the summary.") boolean json;
    @Option(names = "--out", paramLabel = "DIR", description = "Also write attribution.json, the arrays, an image model's input maps and index.html into this folder.") Path out;
    @Mixin DataOptions dataOptions;
    @Mixin DeviceOption device;

    @Override
    public void run() {
        Device where = device.install();
        AttributionMethod method = method();
        AttributionOutput.ArrayFormat fmt = AttributionOutput.ArrayFormat.parse(format);
        if (out != null) {
            if (out.toString().endsWith(".json")) throw new GalvaniException("--out names a folder (it gets attribution.json, the arrays and index.html), got " + out);
            Report.checkReplaceable(out);
        } else if (perUnit && fmt != AttributionOutput.ArrayFormat.JSON) {
            throw new GalvaniException("--format " + format + " writes files: give --out DIR");
        }
        SavedModel m = examples.load();
        m.model().to(where);
        List<String> layers = ModelInputs.canonical(m, layers());
        Examples ex = examples.examples(m, dataOptions);
        LayerConductance lc = method.configure(new LayerConductance(m.model()).layers(layers.toArray(new String[0])));
        if (m.isText()) lc.pathFrom(ModelInputs.embeddingNode(m));
        if (target() != null) lc.target(target().kind());
        PathOptions path = path();
        if (path != null) {
            lc.steps(path.steps).method(path.quadrature()).discretisation(path.discretisation()).captumExact(captumExact());
            if (path.maxRows != null) lc.maxRows(path.maxRows);
            Tensor base = path.baseline(m, dataOptions);
            if (base != null) lc.baseline(base);
        }
        AttributionResult r = lc.attribute(ex.x(), target() == null ? null : target().classes(ex.size()));
        AttributionOutput o = new AttributionOutput(method, r).model(examples.checkpoint.toString(), m.architecture(), ModelInputs.classNames(m))
                .examples(ex.x(), ex.descriptions(), ex.labels(), ex.tokens()).perUnit(perUnit, fmt);
        if (path != null) o.setting("captum_exact", captumExact()).setting("baseline", path.baseline).setting("path_from", m.isText() ? ModelInputs.embeddingNode(m) : "input");
        if (ex.preprocessing() != null) o.setting("preprocessing", ex.preprocessing());
        System.out.print(json ? Json.pretty(o.json()) : o.summary());
        if (out != null) (json ? System.err : System.out).println("wrote " + o.write(out).getParent());
    }
}
