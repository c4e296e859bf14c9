package dev.galvani.models.onnx;

/**
 * Turns one ONNX node (its attributes and constant inputs) into the function that computes it
 * with engine ops (onnx2torch's per-op converters). Converters are registered in
 * {@link Converters} by op type and opset range, grouped in files by op family
 * ({@code models.onnx.ops}); a converter rejects what it cannot import with {@link OnnxNode#error}.
 */
@FunctionalInterface
public interface Converter {
    NodeFunction convert(OnnxNode node);
}
