package dev.galvani.models.data;

import dev.galvani.engine.Tensor;

import java.util.List;

/** Examples to attribute: the model input, labels (−1 when unknown), a text form for reports, and a text model's tokens (else null). */
public record Examples(Tensor x, int[] labels, List<String> descriptions, List<String[]> tokens) {}
