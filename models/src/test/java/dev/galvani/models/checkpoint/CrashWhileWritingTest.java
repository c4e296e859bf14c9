package dev.galvani.models.checkpoint;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.nn.Module;
import dev.galvani.models.ModelZoo;
import dev.galvani.models.SavedModel;
import dev.galvani.models.data.DataSpec;
import dev.galvani.models.data.GeneratedImages;
import dev.galvani.models.io.AtomicFile;
import dev.galvani.models.testing.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A checkpoint write killed part way (SIGKILL: no shutdown hook, no finally) leaves the previous
 * checkpoint loading bit for bit, and what the killed writer left behind is never taken for it.
 */
class CrashWhileWritingTest {
    @TempDir Path dir;

    /** The child: writes a 128 MB checkpoint over {@code args[0]}. */
    public static void main(String[] args) {
        int n = 32 << 20;
        float[] big = new float[n];
        for (int i = 0; i < n; i++) big[i] = i;
        Safetensors.write(Path.of(args[0]), Map.of("big", new Tensor(big, n)), Map.of("architecture", "none"));
    }

    private static List<Path> temporaries(Path dir) throws Exception {
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(AtomicFile.TEMP_SUFFIX)).toList();
        }
    }

    /** Bytes in the writer's temporary file so far (0 before it exists). */
    private static long written(Path dir) throws Exception {
        long n = 0;
        for (Path t : temporaries(dir)) {
            try {
                n = Math.max(n, Files.size(t));
            } catch (java.nio.file.NoSuchFileException gone) {
                // renamed over the target meanwhile
            }
        }
        return n;
    }

    @Test void aKilledWriteLeavesThePreviousCheckpointIntact() throws Exception {
        Path ck = dir.resolve("model.safetensors");
        Module net = ModelZoo.create("inception", Map.of("width", "0.25", "seed", "3"));
        DataSpec data = DataSpec.request("generated", false, 0, 0, 0, null).withNormalisation(0.2f, 0.3f, GeneratedImages.CLASSES);
        new SavedModel(net, "inception", Map.of("width", "0.25", "seed", "3", "classes", "10"), data).save(ck);
        byte[] before = Files.readAllBytes(ck);

        for (int attempt = 0; attempt < 5; attempt++) {
            Process child = ChildJvm.start(CrashWhileWritingTest.class, List.of(), dir.resolve("child.log"), ck.toString());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (written(dir) < (16 << 20) && child.isAlive() && System.nanoTime() < deadline) Thread.sleep(1); // part way: 16 of 128 MB
            boolean exited = !child.isAlive();
            child.destroyForcibly();
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child must die");
            if (exited && child.exitValue() != 0) fail("the writer failed: " + Files.readString(dir.resolve("child.log")));
            List<Path> left = temporaries(dir);
            if (left.isEmpty()) {                                 // the kill came after the rename: put the old file back, try again
                Files.write(ck, before);
                continue;
            }
            System.err.printf("killed the writer with %d of its bytes written (attempt %d)%n", Files.size(left.get(0)), attempt + 1);
            // killed part way: the previous checkpoint is there, bit for bit, and loads
            assertArrayEquals(before, Files.readAllBytes(ck), "the previous checkpoint's bytes");
            SavedModel back = SavedModel.load(ck, w -> fail(w));
            for (var e : net.stateDict().entrySet()) {
                float[] a = e.getValue().data(), b = back.model().stateDict().get(e.getKey()).data();
                for (int i = 0; i < a.length; i++) assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]), e.getKey());
            }
            // what the killed writer left is hidden, named apart from any checkpoint, and refused if opened
            for (Path t : left) {
                String name = t.getFileName().toString();
                assertTrue(name.startsWith(".model.safetensors.") && !name.endsWith(".safetensors"), name);
                if (Files.size(t) > 0) assertThrows(GalvaniException.class, () -> Safetensors.read(t));
            }
            try (var s = Files.list(dir)) {
                assertEquals(List.of(ck), s.filter(p -> p.toString().endsWith(".safetensors")).toList());
            }
            return;
        }
        fail("in 5 attempts no kill landed while the checkpoint was being written");
    }
}
