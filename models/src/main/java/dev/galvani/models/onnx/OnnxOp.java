package dev.galvani.models.onnx;

import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.Module;

/**
 * The hookable output of one imported ONNX node (TransformerLens' HookPoint): the graph computes
 * the node's value and passes it through this module's {@link #call}, so hooks read, edit or
 * replace it like any module's output.
 */
public final class OnnxOp extends Module {
    private final String opType, onnxName, onnxOutput;
    private final long parameters;

    OnnxOp(String opType, String onnxName, String onnxOutput, long parameters) {
        this.opType = opType;
        this.onnxName = onnxName;
        this.onnxOutput = onnxOutput;
        this.parameters = parameters;
    }

    /** The ONNX op type, e.g. {@code Conv}. */
    public String opType() {
        return opType;
    }

    /** The node's name in the file ({@code /inception4d/Concat}). */
    public String onnxName() {
        return onnxName;
    }

    /** The name of the node's output value in the file ({@code /inception4d/Concat_output_0}). */
    public String onnxOutput() {
        return onnxOutput;
    }

    /** Elements of the initializers (weights) this node reads. */
    public long weightCount() {
        return parameters;
    }

    @Override
    protected Tensor forward(Tensor x) {
        return x;
    }
}
