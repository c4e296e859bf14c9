package dev.galvani.models.io;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How an image file becomes a model input, following torchvision's ImageNet evaluation transform
 * ({@code Resize(256)}, {@code CenterCrop(224)}, {@code ToTensor()}, {@code Normalize(mean, std)}):
 * the shorter side is resized to {@code shorterSide} (default: the crop's larger side × 256/224,
 * rounded) with PIL's antialiased bilinear filter (a triangle filter stretched by the shrink
 * factor), the centre is cropped to the model's input size, pixels are scaled to [0, 1] and
 * normalised per channel. 3-channel models default to the ImageNet mean and standard deviation,
 * others to mean 0 and deviation 1.
 *
 * <p>PNG and JPEG are read by ImageIO. Grey images are repeated into three channels for an RGB
 * model (PIL's {@code convert('RGB')}); a colour image for a one-channel model is accepted only
 * when it is grey in fact (R = G = B everywhere). Alpha is dropped.
 */
public record Preprocessing(Integer shorterSide, float[] mean, float[] std) {
    public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    public static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};
    public static final String INTERPOLATION = "bilinear, antialiased (PIL's resampling filter)";

    /** The defaults for a model with this many channels, with any of the given overrides (null: default). */
    public static Preprocessing of(int channels, Integer shorterSide, float[] mean, float[] std) {
        float[] m = mean != null ? mean : channels == 3 ? IMAGENET_MEAN : new float[] {0f};
        float[] s = std != null ? std : channels == 3 ? IMAGENET_STD : new float[] {1f};
        if (m.length != 1 && m.length != channels) throw new GalvaniException("--mean has " + m.length + " values; the model has " + channels + " channels");
        if (s.length != 1 && s.length != channels) throw new GalvaniException("--std has " + s.length + " values; the model has " + channels + " channels");
        for (float v : s) if (!(v > 0)) throw new GalvaniException("--std values must be positive, got " + v);
        if (shorterSide != null && shorterSide < 1) throw new GalvaniException("--resize must be positive, got " + shorterSide);
        return new Preprocessing(shorterSide, m, s);
    }

    /** The shorter side images are resized to, for a crop of h x w. */
    public int resizeFor(int h, int w) {
        return shorterSide != null ? shorterSide : Math.round(Math.max(h, w) * 256f / 224f);
    }

    /** What was done, for the outputs' records. */
    public Map<String, Object> describe(int h, int w) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("resize_shorter_side", resizeFor(h, w));
        d.put("interpolation", INTERPOLATION);
        d.put("center_crop", List.of(h, w));
        d.put("scale", "pixels / 255");
        d.put("mean", floats(mean));
        d.put("std", floats(std));
        return d;
    }

    private static List<Double> floats(float[] v) {
        List<Double> l = new java.util.ArrayList<>();
        for (float f : v) l.add((double) f);
        return l;
    }

    /** Reads an image file into [1, channels, h, w]. */
    public Tensor load(Path file, int channels, int h, int w) {
        if (!Files.isRegularFile(file)) throw new GalvaniException(file + ": no such file");
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new GalvaniException(file + ": cannot decode the image (" + e.getMessage() + ")");
        }
        if (img == null) throw new GalvaniException(file + ": not a PNG or JPEG image");
        return apply(file.toString(), img, channels, h, w);
    }

    /** Converts a decoded image; {@code name} names it in errors. */
    public Tensor apply(String name, BufferedImage img, int channels, int h, int w) {
        float[][] planes = planes(img);                // [c][H * W] in [0, 1]
        int iw = img.getWidth(), ih = img.getHeight();
        if (channels == 3 && planes.length == 1) planes = new float[][] {planes[0], planes[0], planes[0]};
        if (channels == 1 && planes.length == 3) {
            for (int i = 0; i < planes[0].length; i++) {
                if (planes[0][i] != planes[1][i] || planes[0][i] != planes[2][i]) {
                    throw new GalvaniException(name + ": a colour image, and the model takes 1 channel (grey); convert the image to grey first");
                }
            }
            planes = new float[][] {planes[0]};
        }
        if (channels != planes.length) {
            throw new GalvaniException(name + ": the model takes " + channels + " channels and an image gives 1 or 3; pass a .npy array instead");
        }
        // Resize the shorter side (torchvision: the longer side is truncated, not rounded), then crop the centre.
        int s = resizeFor(h, w);
        int nw = iw <= ih ? s : (int) ((long) s * iw / ih), nh = iw <= ih ? (int) ((long) s * ih / iw) : s;
        if (nw < w || nh < h) throw new GalvaniException(name + ": resized to " + nw + "x" + nh + ", smaller than the model's " + w + "x" + h + " input; raise --resize");
        int top = Math.round((nh - h) / 2f), left = Math.round((nw - w) / 2f);
        float[] out = new float[channels * h * w];
        for (int c = 0; c < channels; c++) {
            float[] r = resize(planes[c], iw, ih, nw, nh);
            float m = mean[mean.length == 1 ? 0 : c], sd = std[std.length == 1 ? 0 : c];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) out[(c * h + y) * w + x] = (r[(top + y) * nw + left + x] - m) / sd;
            }
        }
        return new Tensor(out, 1, channels, h, w);
    }

    /** Grey images as one plane, others as R, G, B planes, in [0, 1] (no colour-space conversion of grey). */
    static float[][] planes(BufferedImage img) {
        int w = img.getWidth(), h = img.getHeight();
        if (img.getColorModel().getNumColorComponents() == 1) {
            Raster r = img.getRaster();
            float max = (1 << img.getColorModel().getComponentSize(0)) - 1;
            float[] g = new float[w * h];
            for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) g[y * w + x] = r.getSample(x, y, 0) / max;
            return new float[][] {g};
        }
        float[][] p = new float[3][w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = img.getRGB(x, y);
                p[0][y * w + x] = ((rgb >> 16) & 255) / 255f;
                p[1][y * w + x] = ((rgb >> 8) & 255) / 255f;
                p[2][y * w + x] = (rgb & 255) / 255f;
            }
        }
        return p;
    }

    /**
     * PIL's separable bilinear resampling (Image.resize with BILINEAR): each output pixel is a
     * normalised triangle-weighted sum of the input pixels within {@code max(1, scale)} of its
     * centre in input coordinates, {@code scale = in / out}; widening the filter when shrinking
     * is what antialiases. Horizontal pass, then vertical.
     */
    static float[] resize(float[] src, int w, int h, int nw, int nh) {
        if (w == nw && h == nh) return src;
        float[] tmp = new float[nw * h];
        for (int y = 0; y < h; y++) pass(src, y * w, 1, w, tmp, y * nw, 1, nw);
        float[] out = new float[nw * nh];
        for (int x = 0; x < nw; x++) pass(tmp, x, nw, h, out, x, nw, nh);
        return out;
    }

    /** One axis: {@code n} samples at {@code off + i * stride} resampled to {@code m} at {@code dOff + j * dStride}. */
    private static void pass(float[] src, int off, int stride, int n, float[] dst, int dOff, int dStride, int m) {
        double scale = (double) n / m, fscale = Math.max(scale, 1.0), support = fscale; // bilinear support 1
        for (int j = 0; j < m; j++) {
            double center = (j + 0.5) * scale;
            int lo = (int) Math.max(0, Math.floor(center - support + 0.5)), hi = (int) Math.min(n, Math.floor(center + support + 0.5));
            double sum = 0, norm = 0;
            for (int i = lo; i < hi; i++) {
                double t = Math.abs((i - center + 0.5) / fscale), wt = t < 1 ? 1 - t : 0;
                sum += wt * src[off + i * stride];
                norm += wt;
            }
            dst[dOff + j * dStride] = (float) (norm == 0 ? 0 : sum / norm);
        }
    }
}
