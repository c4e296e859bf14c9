package dev.galvani.cli;

import dev.galvani.kernels.Device;
import dev.galvani.attribution.conductance.AttributionResult;
import dev.galvani.attribution.conductance.Discretisation;
import dev.galvani.attribution.conductance.LayerConductance;
import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;
import dev.galvani.models.SavedModel;
import dev.galvani.models.io.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code galvani conductance | ig | internal-influence | grad-x-act | activation}: one path-integral
 * pass (docs/methods.md §1) on the checkpoint's model, written as JSON: per example, per layer, the
 * method's score per filter (summed over positions), with F(x), F(x') and the conservation deltas.
 */
abstract class AttributeCommand implements Runnable {
    /** The method this command computes: conductance, ig, internal-influence, grad-x-act or activation. */
    abstract String method();

    @Command(name = "conductance", description = "Conductance of named layers' units and filters (docs/methods.md §1.2).")
    static final class Conductance extends AttributeCommand {
        @Override String method() { return "conductance"; }
    }

    @Command(name = "ig", description = "Integrated gradients of the input (or of a text model's embedding).")
    static final class Ig extends AttributeCommand {
        @Override String method() { return "ig"; }
    }

    @Command(name = "internal-influence", description = "Internal influence of named layers (Leino et al. 2018).")
    static final class InternalInfluence extends AttributeCommand {
        @Override String method() { return "internal-influence"; }
    }

    @Command(name = "grad-x-act", description = "Gradient times activation of named layers.")
    static final class GradXAct extends AttributeCommand {
        @Override String method() { return "grad-x-act"; }
    }

    @Command(name = "activation", description = "Activations of named layers.")
    static final class Activation extends AttributeCommand {
        @Override String method() { return "activation"; }
    }

    @Mixin PathOptions path;
    @Option(names = "--layer", split = ",", description = "Node names, comma-separated (see 'galvani model show')") List<String> layers = new ArrayList<>();
    @Option(names = "--captum-exact", description = "Captum 0.8's step sizes (trapezoid: 1/m, halved at the ends) and, with --discretisation captum, IG and internal influence on its m nodes") boolean captumExact;
    @Option(names = "--per-unit", description = "Also write every unit's score, not only per filter") boolean perUnit;
    @Option(names = "--out", required = true) Path out;
    @Mixin DataOptions dataOptions;
    @Mixin DeviceOption device;

    @Override
    public void run() {
        Device where = device.install();
        String name = method();
        SavedModel m = SavedModel.load(path.checkpoint);
        m.model().to(where);
        Discretisation disc = path.discretisation();
        if (layers.isEmpty() && !name.equals("ig")) {
            throw new GalvaniException("--layer is required (see 'galvani model show " + (m.onnx() != null ? path.checkpoint : m.architecture()) + "')");
        }
        layers = Inputs.canonical(m, layers);
        Inputs.Examples ex = path.examples(m, dataOptions);
        LayerConductance lc = new LayerConductance(m.model()).layers(layers.toArray(new String[0])).steps(path.steps)
                .method(path.quadrature()).discretisation(disc).target(path.targetKind()).captumExact(captumExact);
        if (path.maxRows != null) lc.maxRows(path.maxRows);
        if (Inputs.isText(m)) lc.pathFrom(path.embeddingNode(m));
        lc.integratedGradients(name.equals("ig")); // the others need only the layers: the backward pass stops there
        Tensor base = path.baseline(m, dataOptions);
        if (base != null) lc.baseline(base);
        int[] cls = path.classes(ex.x().size(0));
        AttributionResult r = lc.attribute(ex.x(), cls);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("method", name);
        json.put("checkpoint", path.checkpoint.toString());
        json.put("architecture", m.architecture());
        json.put("steps", path.steps);
        json.put("quadrature", r.method().name().toLowerCase(Locale.ROOT));
        json.put("discretisation", disc.name().toLowerCase(Locale.ROOT));
        json.put("captum_exact", captumExact);
        json.put("target", r.target().name().toLowerCase(Locale.ROOT));
        if (ex.preprocessing() != null) json.put("preprocessing", ex.preprocessing());
        List<Object> exs = new ArrayList<>();
        for (int i = 0; i < r.examples(); i++) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("input", ex.descriptions().get(i));
            e.put("label", ex.labels()[i]);
            e.put("class", r.classes()[i]);
            e.put("F", r.f()[i]);
            e.put("F_baseline", r.fBaseline()[i]);
            if (name.equals("ig")) {
                e.put("ig_sum", sum(r.integratedGradients(), i));
                e.put("delta", r.inputDelta()[i]);
                e.put("relative_delta", r.relativeInputDelta()[i]);
                if (perUnit) e.put("ig", row(r.integratedGradients(), i));
            }
            Map<String, Object> ls = new LinkedHashMap<>();
            for (String l : layers) {
                AttributionResult.Layer a = r.layer(l);
                Tensor score = switch (name) {
                    case "internal-influence" -> a.internalInfluence();
                    case "grad-x-act" -> a.gradTimesActivation();
                    case "activation" -> a.activation();
                    default -> a.conductance();
                };
                Map<String, Object> lj = new LinkedHashMap<>();
                lj.put("per_filter", row(AttributionResult.Layer.perFilter(score), i));
                if (perUnit) lj.put("per_unit", row(score, i));
                if (!name.equals("activation") && !name.equals("internal-influence") && !name.equals("grad-x-act")) {
                    lj.put("total", r.layer(l).totals()[i]);
                    lj.put("delta", r.delta(l)[i]);
                    lj.put("relative_delta", r.relativeDelta(l)[i]);
                }
                ls.put(l, lj);
            }
            e.put("layers", ls);
            exs.add(e);
        }
        json.put("examples", exs);
        Json.write(out, json);
        for (String l : layers) {
            if (name.equals("conductance")) {
                double[] rel = r.relativeDelta(l).clone();
                Arrays.sort(rel);
                System.out.printf(Locale.ROOT, "%s: %d examples, median relative conservation delta %.2e%n", l, r.examples(), rel[rel.length / 2]);
            }
        }
        System.out.println("wrote " + out);
    }

    private static double sum(Tensor t, int i) {
        double s = 0;
        for (double v : row(t, i)) s += v;
        return s;
    }

    static double[] row(Tensor t, int i) {
        int per = t.numel() / t.size(0);
        double[] r = new double[per];
        for (int j = 0; j < per; j++) r[j] = t.data()[i * per + j];
        return r;
    }
}
