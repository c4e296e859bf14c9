package dev.galvani.models.io;

import dev.galvani.engine.Tensor;
import dev.galvani.models.testing.Corruption;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Optional;

import static dev.galvani.models.testing.Theories.*;
import static org.junit.jupiter.api.Assertions.*;
import static org.quicktheories.generators.SourceDSL.integers;

/** .npy files under arbitrary bytes, one changed byte and truncation: an array or a one-line refusal naming the file. */
class NpyPropertiesTest {
    static final Path NAME = Path.of("array.npy");
    static final byte[] FILE = NpyTest.npy("<f4", "(2, 3)", false, new byte[24]);

    private static Optional<Tensor> read(byte[] b) {
        return Corruption.readOrRefused(NAME.toString(), () -> Npy.parse(NAME, b));
    }

    @Test void anyBytesAreReadOrRefused() {
        qt().forAll(bytes(300)).checkAssert(b -> read(b));
    }

    @Test void aPlausibleHeaderWithAnyContentIsReadOrRefused() {
        qt().forAll(strings(120), bytes(64)).checkAssert((header, data) -> {
            byte[] h = header.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            byte[] b = new byte[10 + h.length + data.length];
            System.arraycopy(FILE, 0, b, 0, 8);
            b[8] = (byte) h.length;
            b[9] = (byte) (h.length >> 8);
            System.arraycopy(h, 0, b, 10, h.length);
            System.arraycopy(data, 0, b, 10 + h.length, data.length);
            read(b);
        });
    }

    @Test void aChangedByteIsReadOrRefused() {
        qt().forAll(indexIn(FILE), xors()).checkAssert((at, xor) -> read(Corruption.flip(FILE, at, xor)));
    }

    @Test void aTruncatedFileIsRefused() {
        qt().forAll(integers().between(0, 100_000)).checkAssert(length -> assertTrue(read(Corruption.cut(FILE, length % FILE.length)).isEmpty()));
    }
}
