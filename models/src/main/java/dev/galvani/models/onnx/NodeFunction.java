package dev.galvani.models.onnx;

/**
 * What one imported ONNX node computes when the model runs: its first output from its inputs'
 * values ({@link dev.galvani.engine.Tensor} for floats, {@link Ints} for integers; null for an
 * omitted optional input). Built from engine ops, so gradients and tangents flow through it.
 * Stateless: passes on several threads share it.
 */
@FunctionalInterface
public interface NodeFunction {
    Object apply(Object[] inputs);
}
