package dev.galvani.models.onnx.ops;

import dev.galvani.engine.F;
import dev.galvani.engine.Tensor;
import dev.galvani.models.onnx.Converters;
import dev.galvani.models.onnx.OnnxNode;
import dev.galvani.models.onnx.Values;

/** BatchNormalization (inference: running statistics) and LRN. */
public final class Normalization {
    private Normalization() {}

    public static void register(Converters c) {
        c.add("BatchNormalization", 7, Normalization::batchNorm);
        c.add("LRN", 1, n -> {
            int size = (int) n.attrInt("size", 0);
            if (size < 1) throw n.error("LRN needs a size of at least 1");
            float alpha = n.attrFloat("alpha", 1e-4f), beta = n.attrFloat("beta", 0.75f), bias = n.attrFloat("bias", 1f);
            return in -> F.localResponseNorm(Values.tensor(in[0]), size, alpha, beta, bias);
        });
    }

    private static dev.galvani.models.onnx.NodeFunction batchNorm(OnnxNode n) {
        if (n.attrInt("training_mode", 0) != 0) throw n.error("training-mode batch normalisation is not supported (export the model in eval mode)");
        float eps = n.attrFloat("epsilon", 1e-5f);
        // The running statistics are state, not parameters; their arrays are read at every call,
        // so values loaded into the model's buffers later take effect.
        Tensor mean = n.constantTensor(3, "the running mean"), var = n.constantTensor(4, "the running variance");
        n.markBuffer(3);
        n.markBuffer(4);
        return in -> F.batchNormEval(Values.tensor(in[0]), Values.tensor(in[1]), Values.tensor(in[2]), mean, var, eps);
    }
}
