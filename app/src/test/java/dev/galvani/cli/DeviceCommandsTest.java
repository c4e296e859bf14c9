package dev.galvani.cli;

import dev.galvani.kernels.Backends;
import dev.galvani.kernels.Device;
import dev.galvani.kernels.SimulatedBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code --device}: the commands that have a device path move the model there and give the host's
 * results. On the simulated device (the device path on host memory, computed by the CPU kernels)
 * they must give the host's bytes exactly: a trained checkpoint, the evaluation's report, the
 * conductance's JSON and the ablation's report. This checks the commands' wiring (model placement,
 * inputs following the model, results copied back) without a GPU.
 */
class DeviceCommandsTest {
    @TempDir Path dir;

    @AfterEach void backToTheHost() {
        Backends.use(Device.CPU.backend());
    }

    /** Runs a command that must succeed; on the simulated device it must have moved values there and back. */
    private CommandLineTest.Run ok(String device, String... args) {
        SimulatedBackend sim = SimulatedBackend.INSTANCE;
        long up = sim.uploadedValues(), down = sim.downloadedValues();
        String[] all = java.util.Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--device";
        all[args.length + 1] = device;
        CommandLineTest.Run r = CommandLineTest.run(all);
        assertEquals(0, r.code(), r.err());
        boolean simulated = device.equals("simulated");
        assertEquals(simulated, sim.uploadedValues() > up, args[0] + " on " + device + ": values moved to the device");
        assertEquals(simulated, sim.downloadedValues() > down, args[0] + " on " + device + ": results copied back");
        return r;
    }

    @Test void trainEvalConductanceAndAblateOnTheSimulatedDeviceGiveTheHostsBytes() throws Exception {
        byte[][] ckpt = new byte[2][];
        String[] evals = new String[2], cond = new String[2], ablate = new String[2];
        String[] devices = {"cpu", "simulated"};
        for (int i = 0; i < 2; i++) {
            Path out = dir.resolve(devices[i] + ".safetensors");
            ok(devices[i], "train", "--model", "inception", "--width", "0.25", "--data", "generated", "--seed", "3", "--epochs", "1",
                    "--train-examples", "128", "--batch", "64", "--out", out.toString());
            ckpt[i] = Files.readAllBytes(out);
            evals[i] = ok(devices[i], "eval", "--checkpoint", out.toString()).out();
            cond[i] = ok(devices[i], "conductance", "--checkpoint", out.toString(), "--layer", "inception3a", "--indices", "0-1", "--steps", "8",
                    "--json").out().replace(out.toString(), "CHECKPOINT");
            ablate[i] = ok(devices[i], "ablate", "--checkpoint", out.toString(), "--layer", "inception3a", "--top", "2", "--steps", "4",
                    "--indices", "0-1", "--mode", "mean").out();
        }
        assertArrayEquals(ckpt[0], ckpt[1], "checkpoint");
        assertEquals(evals[0], evals[1]);
        assertEquals(cond[0], cond[1]);
        assertEquals(ablate[0], ablate[1]);
    }

    @Test void aCommandWithoutADevicePathSaysItRunsOnTheCpu() {
        CommandLineTest.Run r = CommandLineTest.run("study", "selectivity", "--device", "simulated", "--grid", "0");
        assertTrue(r.err().contains("study selectivity runs on the CPU (it has no device path yet)"), r.err());
        assertSame(Device.CPU.backend(), Backends.current());
    }

    @Test void anUnknownDeviceIsOneLine() {
        CommandLineTest.failsWith("--device must be cpu, cuda, auto or simulated, got 'tpu'", "eval", "--checkpoint", "x.safetensors", "--device", "tpu");
    }
}
