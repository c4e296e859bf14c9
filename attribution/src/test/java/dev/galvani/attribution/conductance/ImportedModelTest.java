package dev.galvani.attribution.conductance;

import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.autodiff.Grad;
import dev.galvani.engine.nn.HookHandle;
import dev.galvani.engine.nn.Hooks;
import dev.galvani.models.nets.InceptionNet;
import dev.galvani.models.onnx.OnnxModel;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * An imported ONNX model is an ordinary module tree: the project's InceptionNet exported from
 * PyTorch (models' fixture inception.onnx, batch norm kept) and Galvani's own InceptionNet loaded
 * with the same weights give the same logits, the same conductance of the same named blocks, and
 * the same effect of the same ablation.
 */
class ImportedModelTest {
    /** The models module's fixture (tests run in the module's folder). */
    static final Path FIXTURE = Path.of("..", "models", "src", "test", "resources", "onnx", "inception.onnx");

    static InceptionNet nativeTwin(OnnxModel imported) {
        InceptionNet net = new InceptionNet(0, 10, 0.5);
        Map<String, Tensor> weights = new LinkedHashMap<>(imported.stateDict());
        for (String k : net.stateDict().keySet()) if (k.endsWith("num_batches_tracked")) weights.put(k, Tensor.zeros());
        net.loadStateDict(weights);
        net.eval();
        return net;
    }

    @Test void conductanceAndAblationAgreeWithTheNativeNet() {
        OnnxModel imported = OnnxModel.load(FIXTURE);
        InceptionNet twin = nativeTwin(imported);
        Tensor x = Tensor.randn(new Rng(4), 1f, 3, 1, 28, 28);
        try (Grad.Scope s = Grad.off()) {
            assertArrayEquals(twin.call(x).data(), imported.call(x).data(), 1e-4f);
        }
        String[] layers = {"inception3a", "inception4a.branch2.1"};
        AttributionResult a = new LayerConductance(imported).layers(layers).steps(16).integratedGradients(false).attribute(x);
        AttributionResult b = new LayerConductance(twin).layers(layers).steps(16).integratedGradients(false).attribute(x);
        assertArrayEquals(b.classes(), a.classes());
        for (String l : layers) {
            Tensor ca = a.layer(l).conductance(), cb = b.layer(l).conductance();
            assertArrayEquals(cb.shape(), ca.shape(), l);
            double scale = 0, diff = 0;
            for (int i = 0; i < ca.numel(); i++) {
                scale = Math.max(scale, Math.abs(cb.data()[i]));
                diff = Math.max(diff, Math.abs(ca.data()[i] - cb.data()[i]));
            }
            assertTrue(diff <= 1e-4 * scale, l + ": conductance differs by " + diff + " of " + scale);
            assertArrayEquals(b.delta(l), a.delta(l), 1e-3, l);
        }
        // an ablation through hooks: zero three filters of inception3a in both
        try (Grad.Scope s = Grad.off(); HookHandle h1 = imported.hook("inception3a", Hooks.zeroUnits(0, 5, 9));
             HookHandle h2 = twin.hook("inception3a", Hooks.zeroUnits(0, 5, 9))) {
            assertArrayEquals(twin.call(x).data(), imported.call(x).data(), 1e-4f);
        }
    }
}
