package dev.galvani.engine.ops;

import dev.galvani.engine.F;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.autodiff.Autodiff;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Op outputs and input gradients against PyTorch (engine/src/test/resources/golden/ops.safetensors,
 * written by scripts/golden/make_fixtures.py with torch 1.13).
 */
class GoldenOpsTest {
    private static Map<String, Tensor> golden;

    /** A minimal F32 safetensors reader (the engine has no JSON parser; the models module has the real one). */
    static synchronized Map<String, Tensor> golden() throws Exception {
        if (golden != null) return golden;
        byte[] all = Files.readAllBytes(Path.of(GoldenOpsTest.class.getResource("/golden/ops.safetensors").toURI()));
        long n = ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String header = new String(all, 8, (int) n, StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("\"([^\"]+)\":\\{\"dtype\":\"F32\",\"shape\":\\[([0-9,]*)\\],\"data_offsets\":\\[(\\d+),(\\d+)\\]\\}").matcher(header);
        Map<String, Tensor> out = new HashMap<>();
        while (m.find()) {
            String[] dims = m.group(2).isEmpty() ? new String[0] : m.group(2).split(",");
            int[] shape = new int[dims.length];
            for (int i = 0; i < dims.length; i++) shape[i] = Integer.parseInt(dims[i]);
            int b = Integer.parseInt(m.group(3)), e = Integer.parseInt(m.group(4));
            ByteBuffer buf = ByteBuffer.wrap(all, (int) (8 + n + b), e - b).order(ByteOrder.LITTLE_ENDIAN);
            float[] d = new float[(e - b) / 4];
            for (int i = 0; i < d.length; i++) d[i] = buf.getFloat();
            out.put(m.group(1), new Tensor(d, shape));
        }
        return golden = out;
    }

    private void check(String name, int inputs, Function<Tensor[], Tensor> f) throws Exception {
        Map<String, Tensor> g = golden();
        Tensor[] xs = new Tensor[inputs];
        for (int i = 0; i < inputs; i++) xs[i] = g.get(name + ".in" + i).copy().requiresGrad(true);
        Tensor y = f.apply(xs);
        close(g.get(name + ".out"), y, name + " output");
        Tensor[] grads = Autodiff.grad(y, g.get(name + ".upstream").reshape(y.shape()), xs);
        for (int i = 0; i < inputs; i++) close(g.get(name + ".grad" + i), grads[i], name + " gradient " + i);
    }

    private static void close(Tensor expected, Tensor actual, String what) {
        assertEquals(expected.numel(), actual.numel(), what);
        for (int i = 0; i < expected.numel(); i++) {
            float e = expected.data()[i];
            assertEquals(e, actual.data()[i], 1e-4 * Math.max(1, Math.abs(e)), what + " [" + i + "]");
        }
    }

    @Test void convolutions() throws Exception {
        check("conv2d_groups", 3, x -> F.conv2d(x[0], x[1], x[2], 2, 1, 2, 2));
        check("conv2d_depthwise", 2, x -> F.conv2d(x[0], x[1], null, 1, 1, 1, 3));
        check("conv1d", 3, x -> F.conv1d(x[0], x[1], x[2]));
    }

    @Test void pooling() throws Exception {
        check("maxpool2d", 1, x -> F.maxPool2d(x[0], 3, 2, 1));
        check("avgpool2d", 1, x -> F.avgPool2d(x[0], 3, 2, 1));
    }

    @Test void batchNormSoftmaxLossLinear() throws Exception {
        check("batchnorm_train", 3, x -> F.batchNormTrain(x[0], x[1], x[2], 1e-5f).output());
        check("log_softmax", 1, x -> F.logSoftmax(x[0], 1));
        check("cross_entropy", 1, x -> F.crossEntropy(x[0], new int[] {1, 6, 0}));
        check("linear", 3, x -> F.linear(x[0], x[1], x[2]));
    }
}
