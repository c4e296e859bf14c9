package dev.galvani.cli;

import dev.galvani.attribution.conductance.AttributionResult;
import dev.galvani.attribution.conductance.Discretisation;
import dev.galvani.attribution.conductance.LayerConductance;
import dev.galvani.attribution.conductance.Quadrature;
import dev.galvani.attribution.conductance.TargetKind;
import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;
import dev.galvani.models.SavedModel;
import dev.galvani.models.io.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
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

    @Option(names = "--checkpoint", required = true) Path checkpoint;
    @Option(names = "--layer", split = ",", description = "Node names, comma-separated (see 'galvani model show')") List<String> layers = new ArrayList<>();
    @Option(names = "--indices", defaultValue = "0-7", description = "Examples of the test split: 0-15 or 3,7,9 (default ${DEFAULT-VALUE})") String indices;
    @Option(names = "--input", description = "An image file instead: 28x28 PNG, or IDX images .gz (with --index)") Path input;
    @Option(names = "--index", defaultValue = "0") int index;
    @Option(names = "--text", description = "Sentences instead (text models), repeatable") List<String> text;
    @Option(names = "--steps", defaultValue = "50") int steps;
    @Option(names = "--method", defaultValue = "gausslegendre", description = "left, right, middle, trapezoid, gausslegendre") String method;
    @Option(names = "--discretisation", defaultValue = "jvp", description = "jvp (exact dy/da) or captum (Captum-compatible differences)") String discretisation;
    @Option(names = "--target", defaultValue = "logit", description = "logit, probability, log-probability") String target;
    @Option(names = "--class", description = "Target class for every example (default: the predicted class)") Integer targetClass;
    @Option(names = "--baseline", defaultValue = "zeros", description = "zeros (default; text: the padding embedding) or mean (the mean training image)") String baseline;
    @Option(names = "--max-rows", defaultValue = "64", description = "Memory bound: most path rows (steps x examples) per pass (default ${DEFAULT-VALUE})") int maxRows;
    @Option(names = "--per-unit", description = "Also write every unit's score, not only per filter") boolean perUnit;
    @Option(names = "--out", required = true) Path out;
    @Option(names = "--seed", defaultValue = "0") long seed;
    @Mixin DataOptions dataOptions;
    @Mixin DeviceOption device;

    @Override
    public void run() {
        device.install();
        String name = method();
        SavedModel m = SavedModel.load(checkpoint);
        Discretisation disc = switch (discretisation.toLowerCase(Locale.ROOT)) {
            case "jvp" -> Discretisation.JVP;
            case "captum" -> Discretisation.CAPTUM;
            default -> throw new GalvaniException("--discretisation must be jvp or captum, got '" + discretisation + "'");
        };
        if (layers.isEmpty() && !name.equals("ig")) throw new GalvaniException("--layer is required (see 'galvani model show " + m.architecture() + "')");
        Inputs.Examples ex;
        if (text != null) {
            if (!Inputs.isText(m)) throw new GalvaniException("--text needs a text model; this checkpoint is '" + m.architecture() + "'");
            ex = Inputs.sentences(m, text);
        } else if (input != null) {
            ex = Inputs.imageFile(m, input, index);
        } else {
            ex = Inputs.fromTestSplit(m, dataOptions, indices, seed);
        }
        LayerConductance lc = new LayerConductance(m.model()).layers(layers.toArray(new String[0])).steps(steps)
                .method(Quadrature.parse(method)).discretisation(disc).target(TargetKind.parse(target)).maxRows(maxRows);
        if (Inputs.isText(m)) lc.pathFrom("embedding");
        lc.integratedGradients(name.equals("ig")); // the others need only the layers: the backward pass stops there
        switch (baseline.toLowerCase(Locale.ROOT)) {
            case "zeros" -> { }
            case "mean" -> {
                if (Inputs.isText(m)) throw new GalvaniException("--baseline mean is for image models; a text model's baseline is the padding embedding");
                lc.baseline(Inputs.meanTrainingImage(m, dataOptions, 2000));
            }
            default -> throw new GalvaniException("--baseline must be zeros or mean, got '" + baseline + "'");
        }
        int[] cls = null;
        if (targetClass != null) {
            cls = new int[ex.x().size(0)];
            Arrays.fill(cls, targetClass);
        }
        AttributionResult r = lc.attribute(ex.x(), cls);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("method", name);
        json.put("checkpoint", checkpoint.toString());
        json.put("architecture", m.architecture());
        json.put("steps", steps);
        json.put("quadrature", r.method().name().toLowerCase(Locale.ROOT));
        json.put("discretisation", disc.name().toLowerCase(Locale.ROOT));
        json.put("target", r.target().name().toLowerCase(Locale.ROOT));
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
        try {
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            Path tmp = Files.createTempFile(parent, ".galvani", ".json");
            Files.writeString(tmp, Json.pretty(json));
            Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (java.io.IOException e) {
            throw new GalvaniException("cannot write " + out + ": " + e.getMessage());
        }
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
