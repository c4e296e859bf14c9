package dev.galvani.models.io;

import dev.galvani.models.testing.Corruption;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static dev.galvani.models.testing.Theories.*;
import static org.junit.jupiter.api.Assertions.*;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;

/**
 * The JSON reader under arbitrary bytes, strings over JSON's own alphabet (deep nesting, escapes,
 * numbers), one changed byte and truncation. JSON has no checksum: a result or one line naming the
 * source is what it promises (where JSON sits inside a checkpoint, the checkpoint's checksum covers it).
 */
class JsonPropertiesTest {
    static final byte[] VALID = Json.write(Map.of("a", List.of(1, 2.5, "x\\u00e9\n"), "b", Map.of("c", true, "d", List.of()))).getBytes(StandardCharsets.UTF_8);

    @Test void anyBytesAreParsedOrRefused() {
        qt().forAll(bytes(2000)).checkAssert(bytes -> Corruption.readOrRefused("f.json", () -> Json.parse(bytes, 0, bytes.length, "f.json")));
    }

    @Test void anyStringOfJsonsAlphabetIsParsedOrRefused() {
        qt().forAll(strings("{}[]\":,\\u0123456789abcdefEtrnl. -+", 300)).checkAssert(s -> Corruption.readOrRefused("f.json", () -> Json.parse(s, "f.json")));
    }

    @Test void anyNestingIsParsedOrRefused() {
        qt().forAll(integers().between(0, 5000), booleans().all()).checkAssert((depth, objects) -> {
            String s = objects ? "{\"a\":".repeat(depth) + "1" + "}".repeat(depth) : "[".repeat(depth) + "]".repeat(depth);
            var r = Corruption.readOrRefused("f.json", () -> Json.parse(s, "f.json"));
            assertEquals(depth <= Json.MAX_DEPTH && (objects || depth > 0), r.isPresent(), "depth " + depth); // an empty document is no JSON
        });
    }

    @Test void aChangedOrCutDocumentIsParsedOrRefused() {
        qt().forAll(indexIn(VALID), xors()).checkAssert((at, xor) -> {
            byte[] b = Corruption.flip(VALID, at, xor);
            Corruption.readOrRefused("f.json", () -> Json.parse(b, 0, b.length, "f.json"));
            assertTrue(Corruption.readOrRefused("f.json", () -> Json.parse(VALID, 0, at, "f.json")).isEmpty(), "cut at " + at);
        });
    }
}
