package dev.galvani.models.io;

import dev.galvani.models.testing.Corruption;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The JSON reader under arbitrary bytes, strings over JSON's own alphabet (deep nesting, escapes,
 * numbers), one changed byte and truncation. JSON has no checksum: a result or one line naming the
 * source is what it promises (where JSON sits inside a checkpoint, the checkpoint's checksum covers it).
 */
class JsonPropertiesTest {
    static final byte[] VALID = Json.write(Map.of("a", List.of(1, 2.5, "x\\u00e9\n"), "b", Map.of("c", true, "d", List.of()))).getBytes(StandardCharsets.UTF_8);

    @Property void anyBytesAreParsedOrRefused(@ForAll @Size(max = 2000) byte[] bytes) {
        Corruption.readOrRefused("f.json", () -> Json.parse(bytes, 0, bytes.length, "f.json"));
    }

    @Provide Arbitrary<String> jsonAlphabet() {
        return Arbitraries.strings().withChars("{}[]\":,\\u0123456789abcdefEtrnl. -+").ofMaxLength(300);
    }

    @Property void anyStringOfJsonsAlphabetIsParsedOrRefused(@ForAll("jsonAlphabet") String s) {
        Corruption.readOrRefused("f.json", () -> Json.parse(s, "f.json"));
    }

    @Property void anyNestingIsParsedOrRefused(@ForAll @IntRange(min = 0, max = 5000) int depth, @ForAll boolean objects) {
        String s = objects ? "{\"a\":".repeat(depth) + "1" + "}".repeat(depth) : "[".repeat(depth) + "]".repeat(depth);
        var r = Corruption.readOrRefused("f.json", () -> Json.parse(s, "f.json"));
        assertEquals(depth <= Json.MAX_DEPTH && (objects || depth > 0), r.isPresent(), "depth " + depth); // an empty document is no JSON
    }

    @Provide Arbitrary<Integer> inValid() {
        return Arbitraries.integers().between(0, VALID.length - 1);
    }

    @Property void aChangedOrCutDocumentIsParsedOrRefused(@ForAll("inValid") int at, @ForAll @IntRange(min = 1, max = 255) int xor) {
        byte[] b = Corruption.flip(VALID, at, xor);
        Corruption.readOrRefused("f.json", () -> Json.parse(b, 0, b.length, "f.json"));
        assertTrue(Corruption.readOrRefused("f.json", () -> Json.parse(VALID, 0, at, "f.json")).isEmpty(), "cut at " + at);
    }
}
