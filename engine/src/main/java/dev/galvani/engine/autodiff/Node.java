package dev.galvani.engine.autodiff;

import dev.galvani.engine.Tensor;
import dev.galvani.engine.ops.Op;

/** One recorded application of an op: the op (holding what its VJP saved) and its inputs. */
public record Node(Op op, Tensor[] inputs) {}
