package dev.galvani.models.onnx;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;
import dev.galvani.models.onnx.proto.Onnx;

import java.util.Map;
import java.util.Set;

/**
 * What a {@link Converter} sees of one ONNX node at import time: op type, attributes, and the
 * values of inputs that are constants (initializers, {@code Constant} nodes, folded integer
 * computations). Errors name the file and the node.
 */
public final class OnnxNode {
    private final OnnxFile file;
    private final Onnx.NodeProto proto;
    private final int opset;
    private final Map<String, Object> constants;
    private final Set<String> buffers;

    OnnxNode(OnnxFile file, Onnx.NodeProto proto, int opset, Map<String, Object> constants, Set<String> buffers) {
        this.file = file;
        this.proto = proto;
        this.opset = opset;
        this.constants = constants;
        this.buffers = buffers;
    }

    public String opType() {
        return proto.getOpType();
    }

    public String domain() {
        return proto.getDomain();
    }

    /** The model's opset for the default domain. */
    public int opset() {
        return opset;
    }

    /** The node's name in the file (or its first output's name when it has none). */
    public String name() {
        if (!proto.getName().isEmpty()) return proto.getName();
        return proto.getOutputCount() > 0 ? proto.getOutput(0) : "(unnamed " + proto.getOpType() + ")";
    }

    public int inputCount() {
        return proto.getInputCount();
    }

    /** Whether optional input {@code i} is given (ONNX writes an empty name for an omitted one). */
    public boolean hasInput(int i) {
        return i < proto.getInputCount() && !proto.getInput(i).isEmpty();
    }

    public String input(int i) {
        return proto.getInput(i);
    }

    /** The value of input {@code i} if it is a constant, else null. */
    public Object constant(int i) {
        return hasInput(i) ? constants.get(proto.getInput(i)) : null;
    }

    /** Input {@code i} as constant integers, or null when omitted; an error when it is computed at run time. */
    public Ints constantInts(int i, String what) {
        if (!hasInput(i)) return null;
        Object v = constant(i);
        if (v instanceof Ints in) return in;
        if (v == null) throw error(what + " (input " + i + ", '" + input(i) + "') must be a constant; it is computed at run time");
        throw error(what + " (input " + i + ") must be integers");
    }

    /** Input {@code i} as a constant float tensor, or null when omitted; an error when computed at run time. */
    public Tensor constantTensor(int i, String what) {
        if (!hasInput(i)) return null;
        Object v = constant(i);
        if (v instanceof Tensor t) return t;
        if (v instanceof Ints in) return Values.toTensor(in);
        throw error(what + " (input " + i + ", '" + input(i) + "') must be a constant; it is computed at run time");
    }

    /** Marks input {@code i} (an initializer) as state, not a trainable parameter (batch norm's running statistics). */
    public void markBuffer(int i) {
        if (hasInput(i)) buffers.add(proto.getInput(i));
    }

    // ---- attributes -----------------------------------------------------------------------

    private Onnx.AttributeProto attr(String name) {
        for (Onnx.AttributeProto a : proto.getAttributeList()) if (a.getName().equals(name)) return a;
        return null;
    }

    public boolean has(String name) {
        return attr(name) != null;
    }

    public long attrInt(String name, long fallback) {
        Onnx.AttributeProto a = attr(name);
        return a == null ? fallback : a.getI();
    }

    public float attrFloat(String name, float fallback) {
        Onnx.AttributeProto a = attr(name);
        return a == null ? fallback : a.getF();
    }

    public String attrString(String name, String fallback) {
        Onnx.AttributeProto a = attr(name);
        return a == null ? fallback : a.getS().toStringUtf8();
    }

    /** An integer-list attribute as ints, or {@code fallback} (may be null) when absent. */
    public int[] attrInts(String name, int[] fallback) {
        Onnx.AttributeProto a = attr(name);
        if (a == null) return fallback;
        int[] r = new int[a.getIntsCount()];
        for (int i = 0; i < r.length; i++) r[i] = Math.toIntExact(a.getInts(i));
        return r;
    }

    public float[] attrFloats(String name) {
        Onnx.AttributeProto a = attr(name);
        if (a == null) return null;
        float[] r = new float[a.getFloatsCount()];
        for (int i = 0; i < r.length; i++) r[i] = a.getFloats(i);
        return r;
    }

    /** A tensor attribute's value ({@link Tensor} or {@link Ints}), or null. */
    public Object attrTensor(String name) {
        Onnx.AttributeProto a = attr(name);
        return a == null || !a.hasT() ? null : OnnxTensors.read(file, a.getT());
    }

    /** An error that names the file and this node: {@code model.onnx: node '/fc/Gemm' (Gemm): ...}. */
    public GalvaniException error(String what) {
        return new GalvaniException(file.name() + ": node '" + name() + "' (" + opType() + "): " + what);
    }
}
