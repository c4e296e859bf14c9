package dev.galvani.models;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.Module;
import dev.galvani.models.nets.AlexNetStyle;
import dev.galvani.models.nets.InceptionNet;
import dev.galvani.models.nets.MobileNetV2Style;
import dev.galvani.models.nets.ResNetStyle;
import dev.galvani.models.nets.TextCnn;
import dev.galvani.models.nets.VggStyle;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The architectures by name, built from a name and string hyper-parameters (what a checkpoint's
 * metadata carries), so that a checkpoint alone rebuilds its model. docs/architectures.md
 * describes each precisely enough to write the PyTorch module that loads the same weights.
 */
public final class ModelZoo {
    private ModelZoo() {}

    public static final List<String> IMAGE_MODELS = List.of("inception", "alexnet", "vgg", "mobilenetv2", "resnet");
    public static final List<String> NAMES = List.of("inception", "textcnn", "alexnet", "vgg", "mobilenetv2", "resnet");

    /** Hyper-parameters with defaults filled in. */
    public static Map<String, String> defaults(String arch, Map<String, String> given) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("classes", arch.equals("textcnn") ? "2" : "10");
        h.put("seed", "0");
        switch (arch) {
            case "inception" -> h.put("width", "1.0");
            case "textcnn" -> {
                h.put("vocab", "5000");
                h.put("dim", "128");
                h.put("filters", "100");
                h.put("dropout", "0.5");
                h.put("max_norm", "0");
            }
            default -> { }
        }
        if (!NAMES.contains(arch)) throw new GalvaniException("unknown model '" + arch + "'; choose one of " + String.join(", ", NAMES));
        h.putAll(given);
        return h;
    }

    /** Largest size hyper-parameter accepted (a corrupt or hostile value must not allocate gigabytes). */
    static final int MAX_SIZE = 1 << 20;

    public static Module create(String arch, Map<String, String> hyper) {
        Map<String, String> h = defaults(arch, hyper);
        long seed = parse(h, "seed", Long.MIN_VALUE, Long.MAX_VALUE);
        int classes = (int) parse(h, "classes", 1, MAX_SIZE);
        if (arch.equals("textcnn")) {
            long rows = parse(h, "vocab", 2, MAX_SIZE * 16L) * parse(h, "dim", 1, MAX_SIZE);
            if (rows > Integer.MAX_VALUE) throw new GalvaniException("textcnn: vocab x dim = " + rows + " embedding weights is too many");
            parse(h, "filters", 1, MAX_SIZE);
        }
        if (arch.equals("inception")) {
            double w;
            try {
                w = Double.parseDouble(h.get("width"));
            } catch (NumberFormatException e) {
                w = Double.NaN;
            }
            if (!(w > 0 && w <= 16)) throw new GalvaniException("inception: width must be in (0, 16], got " + h.get("width"));
        }
        return switch (arch) {
            case "inception" -> new InceptionNet(seed, classes, Double.parseDouble(h.get("width")));
            case "textcnn" -> new TextCnn(seed, Integer.parseInt(h.get("vocab")), Integer.parseInt(h.get("dim")),
                    Integer.parseInt(h.get("filters")), classes, Float.parseFloat(h.get("dropout")), Float.parseFloat(h.get("max_norm")));
            case "alexnet" -> new AlexNetStyle(seed, classes);
            case "vgg" -> new VggStyle(seed, classes);
            case "mobilenetv2" -> new MobileNetV2Style(seed, classes);
            case "resnet" -> new ResNetStyle(seed, classes);
            default -> throw new GalvaniException("unknown model '" + arch + "'");
        };
    }

    private static long parse(Map<String, String> h, String key, long min, long max) {
        long v;
        try {
            v = Long.parseLong(h.get(key).trim());
        } catch (NumberFormatException e) {
            throw new GalvaniException("hyper-parameter " + key + " = '" + h.get(key) + "' is not an integer");
        }
        if (v < min || v > max) throw new GalvaniException("hyper-parameter " + key + " = " + v + " is outside " + min + ".." + max);
        return v;
    }

    /** A small example input for shape listings: one 28x28 image, or one 12-token sentence. */
    public static Tensor exampleInput(String arch) {
        return arch.equals("textcnn") ? Tensor.ones(1, 12) : Tensor.zeros(1, 1, 28, 28);
    }
}
