package dev.galvani.models;

import dev.galvani.engine.Tensor;
import dev.galvani.engine.autodiff.Grad;
import dev.galvani.models.checkpoint.Safetensors;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Checkpoints written from the PyTorch modules of scripts/pytorch/galvani_models.py (by
 * scripts/golden/make_fixtures.py) load into Galvani's models with strict names and shapes and
 * give PyTorch's logits: the architectures and the weight layouts are the same.
 */
class PyTorchParityTest {
    static Path golden(String name) throws Exception {
        return Path.of(PyTorchParityTest.class.getResource("/golden/" + name).toURI());
    }

    @Test void logitsMatchPyTorch() throws Exception {
        for (String arch : new String[] {"inception", "mobilenetv2", "resnet", "textcnn"}) {
            Path p = golden(arch + ".safetensors");
            SavedModel m = SavedModel.load(p);
            assertEquals(arch, m.architecture());
            Map<String, Tensor> t = Safetensors.read(p).tensors();
            Tensor x = t.get("fixture.input"), expected = t.get("fixture.logits");
            Tensor y;
            try (Grad.Scope s = Grad.off()) {
                y = m.model().call(x);
            }
            assertArrayEquals(expected.shape(), y.shape(), arch);
            for (int i = 0; i < y.numel(); i++) {
                assertEquals(expected.data()[i], y.data()[i], 2e-4 * Math.max(1, Math.abs(expected.data()[i])), arch + " logit " + i);
            }
        }
    }
}
