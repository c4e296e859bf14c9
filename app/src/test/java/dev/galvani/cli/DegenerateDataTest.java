package dev.galvani.cli;

import dev.galvani.models.ModelZoo;
import dev.galvani.models.SavedModel;
import dev.galvani.models.data.DataSpec;
import dev.galvani.models.data.GeneratedImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static dev.galvani.cli.CommandLineTest.run;
import static org.junit.jupiter.api.Assertions.*;

/** Data that cannot train or score a model is refused with one line naming the file and the problem. */
class DegenerateDataTest {
    @TempDir Path dir;

    private void refused(String file, String problem, String... args) {
        CommandLineTest.Run r = run(args);
        assertEquals(2, r.code(), "exit code; stdout: " + r.out() + " stderr: " + r.err());
        String err = r.err().strip();
        String last = err.substring(err.lastIndexOf('\n') + 1);
        assertFalse(err.contains("Exception") || err.contains("\tat "), err);
        assertTrue(last.startsWith("galvani: ") && last.contains(file) && last.contains(problem), last);
    }

    @Test void headerOnlySst2IsRefused() throws Exception {
        Files.createDirectories(dir.resolve("sst2"));
        Files.writeString(dir.resolve("sst2/train.tsv"), "label\tsentence\n");
        refused("train.tsv", "no examples", "train", "--model", "textcnn", "--data", "sst2", "--data-dir", dir.toString(),
                "--epochs", "1", "--out", dir.resolve("m.safetensors").toString());
        assertFalse(Files.exists(dir.resolve("m.safetensors")), "no checkpoint written");
    }

    @Test void emptyNegativeMovieReviewsAreRefused() throws Exception {
        Files.createDirectories(dir.resolve("mr"));
        StringBuilder pos = new StringBuilder();
        for (int i = 0; i < 50; i++) pos.append("a truly good film number ").append(i).append('\n');
        Files.write(dir.resolve("mr/rt-polarity.pos"), pos.toString().getBytes(StandardCharsets.ISO_8859_1));
        Files.write(dir.resolve("mr/rt-polarity.neg"), new byte[0]);
        refused("rt-polarity.neg", "no sentences", "train", "--model", "textcnn", "--data", "mr", "--data-dir", dir.toString(),
                "--epochs", "1", "--out", dir.resolve("m.safetensors").toString());
        assertFalse(Files.exists(dir.resolve("m.safetensors")), "no checkpoint written");
    }

    private Path sst2(String rows) throws Exception {
        Files.createDirectories(dir.resolve("sst2"));
        return Files.writeString(dir.resolve("sst2/train.tsv"), "label\tsentence\n" + rows);
    }

    @Test void aClassWithNoTrainingExamplesIsRefused() throws Exception {
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < 40; i++) rows.append("1\tgood film ").append(i).append('\n');   // 40 full sentences, 4 held out
        sst2(rows.toString());
        refused("train.tsv", "class 'negative' has no examples in the training part (sst2, 10% of its full sentences held out with split seed 0) (only 1 of the model's 2 classes occur)",
                "train", "--model", "textcnn", "--data", "sst2", "--data-dir", dir.toString(), "--out", dir.resolve("m.safetensors").toString());
    }

    @Test void aVocabularyOfOnlyPaddingAndUnknownIsRefused() throws Exception {
        sst2("1\tgood\n0\tgood\n" + "1\t\u2605\u2605\n0\t\u2606\n".repeat(20));   // one "good" held out, the other dropped
        refused("train.tsv", "holds nothing but <pad> and <unk>", "train", "--model", "textcnn", "--data", "sst2", "--data-dir", dir.toString(),
                "--out", dir.resolve("m.safetensors").toString());
    }

    @Test void labelsOutsideTheClassesAreRefused() throws Exception {
        Path ck = dir.resolve("inc.safetensors");
        DataSpec data = DataSpec.request("generated", false, 0, 0, 0, null).withNormalisation(0.2f, 0.3f, GeneratedImages.CLASSES);
        new SavedModel(ModelZoo.create("inception", Map.of("width", "0.25")), "inception", Map.of("width", "0.25", "classes", "10"), data).save(ck);
        ByteBuffer images = ByteBuffer.allocate(16 + 2 * 784).putInt(2051).putInt(2).putInt(28).putInt(28);
        Path imagesFile = Files.write(dir.resolve("images-idx3-ubyte"), images.array());
        Path labelsFile = Files.write(dir.resolve("labels-idx1-ubyte"), ByteBuffer.allocate(10).putInt(2049).putInt(2).put((byte) 3).put((byte) 12).array());
        refused("labels-idx1-ubyte", "label 12 at index 1 is not a class 0..9", "eval", "--checkpoint", ck.toString(),
                "--input", imagesFile.toString(), "--labels", labelsFile.toString());
    }

    @Test void corruptFilesAreOneLine() throws Exception {
        Path nested = dir.resolve("nested.safetensors");
        byte[] h = "[".repeat(100_000).getBytes(StandardCharsets.US_ASCII);
        Files.write(nested, ByteBuffer.allocate(8 + h.length).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h).array());
        refused("nested.safetensors", "nesting depth", "predict", "--checkpoint", nested.toString(), "--text", "good");

        Path ck = dir.resolve("inc.safetensors");
        DataSpec data = DataSpec.request("generated", false, 0, 0, 0, null).withNormalisation(0.2f, 0.3f, GeneratedImages.CLASSES);
        new SavedModel(ModelZoo.create("inception", Map.of("width", "0.25")), "inception", Map.of("width", "0.25", "classes", "10"), data).save(ck);
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(28, 28, java.awt.image.BufferedImage.TYPE_INT_RGB), "png", png);
        byte[] b = png.toByteArray();
        b[40] ^= 1; // inside the image data
        Path bad = Files.write(dir.resolve("bad.png"), b);
        refused("bad.png", "fails its CRC", "predict", "--checkpoint", ck.toString(), "--input", bad.toString());

        byte[] ckBytes = Files.readAllBytes(ck);
        ckBytes[ckBytes.length - 5] ^= 0x40; // one weight's byte
        Path flipped = Files.write(dir.resolve("flipped.safetensors"), ckBytes);
        refused("flipped.safetensors", "does not match the contents", "predict", "--checkpoint", flipped.toString(), "--input", bad.toString());
    }
}
