package dev.galvani.attribution.report;

import dev.galvani.engine.GalvaniException;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * An HTML report with PNG figures (XChart), and every table also as CSV, written to a directory.
 * Files go to a temporary sibling directory first and replace the target only once complete, so a
 * failed run never leaves a half-written report over a good one; the target must be absent, empty
 * or an earlier report ({@link #checkReplaceable}).
 */
public final class Report {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    private final String title;
    private final Path dir;
    private final Path tmp;
    private final StringBuilder body = new StringBuilder();
    private int figures;

    public Report(String title, Path dir) {
        this.title = title;
        this.dir = dir.toAbsolutePath().normalize();
        checkReplaceable(dir);
        try {
            Path parent = this.dir.getParent();
            if (parent != null) Files.createDirectories(parent);
            this.tmp = Files.createTempDirectory(parent, this.dir.getFileName() + ".tmp-");
        } catch (IOException e) {
            throw new GalvaniException("cannot create report directory " + dir + ": " + e.getMessage());
        }
    }

    /**
     * Fails unless {@code dir} is absent, empty, or an earlier report (it holds an index.html): a
     * report replaces its directory as a whole, and must not take a file or a folder of other work with it.
     */
    public static void checkReplaceable(Path dir) {
        if (!Files.exists(dir)) return;
        if (!Files.isDirectory(dir)) throw new GalvaniException(dir + " is a file; a report needs a folder (give another --out)");
        if (Files.exists(dir.resolve("index.html"))) return;
        try (Stream<Path> s = Files.list(dir)) {
            if (s.findAny().isPresent()) {
                throw new GalvaniException("refusing to replace " + dir + ": it holds files but no index.html of an earlier report (give another --out)");
            }
        } catch (IOException e) {
            throw new GalvaniException("cannot read " + dir + ": " + e.getMessage());
        }
    }

    public Path directory() {
        return dir;
    }

    public Report heading(String text) {
        body.append("<h2>").append(esc(text)).append("</h2>\n");
        return this;
    }

    public Report paragraph(String text) {
        body.append("<p>").append(esc(text)).append("</p>\n");
        return this;
    }

    /** Raw, trusted HTML (for small hand-built fragments). */
    public Report html(String html) {
        body.append(html).append('\n');
        return this;
    }

    /** A table in the page and as {@code <slug>.csv}. Cells: numbers are formatted to 4 significant digits. */
    public Report table(String caption, String csvName, List<String> header, List<List<Object>> rows) {
        StringBuilder csv = new StringBuilder(String.join(",", header.stream().map(Report::csvCell).toList())).append('\n');
        body.append("<table><caption>").append(esc(caption)).append("</caption>\n<tr>");
        for (String h : header) body.append("<th>").append(esc(h)).append("</th>");
        body.append("</tr>\n");
        for (List<Object> row : rows) {
            body.append("<tr>");
            List<String> cells = new ArrayList<>();
            for (Object o : row) {
                body.append("<td>").append(esc(format(o))).append("</td>");
                cells.add(csvCell(o instanceof Double || o instanceof Float ? String.valueOf(o) : String.valueOf(o)));
            }
            csv.append(String.join(",", cells)).append('\n');
            body.append("</tr>\n");
        }
        body.append("</table>\n<p class=\"files\">CSV: <a href=\"").append(csvName).append(".csv\">")
                .append(csvName).append(".csv</a></p>\n");
        writeText(csvName + ".csv", csv.toString());
        return this;
    }

    /**
     * Where to write a file of the report's own (large binary outputs, say): inside the report's
     * temporary directory, so it lands beside index.html when {@link #write()} completes.
     */
    public Path newFile(String name) {
        if (name.contains("/") || name.contains("\\") || name.startsWith(".")) throw new GalvaniException("bad report file name '" + name + "'");
        return tmp.resolve(name);
    }

    /** Any text file beside the report (JSON of every number, say). */
    public Report file(String name, String content) {
        writeText(name, content);
        return this;
    }

    /**
     * Sentences with every word coloured by its score on one scale shared by all of them
     * ({@code ±max |score|}, {@link DivergingPalette}), a legend for the scale, a note after each
     * sentence (or null), and the scores also as {@code <csvName>.csv} (sentence, position, word, score).
     */
    public Report words(String caption, String csvName, List<String[]> sentences, List<double[]> scores, List<String> notes,
                        String scaleLabel) {
        List<float[]> all = new ArrayList<>();
        for (double[] d : scores) {
            float[] f = new float[d.length];
            for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
            all.add(f);
        }
        double s = DivergingPalette.sharedScale(all);
        StringBuilder csv = new StringBuilder("sentence,position,word,score\n");
        body.append("<figure class=\"words\">\n");
        for (int i = 0; i < sentences.size(); i++) {
            String[] w = sentences.get(i);
            double[] sc = scores.get(i);
            body.append("<p>");
            for (int j = 0; j < w.length; j++) {
                double t = sc[j] / s;
                body.append("<span style=\"background:").append(DivergingPalette.css(t))
                        .append(Math.abs(t) > 0.6 ? ";color:#fff" : "").append("\" title=\"")
                        .append(String.format(Locale.ROOT, "%.4g", sc[j])).append("\">").append(esc(w[j])).append("</span> ");
                csv.append(i).append(',').append(j).append(',').append(csvCell(w[j])).append(',').append(sc[j]).append('\n');
            }
            String note = notes == null ? null : notes.get(i);
            if (note != null) body.append("<span class=\"note\">").append(esc(note)).append("</span>");
            body.append("</p>\n");
        }
        body.append("<div class=\"legend\"><span>").append(esc(HeatMaps.tick(-s))).append("</span><span class=\"bar\" style=\"background:")
                .append(DivergingPalette.cssGradient()).append("\"></span><span>").append(esc(HeatMaps.tick(s))).append("</span> ")
                .append(esc(scaleLabel)).append("</div>\n");
        body.append("<figcaption>").append(esc(caption)).append("</figcaption></figure>\n");
        body.append("<p class=\"files\">CSV: <a href=\"").append(csvName).append(".csv\">").append(csvName).append(".csv</a></p>\n");
        writeText(csvName + ".csv", csv.toString());
        return this;
    }

    public Report figure(String caption, Chart<?, ?> chart) {
        String name = String.format(Locale.ROOT, "fig%02d.png", ++figures);
        try {
            BitmapEncoder.saveBitmap(chart, tmp.resolve(name).toString(), BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return imageTag(caption, name);
    }

    public Report image(String caption, BufferedImage img) {
        String name = String.format(Locale.ROOT, "fig%02d.png", ++figures);
        try {
            javax.imageio.ImageIO.write(img, "png", tmp.resolve(name).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return imageTag(caption, name);
    }

    private Report imageTag(String caption, String name) {
        body.append("<figure><img src=\"").append(name).append("\" alt=\"").append(esc(caption))
                .append("\"><figcaption>").append(esc(caption)).append("</figcaption></figure>\n");
        return this;
    }

    // ---- chart builders -----------------------------------------------------------------

    public static CategoryChart bars(String title, String xLabel, String yLabel, List<String> categories, List<String> seriesNames, List<double[]> series) {
        CategoryChart c = new CategoryChartBuilder().width(820).height(420).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        c.getStyler().setLegendVisible(series.size() > 1);
        c.getStyler().setXAxisLabelRotation(categories.size() > 12 ? 90 : 0);
        c.getStyler().setXAxisTicksVisible(categories.size() <= 40);  // hundreds of filters: the axis title says what they are
        for (int i = 0; i < series.size(); i++) {
            c.addSeries(seriesNames.get(i), categories, Arrays.stream(series.get(i)).boxed().toList());
        }
        return c;
    }

    public static XYChart lines(String title, String xLabel, String yLabel, double[] x, List<String> names, List<double[]> ys) {
        XYChart c = new XYChartBuilder().width(820).height(420).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        for (int i = 0; i < ys.size(); i++) c.addSeries(names.get(i), x, ys.get(i));
        return c;
    }

    public static XYChart scatter(String title, String xLabel, String yLabel, List<String> names, List<double[]> xs, List<double[]> ys) {
        XYChart c = new XYChartBuilder().width(820).height(520).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        c.getStyler().setMarkerSize(6);
        for (int i = 0; i < xs.size(); i++) c.addSeries(names.get(i), xs.get(i), ys.get(i)).setMarker(SeriesMarkers.CIRCLE);
        return c;
    }

    /**
     * Units sorted by score, the {@code top} highest and {@code bottom} lowest as bars labelled with
     * their index (positive red, negative blue), and how many lie between them.
     */
    public static CategoryChart rankedBars(String title, String unit, String yLabel, double[] scores, int top, int bottom) {
        int n = scores.length;
        int[] order = dev.galvani.attribution.stats.Ranking.argsortDescending(scores);
        top = Math.min(top, n);
        bottom = Math.min(bottom, n - top);
        int hidden = n - top - bottom;
        List<String> cats = new ArrayList<>();
        List<Double> pos = new ArrayList<>(), neg = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            if (k >= top && k < n - bottom) {
                if (k == top) {
                    cats.add("…");                          // the axis title says how many
                    pos.add(0.0);
                    neg.add(0.0);
                }
                continue;
            }
            double v = scores[order[k]];
            cats.add(Integer.toString(order[k]));
            pos.add(v > 0 ? v : 0.0);
            neg.add(v < 0 ? v : 0.0);
        }
        String x = unit + ", sorted by score: the " + top + " highest" + (bottom > 0 ? " and " + bottom + " lowest" : "") + " of " + n;
        CategoryChart c = new CategoryChartBuilder().width(900).height(420).title(title).xAxisTitle(x).yAxisTitle(yLabel).build();
        c.getStyler().setStacked(true);
        c.getStyler().setLegendVisible(false);
        c.getStyler().setPlotGridVerticalLinesVisible(false);
        c.getStyler().setXAxisLabelRotation(cats.size() > 24 ? 90 : 0);
        c.getStyler().setAxisTickLabelsFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 12));
        c.addSeries("positive", cats, pos).setFillColor(DivergingPalette.color(0.9));
        c.addSeries("negative", cats, neg).setFillColor(DivergingPalette.color(-0.9));
        return c;
    }

    /**
     * A heat map of {@code z[row][col]} on a diverging scale symmetric about zero (blue, white at 0,
     * red), so that a cell with no effect reads as white whatever the range of the others.
     */
    public static HeatMapChart heatmap(String title, String xLabel, String yLabel, List<String> cols, List<String> rows, double[][] z) {
        HeatMapChart c = new HeatMapChartBuilder().width(720).height(560).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        c.getStyler().setShowValue(true);
        c.getStyler().setRangeColors(new Color[] {new Color(49, 54, 149), Color.WHITE, new Color(165, 0, 38)});
        double end = 1e-12;
        for (double[] row : z) for (double x : row) if (Double.isFinite(x)) end = Math.max(end, Math.abs(round(x)));
        c.getStyler().setMin(-end).setMax(end);
        List<Number[]> cells = new ArrayList<>();
        for (int r = 0; r < z.length; r++) {
            for (int col = 0; col < z[r].length; col++) cells.add(new Number[] {col, r, round(z[r][col])});
        }
        List<Integer> xi = new ArrayList<>(), yi = new ArrayList<>();
        for (int i = 0; i < cols.size(); i++) xi.add(i);
        for (int i = 0; i < rows.size(); i++) yi.add(i);
        c.addSeries("z", xi, yi, cells);
        c.setCustomXAxisTickLabelsFormatter(v -> cols.get((int) Math.round(v)));
        c.setCustomYAxisTickLabelsFormatter(v -> rows.get((int) Math.round(v)));
        return c;
    }

    /**
     * Maps (each {@code h x w}, row-major) in a grid of {@code columns}, every one on the same
     * diverging colour scale [−v, v] (blue, white, red; v the largest magnitude over all maps) so
     * that they compare at a glance, each under its label, with a colour bar on the right.
     */
    public static BufferedImage mapGrid(List<float[]> maps, int h, int w, List<String> labels, int columns, int scale) {
        if (maps.isEmpty()) throw new GalvaniException("no maps to draw");
        double vmax = 1e-12;
        for (float[] m : maps) for (float v : m) vmax = Math.max(vmax, Math.abs(v));
        int cols = Math.min(columns, maps.size()), rows = (maps.size() + cols - 1) / cols;
        int pad = 8, label = 16, cw = w * scale, ch = h * scale, bar = 90, slot = Math.max(cw, 110); // room for the label
        int width = pad + cols * (slot + pad) + bar, height = Math.max(pad + rows * (ch + label + pad) + 4, 110);
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = img.createGraphics();
        g.setRenderingHint(java.awt.RenderingHints.KEY_TEXT_ANTIALIASING, java.awt.RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 11));
        for (int i = 0; i < maps.size(); i++) {
            int x0 = pad + (i % cols) * (slot + pad), y0 = pad + (i / cols) * (ch + label + pad);
            g.setColor(Color.DARK_GRAY);
            g.drawString(labels.get(i), x0, y0 + 11);
            float[] m = maps.get(i);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    g.setColor(DivergingPalette.color(m[y * w + x] / vmax));
                    g.fillRect(x0 + x * scale, y0 + label + y * scale, scale, scale);
                }
            }
            g.setColor(new Color(220, 220, 220));
            g.drawRect(x0 - 1, y0 + label - 1, cw + 1, ch + 1);
        }
        // The colour bar: +v at the top, 0 in the middle, −v at the bottom.
        int bx = width - bar + 10, by = pad + label, bh = Math.max(60, height - by - 2 * pad);
        for (int y = 0; y < bh; y++) {
            g.setColor(DivergingPalette.color(1 - 2.0 * y / (bh - 1)));
            g.fillRect(bx, by + y, 14, 1);
        }
        g.setColor(Color.DARK_GRAY);
        g.drawRect(bx, by, 14, bh);
        g.drawString(String.format(Locale.ROOT, "%.2g", vmax), bx + 18, by + 10);
        g.drawString("0", bx + 18, by + bh / 2 + 4);
        g.drawString(String.format(Locale.ROOT, "%.2g", -vmax), bx + 18, by + bh);
        g.dispose();
        return img;
    }

    /** A map in grey levels from its minimum (black) to its maximum (white), scaled up {@code scale} times. */
    public static BufferedImage gray(float[] m, int h, int w, int scale) {
        float lo = Float.MAX_VALUE, hi = -Float.MAX_VALUE;
        for (float v : m) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
        BufferedImage img = new BufferedImage(w * scale, h * scale, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = clamp((m[y * w + x] - lo) / Math.max(hi - lo, 1e-12f)), rgb = (v << 16) | (v << 8) | v;
                for (int dy = 0; dy < scale; dy++) for (int dx = 0; dx < scale; dx++) img.setRGB(x * scale + dx, y * scale + dy, rgb);
            }
        }
        return img;
    }

    private static int clamp(float v) {
        return Math.max(0, Math.min(255, Math.round(v * 255)));
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /** Writes index.html, replaces the target directory, and returns the page's path. */
    public Path write() {
        String html = "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>" + esc(title) + "</title>\n"
                + "<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}"
                + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}"
                + "th{background:#f3f3f3}caption{font-weight:bold;text-align:left;padding:4px 0}"
                + "figure{margin:1em 0}img{max-width:100%;border:1px solid #eee}.files{font-size:85%;color:#666}"
                + ".words p{font-size:17px;line-height:2;margin:.2em 0}.words span{padding:2px 3px;border-radius:3px}"
                + ".words .note{background:none;color:#666;font-size:80%;margin-left:1em}"
                + ".legend{font-size:85%;color:#444;margin:.5em 0}.legend .bar{display:inline-block;width:220px;height:12px;"
                + "vertical-align:middle;margin:0 6px;border:1px solid #ccc}</style>"
                + "</head><body>\n<h1>" + esc(title) + "</h1>\n" + body + "</body></html>\n";
        writeText("index.html", html);
        try {
            if (Files.exists(dir)) deleteTree(dir);
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new GalvaniException("cannot write report to " + dir + ": " + e.getMessage());
        }
        return dir.resolve("index.html");
    }

    private void writeText(String name, String content) {
        try {
            Files.writeString(tmp.resolve(name), content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new GalvaniException("cannot write " + tmp.resolve(name) + ": " + e.getMessage());
        }
    }

    private static void deleteTree(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }

    /** A table cell for a value that may be absent (NaN): the value, or {@code absent} in its place. */
    public static Object valueOr(double v, String absent) {
        return Double.isNaN(v) ? absent : v;
    }

    public static String format(Object o) {
        if (o instanceof Double d) return fmt(d);
        if (o instanceof Float f) return fmt(f);
        return String.valueOf(o);
    }

    private static String fmt(double d) {
        if (Double.isNaN(d)) return "NaN";
        if (d == Math.rint(d) && Math.abs(d) < 1e9) return String.format(Locale.ROOT, "%.0f", d);
        return String.format(Locale.ROOT, Math.abs(d) >= 1e-3 && Math.abs(d) < 1e5 ? "%.4g" : "%.3e", d);
    }

    static String csvCell(Object o) {
        String s = String.valueOf(o);
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
