package dev.galvani.models.io;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Images to model inputs against torchvision's Resize, CenterCrop, ToTensor, Normalize on the same
 * PNGs (fixtures from scripts/onnx/export_fixtures.py). PIL rounds to 8 bits between its two
 * resampling passes and Galvani does not, so they agree to within about one grey level.
 */
class PreprocessingTest {
    @TempDir Path dir;

    static Path resource(String name) throws Exception {
        return Path.of(PreprocessingTest.class.getResource("/images/" + name).toURI());
    }

    @Test void matchesTorchvisionOnRgbAndGrey() throws Exception {
        Tensor rgb = Preprocessing.of(3, 16, null, null).load(resource("rgb.png"), 3, 14, 14);
        Tensor want = Npy.read(resource("rgb_expected.npy"));
        assertArrayEquals(new int[] {1, 3, 14, 14}, rgb.shape());
        assertWithin(want.data(), rgb.data(), 1.5 / 255 / 0.224); // one grey level, in normalised units

        Tensor grey = Preprocessing.of(1, 12, new float[] {0.5f}, new float[] {0.25f}).load(resource("grey.png"), 1, 10, 10);
        assertWithin(Npy.read(resource("grey_expected.npy")).data(), grey.data(), 1.5 / 255 / 0.25);
    }

    @Test void channelRules() throws Exception {
        // grey into an RGB model: three equal planes
        Tensor g3 = Preprocessing.of(3, 12, new float[] {0}, new float[] {1}).load(resource("grey.png"), 3, 10, 10);
        for (int i = 0; i < 100; i++) assertEquals(g3.data()[i], g3.data()[200 + i]);
        // colour into a grey model: refused, naming the file
        var e = assertThrows(GalvaniException.class, () -> Preprocessing.of(1, 16, null, null).load(resource("rgb.png"), 1, 14, 14));
        assertTrue(e.getMessage().contains("rgb.png: a colour image, and the model takes 1 channel"), e.getMessage());
        e = assertThrows(GalvaniException.class, () -> Preprocessing.of(4, 16, new float[] {0}, new float[] {1}).load(resource("rgb.png"), 4, 14, 14));
        assertTrue(e.getMessage().contains("rgb.png: the model takes 4 channels and an image gives 1 or 3"), e.getMessage());
        // an RGB file that is grey in fact is fine for a grey model
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        img.setRGB(3, 3, 0x808080);
        Tensor t = Preprocessing.of(1, 8, null, null).apply("grey-rgb", img, 1, 8, 8);
        assertEquals(128 / 255f, t.get(0, 0, 3, 3), 1e-6);
        Path notImage = Files.writeString(dir.resolve("notes.png"), "text");
        e = assertThrows(GalvaniException.class, () -> Preprocessing.of(3, null, null, null).load(notImage, 3, 8, 8));
        assertTrue(e.getMessage().startsWith(notImage + ": not a PNG or JPEG image"), e.getMessage());
        assertEquals(256, Preprocessing.of(3, null, null, null).resizeFor(224, 224));
    }

    @Test void foldersAndLabelledFolders() throws Exception {
        Path cats = Files.createDirectories(dir.resolve("set/cat")), dogs = Files.createDirectories(dir.resolve("set/dog"));
        Files.copy(resource("rgb.png"), cats.resolve("a.png"));
        Files.copy(resource("rgb.png"), dogs.resolve("b.png"));
        Files.copy(resource("rgb.png"), dogs.resolve("c.png"));
        Files.writeString(dogs.resolve("notes.txt"), "skip me");
        List<String> classes = new java.util.ArrayList<>();
        List<InputFiles.Labelled> l = InputFiles.labelled(dir.resolve("set"), classes);
        assertEquals(List.of("cat", "dog"), classes);
        assertEquals(List.of(0, 1, 1), l.stream().map(InputFiles.Labelled::label).toList());
        assertEquals(2, InputFiles.expand(List.of(dogs)).size());
        var e = assertThrows(GalvaniException.class, () -> InputFiles.expand(List.of(dir.resolve("nothing"))));
        assertTrue(e.getMessage().contains("no such file or folder"));
    }

    /** The four photos in GALVANI_DATA/images decode and preprocess to ImageNet-normalised 224x224 inputs. */
    @Test void realPhotos() throws Exception {
        String data = System.getenv("GALVANI_DATA");
        Assumptions.assumeTrue(data != null && Files.isDirectory(Path.of(data, "images")), "GALVANI_DATA/images not set: no real photos to read");
        List<Path> files = InputFiles.expand(List.of(Path.of(data, "images")));
        assertFalse(files.isEmpty());
        for (Path f : files) {
            if (!InputFiles.isImage(f)) continue;
            Tensor t = Preprocessing.of(3, null, null, null).load(f, 3, 224, 224);
            assertArrayEquals(new int[] {1, 3, 224, 224}, t.shape());
            double mean = 0;
            for (float v : t.data()) mean += v / t.numel();
            assertTrue(Math.abs(mean) < 2.5, f + ": mean " + mean);
            assertNotNull(ImageIO.read(f.toFile()));
        }
    }

    private static void assertWithin(float[] want, float[] got, double tol) {
        assertEquals(want.length, got.length);
        double worst = 0;
        for (int i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(want[i] - got[i]));
        assertTrue(worst <= tol, "largest difference " + worst + " > " + tol);
    }
}
