package dev.galvani.attribution.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A figure of inputs, each beside its attribution map, on one colour scale shared by every map
 * with a colour bar, so that maps can be compared with each other: a darker red in one image means
 * a larger contribution than a paler red in another. The scale is symmetric about zero and ends at
 * the {@link #QUANTILE} quantile of |a| over all maps, so that a handful of extreme pixels do not
 * wash the rest out; the few beyond it take the end colours.
 */
public final class HeatMaps {
    private HeatMaps() {}

    /** One example: its input (grayscale, row-major h x w), its map (same size), and a title. */
    public record Panel(float[] input, float[] map, String title) {}

    /** Where the colour scale ends: this quantile of |a| over all maps. */
    public static final double QUANTILE = 0.995;

    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
    private static final Font TICK = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    private static final int GAP = 8, PAIR_GAP = 28, TITLE_H = 24, ROW_GAP = 14, MARGIN = 12, BAR_W = 18;

    /**
     * Draws the panels {@code columns} pairs to a row, each map {@code scale} screen pixels per
     * input pixel, with a vertical colour bar labelled {@code scaleLabel} on the right.
     */
    public static BufferedImage draw(List<Panel> panels, int h, int w, int scale, int columns, String scaleLabel) {
        List<float[]> maps = new ArrayList<>();
        for (Panel p : panels) maps.add(p.map());
        double s = DivergingPalette.sharedScale(maps, QUANTILE);
        int pw = w * scale, ph = h * scale, pairW = 2 * pw + GAP;
        int rows = (panels.size() + columns - 1) / columns;
        int barArea = 110;
        int width = 2 * MARGIN + columns * pairW + (columns - 1) * PAIR_GAP + barArea;
        int height = 2 * MARGIN + rows * (TITLE_H + ph) + (rows - 1) * ROW_GAP;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        for (int i = 0; i < panels.size(); i++) {
            Panel p = panels.get(i);
            int x0 = MARGIN + (i % columns) * (pairW + PAIR_GAP), y0 = MARGIN + (i / columns) * (TITLE_H + ph + ROW_GAP);
            g.setColor(Color.BLACK);
            g.setFont(TITLE);
            g.drawString(p.title(), x0, y0 + TITLE_H - 7);
            drawGray(img, p.input(), h, w, scale, x0, y0 + TITLE_H);
            drawMap(img, p.map(), s, h, w, scale, x0 + pw + GAP, y0 + TITLE_H);
            g.setColor(new Color(180, 180, 180));
            g.drawRect(x0 - 1, y0 + TITLE_H - 1, pw + 1, ph + 1);
            g.drawRect(x0 + pw + GAP - 1, y0 + TITLE_H - 1, pw + 1, ph + 1);
        }
        colourBar(g, s, width - barArea + 16, MARGIN + TITLE_H, Math.min(height - 2 * MARGIN - TITLE_H, 2 * ph), scaleLabel);
        g.dispose();
        return img;
    }

    private static void drawGray(BufferedImage img, float[] v, int h, int w, int scale, int x0, int y0) {
        float lo = Float.MAX_VALUE, hi = -Float.MAX_VALUE;
        for (float x : v) {
            lo = Math.min(lo, x);
            hi = Math.max(hi, x);
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int c = Math.round(255 * (v[y * w + x] - lo) / Math.max(hi - lo, 1e-12f));
                fill(img, x0 + x * scale, y0 + y * scale, scale, (c << 16) | (c << 8) | c);
            }
        }
    }

    private static void drawMap(BufferedImage img, float[] v, double s, int h, int w, int scale, int x0, int y0) {
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) fill(img, x0 + x * scale, y0 + y * scale, scale, DivergingPalette.color(v[y * w + x] / s).getRGB());
        }
    }

    private static void fill(BufferedImage img, int x0, int y0, int scale, int rgb) {
        for (int dy = 0; dy < scale; dy++) for (int dx = 0; dx < scale; dx++) img.setRGB(x0 + dx, y0 + dy, rgb);
    }

    /** A vertical bar from +s (top) to −s (bottom) with five ticks and a rotated label. */
    private static void colourBar(Graphics2D g, double s, int x, int y, int height, String label) {
        for (int i = 0; i < height; i++) {
            g.setColor(DivergingPalette.color(1 - 2.0 * i / (height - 1)));
            g.drawLine(x, y + i, x + BAR_W, y + i);
        }
        g.setColor(Color.DARK_GRAY);
        g.setStroke(new BasicStroke(1f));
        g.drawRect(x, y, BAR_W, height - 1);
        g.setFont(TICK);
        FontMetrics fm = g.getFontMetrics();
        for (int k = 0; k <= 4; k++) {
            double v = s * (1 - k / 2.0);
            int ty = y + (int) Math.round(k * (height - 1) / 4.0);
            g.drawLine(x + BAR_W, ty, x + BAR_W + 4, ty);
            g.drawString(tick(v), x + BAR_W + 7, ty + fm.getAscent() / 2 - 1);
        }
        AffineTransform old = g.getTransform();
        g.rotate(-Math.PI / 2);
        g.drawString(label, -(y + height / 2 + fm.stringWidth(label) / 2), x - 6);
        g.setTransform(old);
    }

    static String tick(double v) {
        if (v == 0) return "0";
        return String.format(Locale.ROOT, Math.abs(v) >= 0.01 && Math.abs(v) < 1000 ? "%+.3g" : "%+.2e", v);
    }
}
