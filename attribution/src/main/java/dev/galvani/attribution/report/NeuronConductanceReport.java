package dev.galvani.attribution.report;

import dev.galvani.attribution.conductance.NeuronConductance;
import dev.galvani.attribution.conductance.NeuronConductanceResult;
import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;
import dev.galvani.models.checkpoint.Safetensors;
import dev.galvani.models.io.Json;
import dev.galvani.models.io.NpyWriter;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes neuron conductance as it is computed, one example at a time: each example's breakdown
 * [selected, ...input shape] as {@code example-<i>.npy} (or all of them in one
 * {@code neuron-conductance.safetensors}), a JSON summary, a CSV of every selection's conductance,
 * and an HTML page with, per example, the input and a grid of the input maps of the top units or
 * filters by conductance on one shared colour scale.
 */
public final class NeuronConductanceReport implements NeuronConductance.Sink {
    /** How the breakdowns are stored. */
    public enum Format {
        NPY, SAFETENSORS;

        /** npy or safetensors. */
        public static Format parse(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "npy" -> NPY;
                case "safetensors" -> SAFETENSORS;
                default -> throw new GalvaniException("--format must be npy or safetensors, got '" + s + "'");
            };
        }
    }

    private final Report report;
    private final Format format;
    private final Tensor inputs;
    private final List<String> descriptions;
    private final int top;
    private final Map<String, Tensor> kept = new LinkedHashMap<>();   // safetensors: all examples
    private final List<Top> tops = new ArrayList<>();

    /** One example's best selections: their positions among the selected and their input maps. */
    private record Top(int[] rows, double[] totals, List<float[]> maps) {}

    /**
     * @param inputs       the path start values, [N, ...] (the images), shown beside the maps
     * @param descriptions one line per example for the page
     * @param top          how many units or filters each example's grid shows
     */
    public NeuronConductanceReport(Path dir, Format format, Tensor inputs, List<String> descriptions, int top) {
        if (top < 1) throw new GalvaniException("--top must be at least 1, got " + top);
        this.report = new Report("Neuron conductance", dir);
        this.format = format;
        this.inputs = inputs;
        this.descriptions = descriptions;
        this.top = top;
    }

    @Override
    public void accept(int example, Tensor breakdown) {
        if (format == Format.NPY) NpyWriter.write(report.newFile(npyName(example)), breakdown);
        else kept.put("example." + example, breakdown);
        int k = breakdown.size(0), per = breakdown.numel() / k;
        double[] totals = new double[k];
        float[] d = breakdown.data();
        for (int q = 0; q < k; q++) {
            double s = 0;
            for (int i = 0; i < per; i++) s += d[q * per + i];
            totals[q] = s;
        }
        Integer[] order = new Integer[k];
        for (int q = 0; q < k; q++) order[q] = q;
        Arrays.sort(order, (a, b) -> Double.compare(totals[b], totals[a]));
        int n = Math.min(top, k);
        int[] rows = new int[n];
        double[] best = new double[n];
        List<float[]> maps = new ArrayList<>();
        for (int j = 0; j < n; j++) {
            rows[j] = order[j];
            best[j] = totals[order[j]];
            maps.add(Arrays.copyOfRange(d, order[j] * per, (order[j] + 1) * per));
        }
        tops.add(new Top(rows, best, maps));
    }

    private static String npyName(int example) {
        return "example-" + example + ".npy";
    }

    /** Writes the page, the summary and the tables, and moves the report into place; returns index.html. */
    public Path finish(NeuronConductanceResult r) {
        if (format == Format.SAFETENSORS) {
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("layer", r.layer());
            meta.put("kind", kindName(r));
            meta.put("indices", Arrays.toString(r.indices()));
            Safetensors.write(report.newFile("neuron-conductance.safetensors"), kept, meta);
        }
        String kind = kindName(r), one = kind.substring(0, kind.length() - 1);
        int[] mapShape = mapShape(r.inputShape());
        String quadrature = r.method().name().toLowerCase(Locale.ROOT).replace("_", "");
        String weights = r.discretisation() == dev.galvani.attribution.conductance.Discretisation.CAPTUM ? "Captum's step sizes" : "the rule's own weights";
        report.paragraph(String.format(Locale.ROOT,
                "How much of each %s's conductance flows through each input element (neuron conductance, Dhamdhere et al. 2018): "
                        + "%s; %s nodes with %s, target %s; %.1f s.",
                one, r.reason(), quadrature, weights, r.target().name().toLowerCase(Locale.ROOT).replace('_', '-'), r.seconds()));
        report.paragraph("Files: " + (format == Format.NPY ? "example-<i>.npy, one per example, each float32 "
                : "neuron-conductance.safetensors, tensor example.<i> per example, each ")
                + "[" + r.indices().length + ", " + join(r.inputShape()) + "]: row q is " + one + " indices[q] of neuron-conductance.json. "
                + "Every map in a grid shares one colour scale (red: flows towards the target, blue: against it).");
        boolean whole = r.indices().length == (r.kind() == NeuronConductance.Kind.UNITS ? product(r.layerShape()) : r.layerShape()[0]);
        List<List<Object>> rows = new ArrayList<>();
        StringBuilder csv = new StringBuilder("example," + one + ",conductance\n");
        List<Object> examples = new ArrayList<>();
        for (int e = 0; e < r.examples(); e++) {
            Top t = tops.get(e);
            report.heading(descriptions.get(e) + String.format(Locale.ROOT, ": class %d, F(x) = %.4g, F(x') = %.4g",
                    r.classes()[e], r.f()[e], r.fBaseline()[e]));
            if (inputs != null && mapShape[0] > 1) {
                report.image("input", Report.gray(mapOf(inputs, e, mapShape), mapShape[0], mapShape[1], 6));
            }
            List<float[]> maps = new ArrayList<>();
            List<String> labels = new ArrayList<>();
            for (int j = 0; j < t.rows.length; j++) {
                maps.add(sumToMap(t.maps.get(j), mapShape));
                labels.add(String.format(Locale.ROOT, "%s %d: %.3g", one, r.indices()[t.rows[j]], t.totals[j]));
                rows.add(List.of(e, j + 1, r.indices()[t.rows[j]], t.totals[j]));
            }
            boolean strip = mapShape[0] == 1; // a sequence: one row of positions, drawn larger
            int scale = strip ? Math.max(4, Math.min(40, 320 / mapShape[1])) : Math.max(2, Math.min(6, 168 / Math.max(mapShape[0], mapShape[1])));
            report.image(String.format(Locale.ROOT, "Input maps of the %d %s of highest conductance, on one colour scale%s", t.rows.length, kind,
                    strip ? " (positions left to right, summed over features)" : ""),
                    Report.mapGrid(maps, mapShape[0], mapShape[1], labels, strip ? 4 : 8, scale));
            double sum = 0;
            for (int q = 0; q < r.indices().length; q++) {
                sum += r.totals()[e][q];
                csv.append(e).append(',').append(r.indices()[q]).append(',').append(r.totals()[e][q]).append('\n');
            }
            if (whole) {
                report.paragraph(String.format(Locale.ROOT, "Summed over all %d %s: %.4g; F(x) − F(x') = %.4g (equal when every path "
                        + "from the input to the output crosses the layer).", r.indices().length, kind, sum, r.gap()[e]));
            }
            Map<String, Object> ex = new LinkedHashMap<>();
            ex.put("input", descriptions.get(e));
            ex.put("class", r.classes()[e]);
            ex.put("F", r.f()[e]);
            ex.put("F_baseline", r.fBaseline()[e]);
            ex.put("conductance", r.totals()[e]);
            if (format == Format.NPY) ex.put("file", npyName(e));
            examples.add(ex);
        }
        report.table("The " + one + "s of highest conductance (every " + one + "'s in conductance.csv)", "top",
                List.of("example", "rank", one, "conductance"), rows);
        report.file("conductance.csv", csv.toString());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("layer", r.layer());
        json.put("kind", kind);
        json.put("indices", r.indices());
        json.put("layer_shape", r.layerShape());
        json.put("input_shape", r.inputShape());
        json.put("mode", r.mode().name().toLowerCase(Locale.ROOT));
        json.put("mode_reason", r.reason());
        json.put("steps", r.steps());
        json.put("quadrature", r.method().name().toLowerCase(Locale.ROOT));
        json.put("discretisation", r.discretisation().name().toLowerCase(Locale.ROOT));
        json.put("target", r.target().name().toLowerCase(Locale.ROOT));
        json.put("seconds", r.seconds());
        json.put("examples", examples);
        report.file("neuron-conductance.json", Json.pretty(json));
        return report.write();
    }

    private static String kindName(NeuronConductanceResult r) {
        return r.kind() == NeuronConductance.Kind.UNITS ? "units" : "filters";
    }

    private static int product(int[] shape) {
        int p = 1;
        for (int v : shape) p *= v;
        return p;
    }

    private static String join(int[] shape) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < shape.length; i++) sb.append(i == 0 ? "" : ", ").append(shape[i]);
        return sb.toString();
    }

    /**
     * The 2-D layout of an input map: [C, H, W] images sum their channels into H x W; a sequence
     * [T, D] (a text model's embedding) sums its features into one row of T; anything else is one row.
     */
    static int[] mapShape(int[] inputShape) {
        if (inputShape.length == 3) return new int[] {inputShape[1], inputShape[2], inputShape[0]};
        int d = 1;
        for (int s : inputShape) d *= s;
        if (inputShape.length == 2) return new int[] {1, inputShape[0], inputShape[1]};
        return new int[] {1, d, 1};
    }

    /** Sums a breakdown row over the map's folded axis ([C, H, W]: channels; [T, D]: features). */
    static float[] sumToMap(float[] row, int[] shape) {
        int h = shape[0], w = shape[1], folded = shape[2];
        float[] m = new float[h * w];
        if (folded == 1) return row.clone();
        boolean channelsFirst = h > 1; // [C, H, W]: channel-major; [T, D]: feature-minor
        for (int f = 0; f < folded; f++) {
            for (int p = 0; p < h * w; p++) m[p] += channelsFirst ? row[f * h * w + p] : row[p * folded + f];
        }
        return m;
    }

    private static float[] mapOf(Tensor inputs, int e, int[] shape) {
        int per = inputs.numel() / inputs.size(0);
        return sumToMap(Arrays.copyOfRange(inputs.data(), e * per, (e + 1) * per), shape);
    }
}
