package dev.galvani.attribution.output;

import dev.galvani.attribution.conductance.AttributionMethod;
import dev.galvani.attribution.conductance.AttributionResult;
import dev.galvani.attribution.report.HeatMaps;
import dev.galvani.attribution.report.Report;
import dev.galvani.attribution.stats.Ranking;
import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;
import dev.galvani.models.io.Json;
import dev.galvani.models.io.NpyWriter;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one attribution run gives back, laid out once for every front end: the JSON document of
 * docs/output-schema.md (schema version {@value #SCHEMA_VERSION}: settings, shapes, class names,
 * units, and per example the target, F(x), F(x'), each layer's per-filter scores and conservation
 * delta), per-unit arrays inline or as CSV or {@code .npy} files, a text model's score per token,
 * an image model's map per example ({@value #MAPS_FILE}), a page that draws them, and a summary
 * for a terminal.
 *
 * <pre>{@code
 * AttributionResult r = AttributionMethod.INTEGRATED_GRADIENTS.configure(new LayerConductance(net).steps(50)).attribute(x);
 * new AttributionOutput(AttributionMethod.INTEGRATED_GRADIENTS, r).examples(x, names, labels, null).write(Path.of("out"));
 * }</pre>
 */
public final class AttributionOutput {
    /** Raised when a field is renamed, removed or changes meaning; adding a field keeps the version. */
    public static final int SCHEMA_VERSION = 1;
    public static final String JSON_FILE = "attribution.json";
    public static final String MAPS_FILE = "input_maps.npy";

    /** How per-unit arrays are written: inline in the JSON, or one CSV or .npy file per layer beside it. */
    public enum ArrayFormat {
        JSON, CSV, NPY;

        public static ArrayFormat parse(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "json" -> JSON;
                case "csv" -> CSV;
                case "npy" -> NPY;
                default -> throw new GalvaniException("--format must be json, csv or npy, got '" + s + "'");
            };
        }

        String extension() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final AttributionMethod method;
    private final AttributionResult r;
    private final Map<String, Object> settings = new LinkedHashMap<>();
    private String checkpoint, architecture;
    private List<String> classes = List.of();
    private Tensor inputs;
    private List<String> descriptions;
    private int[] labels;
    private List<String[]> tokens;
    private boolean perUnit;
    private ArrayFormat format = ArrayFormat.JSON;

    public AttributionOutput(AttributionMethod method, AttributionResult result) {
        this.method = method;
        this.r = result;
        if (method.onPath()) {
            settings.put("steps", r.steps());
            settings.put("quadrature", r.method().captumName());
            settings.put("discretisation", r.discretisation().name().toLowerCase(Locale.ROOT));
        }
        if (method.usesTarget()) settings.put("target_output", r.target().label());
    }

    /** Where the model came from, and its class names (index = class). */
    public AttributionOutput model(String checkpoint, String architecture, List<String> classNames) {
        this.checkpoint = checkpoint;
        this.architecture = architecture;
        this.classes = classNames == null ? List.of() : classNames;
        return this;
    }

    /**
     * The examples attributed: the model inputs ([N, ...]; images are drawn from them), one line
     * describing each, their labels (−1 when unknown, or null), and a text model's tokens (else null).
     */
    public AttributionOutput examples(Tensor inputs, List<String> descriptions, int[] labels, List<String[]> tokens) {
        int n = r.examples();
        if (descriptions != null && descriptions.size() != n || labels != null && labels.length != n || tokens != null && tokens.size() != n) {
            throw new GalvaniException("the examples described do not match the " + n + " attributed");
        }
        this.inputs = inputs;
        this.descriptions = descriptions;
        this.labels = labels;
        this.tokens = tokens;
        return this;
    }

    /** Any further setting recorded under {@code settings} (baseline, path start, preprocessing...). */
    public AttributionOutput setting(String key, Object value) {
        settings.put(key, value);
        return this;
    }

    /** Also every unit's score (not only per filter), in this format. */
    public AttributionOutput perUnit(boolean on, ArrayFormat format) {
        this.perUnit = on;
        this.format = format;
        return this;
    }

    public AttributionMethod method() {
        return method;
    }

    public AttributionResult result() {
        return r;
    }

    private boolean text() {
        return tokens != null;
    }

    private boolean images() {
        return method == AttributionMethod.INTEGRATED_GRADIENTS && !text() && r.integratedGradients().dim() == 4;
    }

    private String className(int c) {
        return c >= 0 && c < classes.size() ? classes.get(c) : "class " + c;
    }

    private String description(int i) {
        return descriptions != null ? descriptions.get(i) : "example " + i;
    }

    /** The JSON document (docs/output-schema.md); arrays written to files are named, not included. */
    public Map<String, Object> json() {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("schema_version", SCHEMA_VERSION);
        j.put("method", method.key());
        j.put("units", method.units(r.target()));
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("checkpoint", checkpoint);
        model.put("architecture", architecture);
        model.put("classes", classes);
        j.put("model", model);
        j.put("settings", settings);
        if (method == AttributionMethod.INTEGRATED_GRADIENTS) {
            Tensor ig = r.integratedGradients();
            Map<String, Object> in = new LinkedHashMap<>();
            in.put("kind", text() ? "tokens" : ig.dim() == 4 ? "image" : "tensor");
            in.put("shape", perExample(ig.shape()));
            if (images()) in.put("maps", file(MAPS_FILE, "npy", r.inputMaps().shape()));
            if (perUnit && format != ArrayFormat.JSON) in.put("per_unit", file(arrayFile("input"), format.extension(), ig.shape()));
            j.put("input", in);
        }
        Map<String, Object> layers = new LinkedHashMap<>();
        for (String l : method.scoresLayers() ? r.layers().keySet() : List.<String>of()) {
            Tensor s = method.scores(r.layer(l));
            Map<String, Object> lj = new LinkedHashMap<>();
            lj.put("shape", perExample(s.shape()));
            lj.put("filters", s.dim() > 1 ? s.size(1) : 1);
            if (perUnit && format != ArrayFormat.JSON) lj.put("per_unit", file(arrayFile(l), format.extension(), s.shape()));
            layers.put(l, lj);
        }
        if (method.scoresLayers()) j.put("layers", layers);
        List<Object> examples = new ArrayList<>();
        for (int i = 0; i < r.examples(); i++) examples.add(example(i));
        j.put("examples", examples);
        return j;
    }

    private Map<String, Object> example(int i) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("index", i);
        e.put("description", description(i));
        int label = labels == null ? -1 : labels[i];
        e.put("label", label >= 0 ? label : null);
        e.put("label_name", label >= 0 ? className(label) : null);
        e.put("target", r.classes()[i]);
        e.put("target_name", className(r.classes()[i]));
        e.put("F", r.f()[i]);
        e.put("F_baseline", r.fBaseline()[i]);
        if (method == AttributionMethod.INTEGRATED_GRADIENTS) {
            Map<String, Object> in = new LinkedHashMap<>();
            in.put("total", r.inputTotals()[i]);
            in.put("delta", r.inputDelta()[i]);
            in.put("relative_delta", r.relativeInputDelta()[i]);
            if (text()) {
                in.put("tokens", List.of(tokens.get(i)));
                in.put("token_scores", tokenScores(i));
            }
            if (perUnit && format == ArrayFormat.JSON) in.put("per_unit", row(r.integratedGradients(), i));
            e.put("input", in);
        }
        if (method.scoresLayers()) {
            Map<String, Object> ls = new LinkedHashMap<>();
            for (String l : r.layers().keySet()) {
                Tensor s = method.scores(r.layer(l));
                Map<String, Object> lj = new LinkedHashMap<>();
                lj.put("per_filter", row(AttributionResult.Layer.perFilter(s), i));
                if (method.conserves()) {
                    lj.put("total", r.layer(l).totals()[i]);
                    lj.put("delta", r.delta(l)[i]);
                    lj.put("relative_delta", r.relativeDelta(l)[i]);
                }
                if (perUnit && format == ArrayFormat.JSON) lj.put("per_unit", row(s, i));
                ls.put(l, lj);
            }
            e.put("layers", ls);
        }
        return e;
    }

    /** Example i's score per token (its real tokens, not the padding), summed over the embedding. */
    public double[] tokenScores(int i) {
        if (!text()) throw new GalvaniException("token scores are for text models' integrated gradients");
        Tensor t = r.tokenScores();
        double[] s = new double[Math.min(tokens.get(i).length, t.size(1))];
        for (int j = 0; j < s.length; j++) s[j] = t.get(i, j);
        return s;
    }

    /**
     * Writes {@value #JSON_FILE}, the array files and {@code index.html} into {@code dir} (replaced
     * as a whole once complete: see {@link Report}); returns the JSON file's path.
     */
    public Path write(Path dir) {
        Report rep = new Report(title(), dir);
        if (images()) NpyWriter.write(rep.newFile(MAPS_FILE), r.inputMaps());
        if (perUnit && format != ArrayFormat.JSON) {
            if (method == AttributionMethod.INTEGRATED_GRADIENTS) writeArray(rep, "input", r.integratedGradients());
            if (method.scoresLayers()) for (String l : r.layers().keySet()) writeArray(rep, l, method.scores(r.layer(l)));
        }
        rep.file(JSON_FILE, Json.pretty(json()));
        page(rep);
        return rep.write().resolveSibling(JSON_FILE);
    }

    private String title() {
        String name = switch (method) {
            case CONDUCTANCE -> "Conductance";
            case INTEGRATED_GRADIENTS -> "Integrated gradients";
            case INTERNAL_INFLUENCE -> "Internal influence";
            case GRADIENT_X_ACTIVATION -> "Gradient × activation";
            case ACTIVATION -> "Activations";
        };
        return name + (architecture != null ? " of " + architecture : "");
    }

    private void page(Report rep) {
        rep.paragraph((architecture != null ? architecture : "model") + (checkpoint != null ? " from " + checkpoint : "") + "; "
                + (method.usesTarget() ? "F is each example's target class's " + r.target().label() + "; " : "")
                + (method.onPath() ? String.format(Locale.ROOT, "%d %s steps, %s discretisation; ", r.steps(), r.method().captumName(),
                        r.discretisation().name().toLowerCase(Locale.ROOT)) : "")
                + "scores in " + method.units(r.target()) + ". Every number is in " + JSON_FILE + " (docs/output-schema.md).");
        List<List<Object>> rows = new ArrayList<>();
        double[] totals = method == AttributionMethod.INTEGRATED_GRADIENTS ? r.inputTotals() : null;
        for (int i = 0; i < r.examples(); i++) {
            List<Object> row = new ArrayList<>(List.of(i, description(i), className(r.classes()[i]), (double) r.f()[i], (double) r.fBaseline()[i]));
            if (totals != null) {
                row.add(totals[i]);
                row.add(r.relativeInputDelta()[i]);
            }
            rows.add(row);
        }
        List<String> header = new ArrayList<>(List.of("example", "input", "target", "F(x)", "F(x')"));
        if (totals != null) header.addAll(List.of("Σ IG", "relative delta"));
        rep.table("Examples", "examples", header, rows);
        if (images()) {
            Tensor maps = r.inputMaps();
            int n = maps.size(0), h = maps.size(1), w = maps.size(2);
            List<HeatMaps.Panel> panels = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                panels.add(new HeatMaps.Panel(gray(i, h * w), Arrays.copyOfRange(maps.data(), i * h * w, (i + 1) * h * w),
                        labels != null && labels[i] >= 0 ? String.format(Locale.ROOT, "%d: %s → %s", i, className(labels[i]), className(r.classes()[i]))
                                : String.format(Locale.ROOT, "%d: target %s", i, className(r.classes()[i]))));
            }
            rep.image("Each input (titled true class → target class) beside its integrated gradients summed over channels, on one colour scale: "
                            + "red pixels raise F, blue ones lower it; the maps are in " + MAPS_FILE,
                    HeatMaps.draw(panels, h, w, Math.max(2, Math.min(7, 196 / Math.max(h, w))), 2, "integrated gradients (" + method.units(r.target()) + ")"));
        }
        if (method == AttributionMethod.INTEGRATED_GRADIENTS && text()) {
            List<double[]> scores = new ArrayList<>();
            List<String> notes = new ArrayList<>();
            for (int i = 0; i < r.examples(); i++) {
                scores.add(tokenScores(i));
                notes.add(String.format(Locale.ROOT, "target %s; Σ = %.3g, F(x) − F(x') = %.3g", className(r.classes()[i]), totals[i], r.gap()[i]));
            }
            rep.words("Every word coloured by its integrated gradients summed over the embedding, one scale for all: red words push towards "
                            + "the target class, blue ones against it", "token_scores",
                    tokens, scores, notes, "integrated gradients (" + method.units(r.target()) + ")");
        }
        if (method.scoresLayers()) {
            for (String l : r.layers().keySet()) {
                Tensor pf = AttributionResult.Layer.perFilter(method.scores(r.layer(l)));
                double[] mean = new double[pf.size(1)];
                for (int i = 0; i < pf.size(0); i++) for (int c = 0; c < mean.length; c++) mean[c] += pf.get(i, c) / pf.size(0);
                rep.heading(l);
                rep.figure(l + ": mean " + method.key() + " per filter over the " + pf.size(0) + " examples",
                        Report.rankedBars(l, "filter", method.key() + " (" + method.units(r.target()) + ")", mean, 12, 6));
                if (method.conserves()) {
                    rep.paragraph(String.format(Locale.ROOT, "Summed over the layer, conductance should equal F(x) − F(x') when every path from the "
                            + "input to the output crosses it (docs/methods.md §1.8): median relative delta %.2e over the examples.", Ranking.median(r.relativeDelta(l))));
                }
            }
        }
    }

    /** Example i's input as one grey image (the mean over channels), for drawing beside its map. */
    private float[] gray(int i, int hw) {
        if (inputs == null || inputs.dim() != 4) return new float[hw];
        int c = inputs.size(1);
        float[] d = inputs.data(), g = new float[hw];
        for (int ch = 0; ch < c; ch++) {
            int from = (i * c + ch) * hw;
            for (int p = 0; p < hw; p++) g[p] += d[from + p] / c;
        }
        return g;
    }

    /** A few lines for a terminal: per example its target, F and conservation, its tokens' scores, or each layer's top filters. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        String units = method.units(r.target());
        sb.append(method.key()).append(architecture != null ? " of " + architecture : "").append(": ");
        if (method.usesTarget()) sb.append("F = the target class's ").append(r.target().label()).append("; ");
        if (method.onPath()) sb.append(r.steps()).append(' ').append(r.method().captumName()).append(" steps; ");
        sb.append("scores in ").append(units).append('\n');
        double[] igTotals = method == AttributionMethod.INTEGRATED_GRADIENTS ? r.inputTotals() : null;
        for (int i = 0; i < r.examples(); i++) {
            sb.append(String.format(Locale.ROOT, "%s: target %s (%d), F(x) %.4g, F(x') %.4g", description(i), className(r.classes()[i]),
                    r.classes()[i], r.f()[i], r.fBaseline()[i]));
            if (igTotals != null) sb.append(String.format(Locale.ROOT, "; Σ %.4g, relative delta %.1e", igTotals[i], r.relativeInputDelta()[i]));
            sb.append('\n');
            if (igTotals != null && text()) {
                double[] s = tokenScores(i);
                int width = 4;
                for (String t : tokens.get(i)) width = Math.max(width, t.length());
                for (int j = 0; j < s.length; j++) sb.append(String.format(Locale.ROOT, "    %-" + width + "s %+.4f%n", tokens.get(i)[j], s[j]));
            }
            if (method.scoresLayers()) {
                for (String l : r.layers().keySet()) {
                    double[] pf = row(AttributionResult.Layer.perFilter(method.scores(r.layer(l))), i);
                    int[] order = Ranking.argsortDescending(pf);
                    StringBuilder top = new StringBuilder();
                    for (int k = 0; k < Math.min(3, order.length); k++) top.append(k > 0 ? ", " : "").append(order[k])
                            .append(String.format(Locale.ROOT, " %+.3g", pf[order[k]]));
                    sb.append("    ").append(l).append(": ");
                    if (method.conserves()) sb.append(String.format(Locale.ROOT, "Σ %.4g, relative delta %.1e; ", r.layer(l).totals()[i], r.relativeDelta(l)[i]));
                    sb.append("top filters ").append(top).append('\n');
                }
            }
        }
        return sb.toString();
    }

    private void writeArray(Report rep, String name, Tensor t) {
        Path p = rep.newFile(arrayFile(name));
        if (format == ArrayFormat.NPY) {
            NpyWriter.write(p, t);
            return;
        }
        // Long format, one row per example and unit: the unit's channel (axis 1) and its flat C-order index within the example.
        int n = t.size(0), per = t.numel() / n, c = t.dim() > 1 ? t.size(1) : 1, perChannel = per / c;
        StringBuilder sb = new StringBuilder("example,channel,index,score\n");
        float[] d = t.data();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < per; j++) {
                sb.append(i).append(',').append(j / perChannel).append(',').append(j).append(',').append(d[i * per + j]).append('\n');
            }
        }
        rep.file(arrayFile(name), sb.toString());
    }

    private String arrayFile(String name) {
        return name + ".per_unit." + format.extension();
    }

    private static Map<String, Object> file(String name, String format, int[] shape) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("file", name);
        f.put("format", format);
        f.put("shape", shape);
        return f;
    }

    private static int[] perExample(int[] shape) {
        return Arrays.copyOfRange(shape, 1, shape.length);
    }

    static double[] row(Tensor t, int i) {
        int per = t.numel() / t.size(0);
        double[] out = new double[per];
        float[] d = t.data();
        for (int j = 0; j < per; j++) out[j] = d[i * per + j];
        return out;
    }
}
