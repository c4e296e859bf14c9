package dev.galvani.models.onnx;

import com.google.protobuf.ByteString;
import dev.galvani.engine.Tensor;
import dev.galvani.models.onnx.proto.Onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds small ONNX models in tests (one op, or a few), as PyTorch's exporter would write them. */
final class GraphBuilder {
    private final Onnx.GraphProto.Builder graph = Onnx.GraphProto.newBuilder().setName("test");
    private int opset = 17;

    GraphBuilder opset(int v) {
        opset = v;
        return this;
    }

    GraphBuilder input(String name, int... shape) {
        graph.addInput(valueInfo(name, Onnx.TensorProto.DataType.FLOAT_VALUE, shape));
        return this;
    }

    GraphBuilder intInput(String name, int... shape) {
        graph.addInput(valueInfo(name, Onnx.TensorProto.DataType.INT64_VALUE, shape));
        return this;
    }

    /** A graph input with a symbolic first dimension ("batch"). */
    GraphBuilder dynamicBatchInput(String name, int... rest) {
        Onnx.TensorShapeProto.Builder s = Onnx.TensorShapeProto.newBuilder();
        s.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"));
        for (int d : rest) s.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        graph.addInput(Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder()
                .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(1).setShape(s))));
        return this;
    }

    GraphBuilder output(String name) {
        graph.addOutput(Onnx.ValueInfoProto.newBuilder().setName(name));
        return this;
    }

    GraphBuilder init(String name, Tensor t) {
        graph.addInitializer(floatTensor(name, t));
        return this;
    }

    GraphBuilder init(String name, long[] values, int... shape) {
        graph.addInitializer(intTensor(name, values, shape));
        return this;
    }

    GraphBuilder raw(Onnx.TensorProto t) {
        graph.addInitializer(t);
        return this;
    }

    GraphBuilder node(String op, String name, String[] inputs, String[] outputs, Onnx.AttributeProto... attrs) {
        Onnx.NodeProto.Builder n = Onnx.NodeProto.newBuilder().setOpType(op).setName(name);
        for (String i : inputs) n.addInput(i);
        for (String o : outputs) n.addOutput(o);
        for (Onnx.AttributeProto a : attrs) n.addAttribute(a);
        graph.addNode(n);
        return this;
    }

    /** One node named {@code /op/Op} from {@code inputs} to output {@code y}. */
    GraphBuilder node(String op, String[] inputs, Onnx.AttributeProto... attrs) {
        return node(op, "/" + op.toLowerCase() + "/" + op, inputs, new String[] {"y"}, attrs);
    }

    Onnx.ModelProto model() {
        return Onnx.ModelProto.newBuilder().setIrVersion(8).setProducerName("galvani-test")
                .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(graph).build();
    }

    Path write(Path file) throws java.io.IOException {
        Files.write(file, model().toByteArray());
        return file;
    }

    static Onnx.AttributeProto ints(String name, long... v) {
        Onnx.AttributeProto.Builder a = Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INTS);
        for (long x : v) a.addInts(x);
        return a.build();
    }

    static Onnx.AttributeProto attr(String name, long v) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INT).setI(v).build();
    }

    static Onnx.AttributeProto attr(String name, float v) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.FLOAT).setF(v).build();
    }

    static Onnx.AttributeProto attr(String name, String v) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(v)).build();
    }

    static Onnx.AttributeProto attr(String name, Onnx.TensorProto t) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.TENSOR).setT(t).build();
    }

    static Onnx.ValueInfoProto valueInfo(String name, int elemType, int... shape) {
        Onnx.TensorShapeProto.Builder s = Onnx.TensorShapeProto.newBuilder();
        for (int d : shape) s.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder()
                .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(s))).build();
    }

    static Onnx.TensorProto floatTensor(String name, Tensor t) {
        ByteBuffer b = ByteBuffer.allocate(4 * t.numel()).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : t.data()) b.putFloat(v);
        Onnx.TensorProto.Builder p = Onnx.TensorProto.newBuilder().setName(name).setDataType(Onnx.TensorProto.DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(b.array()));
        for (int d : t.shape()) p.addDims(d);
        return p.build();
    }

    static Onnx.TensorProto intTensor(String name, long[] values, int... shape) {
        Onnx.TensorProto.Builder p = Onnx.TensorProto.newBuilder().setName(name).setDataType(Onnx.TensorProto.DataType.INT64_VALUE);
        for (long v : values) p.addInt64Data(v);
        for (int d : shape) p.addDims(d);
        return p.build();
    }
}
