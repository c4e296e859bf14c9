package dev.galvani.models.io;

import dev.galvani.engine.GalvaniException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class JsonTest {
    @TempDir Path dir;

    @Test void valuesRoundTripWithTheirTypes() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "ünï \"q\" \\ \n\t\u0001");
        m.put("i", 42);
        m.put("l", 1L << 40);
        m.put("d", 0.1);
        m.put("whole", 3.0);
        m.put("nan", Double.NaN);
        m.put("f", new float[] {1.5f, Float.POSITIVE_INFINITY});
        m.put("a", new double[] {-0.0, 1e-300});
        m.put("list", List.of(1, "x", List.of()));
        m.put("null", null);
        m.put("path", Path.of("runs", "m.safetensors"));
        for (String text : List.of(Json.write(m), Json.pretty(m))) {
            Map<?, ?> back = (Map<?, ?>) Json.parse(text);
            assertEquals(List.copyOf(m.keySet()), List.copyOf(back.keySet()), "key order kept");
            assertEquals(m.get("s"), back.get("s"));
            assertEquals(42L, back.get("i"));
            assertEquals(1L << 40, back.get("l"));
            assertEquals(0.1, back.get("d"));
            assertEquals(3.0, back.get("whole"));
            assertNull(back.get("nan"), "JSON has no NaN: written as null");
            assertEquals(Arrays.asList(1.5, null), back.get("f"));
            assertEquals(List.of(-0.0, 1e-300), back.get("a"));
            assertEquals(List.of(1L, "x", List.of()), back.get("list"));
            assertEquals(Path.of("runs", "m.safetensors").toString(), back.get("path"));
        }
        Map<String, Object> nested = new LinkedHashMap<>(), inner = new LinkedHashMap<>();
        inner.put("c", null);
        nested.put("a", List.of(1, 2));
        nested.put("b", inner);
        assertEquals("{\n  \"a\": [1, 2],\n  \"b\": {\n    \"c\": null\n  }\n}\n", Json.pretty(nested));
    }

    private static void refused(String text, String fragment) {
        GalvaniException e = assertThrows(GalvaniException.class, () -> Json.parse(text, "f.json"));
        assertTrue(e.getMessage().startsWith("f.json: ") && e.getMessage().contains(fragment), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test void malformedAndOverLimitInputIsOneLineNamingTheSource() {
        refused("[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1), "nesting depth");
        Json.parse("[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH), "f.json");
        refused("\"\\uZZZZ\"", "escape");
        refused("{\"a\": 1, \"a\": 2}", "Duplicate");
        refused("{\"a\": 1} x", "not valid JSON");
        refused("{\"a\": 1} [2]", "Trailing");
        refused("[1, 2,]", "not valid JSON");
        refused("{'a': 1}", "not valid JSON");
        refused("// c\n1", "not valid JSON");
        refused("NaN", "not valid JSON");
        refused("", "not valid JSON");
        GalvaniException e = assertThrows(GalvaniException.class, () -> Json.parse(new byte[] {'"', (byte) 0xc3, '"'}, 0, 3, "b.json"));
        assertTrue(e.getMessage().startsWith("b.json: not valid JSON") && e.getMessage().contains("UTF-8"), e.getMessage());
    }

    @Test void longStringsAndDocumentsHitTheirLimits() throws Exception {
        Path big = dir.resolve("big.json");
        Files.write(big, ("\"" + "x".repeat(Json.MAX_STRING + 1) + "\"").getBytes(StandardCharsets.US_ASCII));
        GalvaniException e = assertThrows(GalvaniException.class, () -> Json.read(big));
        assertTrue(e.getMessage().startsWith(big + ": JSON exceeds a limit") && e.getMessage().contains("String value length"), e.getMessage());
    }

    @Test void writingAFileIsAtomic() throws Exception {
        Path f = dir.resolve("r.json");
        Json.write(f, Map.of("a", 1));
        assertEquals(Map.of("a", 1L), Json.read(f));
        try (var s = Files.list(dir)) {
            assertEquals(List.of(f), s.toList(), "no temporary file left");
        }
    }
}
