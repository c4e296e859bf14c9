package dev.galvani.attribution.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.CategoryChart;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ReportTest {
    @TempDir Path dir;

    @Test void everyFileThePageNamesExists() throws Exception {
        Report rep = new Report("test", dir.resolve("rep"));
        rep.heading("h").paragraph("p <&>");
        rep.table("t", "table", List.of("a", "b"), List.of(List.<Object>of(1, 2.5)));
        rep.figure("bars", Report.rankedBars("r", "filter", "score", new double[] {0.1, -0.3, 0.7, 0.2}, 2, 1));
        rep.image("maps", HeatMaps.draw(List.of(new HeatMaps.Panel(new float[4], new float[] {1, -1, 0, 0.5f}, "x")), 2, 2, 3, 1, "a"));
        rep.words("w", "words", List.<String[]>of(new String[] {"not", "bad"}), List.of(new double[] {0.5, -0.25}), List.of("note"), "ig");
        rep.file("all.json", "{}");
        Path page = rep.write();
        List<String> named = ReportFiles.named(page);
        assertTrue(named.containsAll(List.of("table.csv", "fig01.png", "fig02.png", "words.csv")), named.toString());
        assertEquals(List.of(), ReportFiles.missing(page));
        assertTrue(Files.readString(page).contains("p &lt;&amp;&gt;"), "text is escaped");
        assertEquals("sentence,position,word,score\n0,0,not,0.5\n0,1,bad,-0.25\n", Files.readString(page.resolveSibling("words.csv")));
    }

    @Test void aMissingFileIsFound() throws Exception {
        Path page = Files.writeString(Files.createDirectories(dir.resolve("x")).resolve("index.html"),
                "<img src=\"fig01.png\"><a href=\"https://example.org\">w</a><a href=\"#top\">t</a>");
        assertEquals(List.of("fig01.png"), ReportFiles.missing(page));
    }

    @Test void heatMapsCentreTheirScaleOnZero() {
        var c = Report.heatmap("t", "x", "y", List.of("a", "b"), List.of("1", "2"), new double[][] {{0, 0.002}, {0.011, -0.002}});
        assertEquals(-0.011, c.getStyler().getMin(), 1e-12);
        assertEquals(0.011, c.getStyler().getMax(), 1e-12);
    }

    @Test void rankedBarsSortAndLabelTheEnds() {
        CategoryChart c = Report.rankedBars("r", "filter", "score", new double[] {0.1, -0.3, 0.7, 0.2, -0.05, 0.4}, 2, 1);
        @SuppressWarnings("unchecked")
        List<Object> cats = (List<Object>) c.getSeriesMap().get("positive").getXData();
        assertEquals(List.of("2", "5", "…", "1"), cats);
        assertEquals(List.of(0.7, 0.4, 0.0, 0.0), c.getSeriesMap().get("positive").getYData());
        assertEquals(List.of(0.0, 0.0, 0.0, -0.3), c.getSeriesMap().get("negative").getYData());
    }

    @Test void mapsShareOneScaleEndingAtTheQuantile() {
        // Two maps: the same value must get the same colour in both; the largest |a| sets the ends.
        float[] a = {0.5f, -1f, 0f, 0f}, b = {0.5f, 0.25f, 0f, 0f};
        BufferedImage img = HeatMaps.draw(List.of(new HeatMaps.Panel(new float[4], a, "a"), new HeatMaps.Panel(new float[4], b, "b")),
                2, 2, 10, 2, "scale");
        Color first = new Color(pixelOfMap(img, 0, 0, 0)), second = new Color(pixelOfMap(img, 1, 0, 0));
        assertEquals(first, second);
        assertEquals(DivergingPalette.color(0.5), first);
        assertEquals(DivergingPalette.color(-1), new Color(pixelOfMap(img, 0, 1, 0)));
        assertEquals(1.0, DivergingPalette.sharedScale(List.of(a, b), HeatMaps.QUANTILE), 0);
        assertEquals(0.5, DivergingPalette.sharedScale(List.of(a, b), 0.8), 0, "the 80% quantile of |a| over 8 values");
    }

    /** The colour at map pixel (x, y) of panel p, from the layout's constants (margin 12, title 24, scale 10, gap 8, pair gap 28). */
    private static int pixelOfMap(BufferedImage img, int p, int x, int y) {
        int pw = 2 * 10, x0 = 12 + p * (2 * pw + 8 + 28) + pw + 8, y0 = 12 + 24;
        return img.getRGB(x0 + x * 10 + 5, y0 + y * 10 + 5) & 0xffffff;
    }

    @Test void paletteIsWhiteAtZeroAndSymmetric() {
        assertEquals(new Color(247, 247, 247), DivergingPalette.color(0));
        assertEquals(new Color(178, 24, 43), DivergingPalette.color(1));
        assertEquals(new Color(33, 102, 172), DivergingPalette.color(-1));
        assertEquals(DivergingPalette.color(1), DivergingPalette.color(7), "clamped");
        assertEquals("rgb(247,247,247)", DivergingPalette.css(0));
    }
}
