package dev.galvani.models.data;

import dev.galvani.engine.Tensor;

import java.util.List;
import java.util.Map;

/**
 * Examples to run a model on: the model input {@code x} [N, ...], their labels (−1 when unknown),
 * one line describing each (for reports), a text model's tokens (else null), and how image files
 * were preprocessed (null when none was read).
 */
public record Examples(Tensor x, int[] labels, List<String> descriptions, List<String[]> tokens, Map<String, Object> preprocessing) {
    public Examples(Tensor x, int[] labels, List<String> descriptions, List<String[]> tokens) {
        this(x, labels, descriptions, tokens, null);
    }

    public int size() {
        return x.size(0);
    }
}
