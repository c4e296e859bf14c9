package dev.galvani.models.onnx.ops;

import dev.galvani.engine.F;
import dev.galvani.engine.Tensor;
import dev.galvani.models.onnx.Converters;
import dev.galvani.models.onnx.OnnxNode;
import dev.galvani.models.onnx.Values;

/** Elementwise activations and the softmax family. */
public final class Activations {
    private Activations() {}

    public static void register(Converters c) {
        c.add("Relu", 6, n -> in -> F.relu(Values.tensor(in[0])));
        c.add("Sigmoid", 6, n -> in -> Values.tensor(in[0]).sigmoid());
        c.add("Tanh", 6, n -> in -> Values.tensor(in[0]).tanh());
        c.add("Exp", 6, n -> in -> Values.tensor(in[0]).exp());
        c.add("Log", 6, n -> in -> Values.tensor(in[0]).log());
        c.add("Sqrt", 6, n -> in -> Values.tensor(in[0]).sqrt());
        c.add("Neg", 6, n -> in -> Values.tensor(in[0]).neg());
        // Clip: bounds as attributes up to opset 10, as (constant) inputs from 11.
        c.add("Clip", 6, 10, n -> clip(n.attrFloat("min", Float.NEGATIVE_INFINITY), n.attrFloat("max", Float.POSITIVE_INFINITY)));
        c.add("Clip", 11, n -> {
            Tensor lo = n.constantTensor(1, "the lower bound"), hi = n.constantTensor(2, "the upper bound");
            return clip(lo == null ? Float.NEGATIVE_INFINITY : lo.data()[0], hi == null ? Float.POSITIVE_INFINITY : hi.data()[0]);
        });
        // Softmax and LogSoftmax: up to opset 12 the input is flattened to 2-d at the axis (default 1)
        // and normalised over the second part; from 13 along the one axis (default -1).
        c.add("Softmax", 1, 12, n -> coerced(n, false));
        c.add("LogSoftmax", 1, 12, n -> coerced(n, true));
        c.add("Softmax", 13, n -> {
            int axis = (int) n.attrInt("axis", -1);
            return in -> F.softmax(Values.tensor(in[0]), axis);
        });
        c.add("LogSoftmax", 13, n -> {
            int axis = (int) n.attrInt("axis", -1);
            return in -> F.logSoftmax(Values.tensor(in[0]), axis);
        });
    }

    private static dev.galvani.models.onnx.NodeFunction clip(float lo, float hi) {
        if (lo == 0f && hi == 6f) return in -> F.relu6(Values.tensor(in[0])); // ReLU6: the fast path
        return in -> F.clip(Values.tensor(in[0]), lo, hi);
    }

    private static dev.galvani.models.onnx.NodeFunction coerced(OnnxNode n, boolean log) {
        int axis = (int) n.attrInt("axis", 1);
        return in -> {
            Tensor x = Values.tensor(in[0]);
            int a = dev.galvani.engine.Shapes.axis(axis, x.dim());
            int outer = 1;
            for (int i = 0; i < a; i++) outer *= x.size(i);
            Tensor flat = x.reshape(outer, -1);
            Tensor y = log ? F.logSoftmax(flat, 1) : F.softmax(flat, 1);
            return y.reshape(x.shape());
        };
    }
}
