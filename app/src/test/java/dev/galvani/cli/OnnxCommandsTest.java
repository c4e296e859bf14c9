package dev.galvani.cli;

import com.google.protobuf.ByteString;
import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;
import dev.galvani.models.io.Json;
import dev.galvani.models.io.Npy;
import dev.galvani.models.io.NpyWriter;
import dev.galvani.models.onnx.proto.Onnx;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.galvani.cli.CommandLineTest.failsWith;
import static dev.galvani.cli.CommandLineTest.run;
import static org.junit.jupiter.api.Assertions.*;

/** Every command that takes a checkpoint takes an ONNX file; inputs of any size; bad input is one line. */
class OnnxCommandsTest {
    @TempDir static Path dir;
    static Path model, photo, photo2, labelled, resnet;

    /** A small RGB classifier, [N, 3, 20, 20] -> [N, 5], named as PyTorch's exporter names nodes. */
    static Onnx.ModelProto rgbNet(boolean externalWeights) {
        Rng rng = new Rng(3);
        Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder().setName("net");
        Onnx.TensorShapeProto.Builder s = Onnx.TensorShapeProto.newBuilder()
                .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"));
        for (int d : new int[] {3, 20, 20}) s.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        g.addInput(Onnx.ValueInfoProto.newBuilder().setName("input").setType(Onnx.TypeProto.newBuilder()
                .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(1).setShape(s))));
        Onnx.TensorProto w = tensor("conv.weight", Tensor.randn(rng, 0.3f, 4, 3, 3, 3));
        if (externalWeights) {
            w = w.toBuilder().clearRawData().setDataLocation(Onnx.TensorProto.DataLocation.EXTERNAL)
                    .addExternalData(Onnx.StringStringEntryProto.newBuilder().setKey("location").setValue("missing.bin")).build();
        }
        g.addInitializer(w).addInitializer(tensor("conv.bias", Tensor.randn(rng, 0.1f, 4)))
                .addInitializer(tensor("fc.weight", Tensor.randn(rng, 0.5f, 5, 4))).addInitializer(tensor("fc.bias", Tensor.randn(rng, 0.1f, 5)));
        g.addNode(node("Conv", "/conv/Conv", List.of("input", "conv.weight", "conv.bias"), "/conv/Conv_output_0",
                Onnx.AttributeProto.newBuilder().setName("pads").setType(Onnx.AttributeProto.AttributeType.INTS).addAllInts(List.of(1L, 1L, 1L, 1L)).build()));
        g.addNode(node("Relu", "/relu/Relu", List.of("/conv/Conv_output_0"), "/relu/Relu_output_0"));
        g.addNode(node("GlobalAveragePool", "/pool/GlobalAveragePool", List.of("/relu/Relu_output_0"), "/pool/GlobalAveragePool_output_0"));
        g.addNode(node("Flatten", "/Flatten", List.of("/pool/GlobalAveragePool_output_0"), "/Flatten_output_0"));
        g.addNode(node("Gemm", "/fc/Gemm", List.of("/Flatten_output_0", "fc.weight", "fc.bias"), "logits",
                Onnx.AttributeProto.newBuilder().setName("transB").setType(Onnx.AttributeProto.AttributeType.INT).setI(1).build()));
        g.addOutput(Onnx.ValueInfoProto.newBuilder().setName("logits"));
        return Onnx.ModelProto.newBuilder().setIrVersion(8).addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(g).build();
    }

    static Onnx.NodeProto node(String op, String name, List<String> in, String out, Onnx.AttributeProto... attrs) {
        Onnx.NodeProto.Builder n = Onnx.NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(in).addOutput(out);
        for (Onnx.AttributeProto a : attrs) n.addAttribute(a);
        return n.build();
    }

    static Onnx.TensorProto tensor(String name, Tensor t) {
        ByteBuffer b = ByteBuffer.allocate(4 * t.numel()).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : t.data()) b.putFloat(v);
        Onnx.TensorProto.Builder p = Onnx.TensorProto.newBuilder().setName(name).setDataType(1).setRawData(ByteString.copyFrom(b.array()));
        for (int d : t.shape()) p.addDims(d);
        return p.build();
    }

    static Path photo(String name, int w, int h, int seed) throws Exception {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Rng rng = new Rng(seed);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, rng.nextInt(1 << 24));
        Path p = dir.resolve(name);
        ImageIO.write(img, name.endsWith(".jpg") ? "jpg" : "png", p.toFile());
        return p;
    }

    @BeforeAll static void setUp() throws Exception {
        model = Files.write(dir.resolve("net.onnx"), rgbNet(false).toByteArray());
        photo = photo("wide.png", 64, 40, 1);
        photo2 = photo("tall.jpg", 30, 50, 2);
        labelled = dir.resolve("labelled");
        for (String c : new String[] {"a", "b"}) {
            Files.createDirectories(labelled.resolve(c));
            Files.copy(photo, labelled.resolve(c).resolve("x.png"));
        }
        resnet = Path.of("..", "models", "src", "test", "resources", "onnx", "resnet.onnx");
    }

    @Test void modelShowListsNodesWithShapes() {
        var r = run("model", "show", model.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("input 'input' [N, 3, 20, 20]"), r.out());
        assertTrue(r.out().matches("(?s).*\\bconv\\s+Conv\\s+\\[1,4,20,20\\]\\s+112.*"), r.out());
        assertTrue(r.out().contains("total parameters: 137"), r.out());
    }

    @Test void onnxCheckComparesEveryNodeWithOnnxRuntime() {
        var r = run("onnx", "check", model.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("4 node values and 1 outputs compared"), r.out());
        assertTrue(r.out().contains("largest relative difference: outputs"), r.out());
        var imgs = run("onnx", "check", model.toString(), "--input", photo + "," + photo2);
        assertEquals(0, imgs.code(), imgs.err());
        assertTrue(imgs.out().contains("input [2, 3, 20, 20]"), imgs.out());
        var res = run("onnx", "check", resnet.toString(), "--batch", "3");
        assertEquals(0, res.code(), res.err());
        assertTrue(res.out().contains("layer3.1"), res.out());
    }

    @Test void conductancePredictEvalAndAblateOnImages() throws Exception {
        Path out = dir.resolve("cond");
        var r = run("conductance", "--checkpoint", model.toString(), "--layer", "/relu/Relu_output_0,conv", "--input", photo + "," + photo2,
                "--steps", "8", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        @SuppressWarnings("unchecked") Map<String, Object> json = (Map<String, Object>) Json.parse(Files.readString(out.resolve("attribution.json")));
        assertEquals("onnx", ((Map<?, ?>) json.get("model")).get("architecture"));
        @SuppressWarnings("unchecked") Map<String, Object> pre = (Map<String, Object>) ((Map<?, ?>) json.get("settings")).get("preprocessing");
        assertEquals(23L, pre.get("resize_shorter_side")); // 20 x 256 / 224, rounded
        assertEquals(List.of(0.485, 0.456, 0.406), ((List<?>) pre.get("mean")).stream().map(v -> Math.round(((Number) v).doubleValue() * 1000) / 1000.0).toList());
        @SuppressWarnings("unchecked") List<Map<String, Object>> ex = (List<Map<String, Object>>) json.get("examples");
        assertEquals(2, ex.size());
        assertEquals("wide.png", ex.get(0).get("description"));
        @SuppressWarnings("unchecked") Map<String, Object> layers = (Map<String, Object>) ex.get(0).get("layers");
        assertTrue(layers.containsKey("relu") && layers.containsKey("conv"), layers.keySet().toString());

        var p = run("predict", "--checkpoint", model.toString(), "--input", dir.resolve("labelled/a").toString());
        assertEquals(0, p.code(), p.err());
        assertTrue(p.out().startsWith("x.png"), p.out());
        var e = run("eval", "--checkpoint", model.toString(), "--input", labelled.toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("on 2 examples: the labelled images in " + labelled), e.out());
        var a = run("ablate", "--checkpoint", model.toString(), "--layer", "relu", "--filters", "0,1", "--input", photo.toString());
        assertEquals(0, a.code(), a.err());
        assertTrue(a.out().contains("wide.png"), a.out());

        // a .npy array of the input shape, with or without the batch axis
        Path npy = dir.resolve("x.npy");
        NpyWriter.write(npy, Tensor.randn(new Rng(5), 1f, 3, 20, 20));
        var n = run("predict", "--checkpoint", model.toString(), "--input", npy.toString());
        assertEquals(0, n.code(), n.err());
    }

    @Test void badInputIsOneLineNamingTheFile() throws Exception {
        failsWith("net.onnx: an ONNX model carries no data set; give inputs with --input",
                "conductance", "--checkpoint", model.toString(), "--layer", "conv", "--out", dir.resolve("o").toString());
        failsWith("an ONNX model carries no data set; give --input DIR", "eval", "--checkpoint", model.toString());
        byte[] good = Files.readAllBytes(model);
        Path cut = Files.write(dir.resolve("cut.onnx"), java.util.Arrays.copyOf(good, good.length / 2));
        failsWith("cut.onnx: not a readable ONNX file", "model", "show", cut.toString());
        Path text = Files.writeString(dir.resolve("junk.onnx"), "hello");
        failsWith("junk.onnx: not", "onnx", "check", text.toString());
        Path ext = Files.write(dir.resolve("ext.onnx"), rgbNet(true).toByteArray());
        failsWith("ext.onnx: external data file 'missing.bin' for tensor 'conv.weight' not found", "onnx", "check", ext.toString());
        Onnx.ModelProto.Builder up = rgbNet(false).toBuilder();
        up.getGraphBuilder().getNodeBuilder(1).setOpType("Resize");
        Path resize = Files.write(dir.resolve("resize.onnx"), up.build().toByteArray());
        failsWith("resize.onnx: node '/relu/Relu' (Resize): op Resize is not supported; supported ops:", "model", "show", resize.toString());
        Onnx.ModelProto.Builder old = rgbNet(false).toBuilder();
        old.getOpsetImportBuilder(0).setVersion(5);
        Path oldPath = Files.write(dir.resolve("old.onnx"), old.build().toByteArray());
        failsWith("old.onnx: node '/relu/Relu' (Relu): op Relu at opset 5 is not supported; Galvani imports Relu at opsets 6-", "model", "show", oldPath.toString());
        Onnx.ModelProto.Builder sym = rgbNet(false).toBuilder();
        sym.getGraphBuilder().getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().getDimBuilder(2).setDimParam("height");
        Path symPath = Files.write(dir.resolve("sym.onnx"), sym.build().toByteArray());
        failsWith("sym.onnx: input 'input' has a symbolic size 'height' at axis 2", "model", "show", symPath.toString());

        Path wrongShape = dir.resolve("wrong.npy");
        NpyWriter.write(wrongShape, Tensor.zeros(1, 3, 28, 28));
        failsWith("wrong.npy: shape [1, 3, 28, 28] does not fit the model's input [N, 3, 20, 20]", "predict", "--checkpoint", model.toString(), "--input", wrongShape.toString());
        Path complex = Files.write(dir.resolve("complex.npy"), NpyTestBytes.npy("<c8", "(3, 20, 20)"));
        failsWith("complex.npy: dtype '<c8' is not supported", "predict", "--checkpoint", model.toString(), "--input", complex.toString());
        // a colour photo for a grey model (the project's ResNetStyle, [N, 1, 28, 28])
        failsWith("wide.png: a colour image, and the model takes 1 channel", "predict", "--checkpoint", resnet.toString(), "--input", photo.toString());
        Path fixedBatch = Path.of("..", "models", "src", "test", "resources", "onnx", "inception.onnx");
        failsWith("inception.onnx declares a fixed batch of 1 and ONNX Runtime accepts only that", "onnx", "check", fixedBatch.toString(), "--batch", "2");
        failsWith("unknown layer 'inception4d'", "conductance", "--checkpoint", model.toString(), "--layer", "inception4d", "--input", photo.toString(),
                "--out", dir.resolve("o").toString());
    }
}
