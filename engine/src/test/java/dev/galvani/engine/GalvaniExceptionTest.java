package dev.galvani.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class GalvaniExceptionTest {
    @Test void theMessageIsAlwaysOneLine() {
        assertEquals("f.tsv: label 'a\\nb\\r\\u0000' is not 0 or 1", new GalvaniException("f.tsv: label 'a\nb\r\0' is not 0 or 1").getMessage());
        assertEquals("tab\tstays", new GalvaniException("tab\tstays").getMessage());
        String m = new GalvaniException("x".repeat(5000)).getMessage();
        assertEquals(GalvaniException.MAX_LENGTH + 3, m.length());
        assertTrue(m.endsWith("..."));
        assertEquals("x".repeat(GalvaniException.MAX_LENGTH), new GalvaniException("x".repeat(GalvaniException.MAX_LENGTH)).getMessage());
    }
}
