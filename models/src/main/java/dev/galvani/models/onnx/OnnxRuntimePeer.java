package dev.galvani.models.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;
import dev.galvani.models.onnx.proto.Onnx;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ONNX Runtime (its Java package, natives inside the jar) running the same file as a peer. Values
 * inside the graph are exposed by adding them to the graph's outputs before the session is made;
 * external weights are read into the model handed over, so it runs from memory.
 *
 * <p>ONNX Runtime is a provided dependency of this module (the tests and the app bring it): this
 * class is the only one that touches it.
 */
public final class OnnxRuntimePeer implements AutoCloseable {
    private final OrtEnvironment env;
    private final OrtSession session;
    private final String inputName;
    private final List<String> outputs;

    private OnnxRuntimePeer(OrtEnvironment env, OrtSession session, String inputName, List<String> outputs) {
        this.env = env;
        this.session = session;
        this.inputName = inputName;
        this.outputs = outputs;
    }

    /** A session for the file, exposing the graph's outputs and {@code extra} values (node outputs by ONNX name). */
    public static OnnxRuntimePeer open(OnnxFile file, String inputName, Collection<String> extra) {
        Onnx.GraphProto.Builder g = file.graph().toBuilder();
        for (int i = 0; i < g.getInitializerCount(); i++) g.setInitializer(i, OnnxTensors.inlined(file, g.getInitializer(i)));
        List<String> outs = new ArrayList<>();
        Set<String> have = new HashSet<>();
        for (Onnx.ValueInfoProto o : g.getOutputList()) {
            outs.add(o.getName());
            have.add(o.getName());
        }
        Map<String, Onnx.ValueInfoProto> declared = new HashMap<>();
        for (Onnx.ValueInfoProto v : g.getValueInfoList()) declared.put(v.getName(), v);
        for (String name : extra) {
            if (!have.add(name)) continue;
            Onnx.ValueInfoProto v = declared.get(name);
            if (v == null) { // float: the values Galvani computes as tensors
                v = Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder()
                        .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(Onnx.TensorProto.DataType.FLOAT_VALUE))).build();
            }
            g.addOutput(v);
            outs.add(name);
        }
        byte[] bytes = file.model().toBuilder().setGraph(g).build().toByteArray();
        try {
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
            return new OnnxRuntimePeer(env, env.createSession(bytes, opts), inputName, outs);
        } catch (OrtException e) {
            throw new GalvaniException(file.name() + ": ONNX Runtime cannot load the model (" + firstLine(e.getMessage()) + ")");
        }
    }

    /** Runs the model; returns every exposed value that is a float or double tensor, by ONNX name. */
    public Map<String, Tensor> run(Tensor x, boolean integerInput) {
        long[] shape = new long[x.dim()];
        for (int i = 0; i < shape.length; i++) shape[i] = x.size(i);
        try (OnnxTensor in = integerInput ? OnnxTensor.createTensor(env, LongBuffer.wrap(Values.ints(x).values()), shape)
                : OnnxTensor.createTensor(env, FloatBuffer.wrap(x.data()), shape);
             OrtSession.Result r = session.run(Map.of(inputName, in), new HashSet<>(outputs))) {
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (String name : outputs) {
                OnnxValue v = r.get(name).orElse(null);
                if (!(v instanceof OnnxTensor t)) continue;
                long[] s = t.getInfo().getShape();
                int[] is = new int[s.length];
                for (int i = 0; i < s.length; i++) is[i] = (int) s[i];
                float[] d;
                if (t.getInfo().type == OnnxJavaType.FLOAT) {
                    FloatBuffer fb = t.getFloatBuffer();
                    d = new float[fb.remaining()];
                    fb.get(d);
                } else if (t.getInfo().type == OnnxJavaType.DOUBLE) {
                    java.nio.DoubleBuffer db = t.getDoubleBuffer();
                    d = new float[db.remaining()];
                    for (int i = 0; i < d.length; i++) d[i] = (float) db.get(i);
                } else {
                    continue;
                }
                out.put(name, new Tensor(d, is));
            }
            return out;
        } catch (OrtException e) {
            throw new GalvaniException("ONNX Runtime failed: " + firstLine(e.getMessage()));
        }
    }

    private static String firstLine(String s) {
        if (s == null) return "no detail";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new GalvaniException("ONNX Runtime: " + e.getMessage());
        }
    }
}
