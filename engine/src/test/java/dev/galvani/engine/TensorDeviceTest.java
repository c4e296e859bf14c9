package dev.galvani.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.engine.nn.Module;
import dev.galvani.kernels.Device;
import dev.galvani.kernels.SimulatedBackend;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** A tensor's storage and its device: host arrays as before, device values only through explicit copies. */
class TensorDeviceTest {
    private static final SimulatedBackend SIM = SimulatedBackend.INSTANCE;
    private static final Device DEV = SIM.device();

    @Test
    void hostTensorsHandOutTheirArrayAndMoveNowhere() {
        float[] v = {1, 2, 3, 4, 5, 6};
        Tensor t = new Tensor(v, 2, 3);
        assertSame(Device.CPU, t.device());
        assertTrue(t.isHost());
        assertSame(v, t.data());
        assertSame(t, t.to(Device.CPU));
        assertSame(t, t.toHost());
        assertSame(v, t.detach().data(), "detach shares the values");
    }

    @Test
    void deviceValuesCrossOnlyWhenAskedAndAreCopies() {
        float[] v = {1, 2, 3, 4, 5, 6};
        long up = SIM.uploadedValues(), down = SIM.downloadedValues();
        Tensor d = new Tensor(v, 2, 3).to(DEV);
        assertEquals(up + 6, SIM.uploadedValues());
        assertSame(DEV, d.device());
        assertFalse(d.isHost());
        IllegalStateException e = assertThrows(IllegalStateException.class, d::data);
        assertEquals("tensor [2, 3] lives on simulated: its values reach the host only through toHost()", e.getMessage());
        assertEquals("Tensor[2, 3] on simulated", d.toString());
        assertEquals(down, SIM.downloadedValues(), "printing copies nothing");
        v[0] = 99;  // the device holds a copy
        Tensor back = d.toHost();
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, back.data());
        assertArrayEquals(new int[] {2, 3}, back.shape());
        assertEquals(down + 6, SIM.downloadedValues());
        assertNotSame(back.data(), d.toHost().data(), "each toHost is a fresh copy");
    }

    @Test
    void copiesRowsAndTilesStayOnTheDevice() {
        Tensor d = Tensor.arange(6).reshape(3, 2).to(DEV);
        long down = SIM.downloadedValues();
        Tensor rows = d.rows(1, 3), tiled = d.rows(0, 1).tile(3), copy = d.copy(), z = Tensor.zerosLike(d);
        Tensor ones = Tensor.full(DEV, 1f, 2, 2);
        assertEquals(down, SIM.downloadedValues());
        for (Tensor t : new Tensor[] {rows, tiled, copy, z, ones}) assertSame(DEV, t.device());
        assertArrayEquals(new float[] {2, 3, 4, 5}, rows.toHost().data());
        assertArrayEquals(new float[] {0, 1, 0, 1, 0, 1}, tiled.toHost().data());
        assertArrayEquals(new int[] {3, 2}, tiled.shape());
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, copy.toHost().data());
        assertArrayEquals(new float[6], z.toHost().data());
        assertArrayEquals(new float[] {1, 1, 1, 1}, ones.toHost().data());
        assertEquals(5f, Tensor.scalar(5f).to(DEV).item());
        assertEquals(3f, d.get(1, 1));
    }

    @Test
    void copyFromWritesAcrossDevices() {
        Tensor d = Tensor.zeros(DEV, 3);
        d.copyFrom(new Tensor(new float[] {7, 8, 9}, 3));
        assertArrayEquals(new float[] {7, 8, 9}, d.toHost().data());
        Tensor h = Tensor.zeros(3);
        h.copyFrom(d);
        assertArrayEquals(new float[] {7, 8, 9}, h.data());
        assertThrows(ShapeException.class, () -> h.copyFrom(Tensor.zeros(4)));
    }

    /** Two parameters and a buffer, for moving a module. */
    private static final class Affine extends Module {
        final Tensor w = param("weight", new Tensor(new float[] {1, 2}, 2));
        final Tensor b = param("bias", new Tensor(new float[] {3, 4}, 2));

        Affine() {
            buffer("count", Tensor.scalar(5f));
        }

        @Override
        protected Tensor forward(Tensor x) {
            return x;
        }
    }

    @Test
    void aModuleMovesInPlaceAndLoadsIntoItsDevice() {
        Affine m = new Affine();
        Tensor w = m.w;
        assertSame(Device.CPU, m.device());
        assertSame(m, m.to(DEV));
        assertSame(w, m.parameters().get("weight"), "parameters keep their identity");
        assertSame(DEV, m.device());
        for (Tensor t : m.stateDict().values()) assertSame(DEV, t.device());
        assertTrue(w.requiresGrad());
        m.loadStateDict(Map.of("weight", new Tensor(new float[] {-1, -2}, 2), "bias", Tensor.zeros(2), "count", Tensor.scalar(1f)));
        assertSame(DEV, w.device());
        m.to(Device.CPU);
        assertArrayEquals(new float[] {-1, -2}, w.data());
        assertEquals(1f, m.stateDict().get("count").item());
    }
}
