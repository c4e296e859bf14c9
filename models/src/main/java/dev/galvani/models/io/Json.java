package dev.galvani.models.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import dev.galvani.engine.GalvaniException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * JSON for safetensors headers, metrics and results, read and written by Jackson. Values come back
 * as {@code LinkedHashMap} (objects, key order kept), {@code ArrayList}, {@code String},
 * {@code Long} (integers; {@code BigInteger} beyond 64 bits), {@code Double}, {@code Boolean} and
 * {@code null}. Reading is strict (no comments, no trailing commas, no trailing content, no
 * duplicate keys, input must be valid UTF-8) and bounded ({@link #MAX_DEPTH}, {@link #MAX_STRING},
 * {@link #MAX_DOCUMENT}): anything else is one {@link GalvaniException} line naming the source.
 * Writing turns NaN and infinities into {@code null} (JSON has no such numbers) and paths into strings.
 */
public final class Json {
    private Json() {}

    /** Deepest nesting of objects and arrays read (safetensors headers nest three deep, results five). */
    public static final int MAX_DEPTH = 64;
    /** Longest string read, in characters (a checkpoint's vocabulary is one string of ~1 MB at 50,000 words). */
    public static final int MAX_STRING = 32 << 20;
    /** Largest document read, in bytes (the safetensors format's own limit on a header). */
    public static final long MAX_DOCUMENT = 100L << 20;

    /** Malformed or over-limit JSON: one line naming the source. */
    public static final class ParseException extends GalvaniException {
        ParseException(String message) {
            super(message);
        }
    }

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH).maxStringLength(MAX_STRING).maxDocumentLength(MAX_DOCUMENT).build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();

    private static final ObjectMapper MAPPER = JsonMapper.builder(FACTORY)
            .enable(DeserializationFeature.USE_LONG_FOR_INTS, DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(com.fasterxml.jackson.databind.SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .addModule(new SimpleModule("galvani")
                    .addSerializer(Double.class, new FiniteOrNull<>(Double.class))
                    .addSerializer(double.class, new FiniteOrNull<>(double.class))
                    .addSerializer(Float.class, new FiniteOrNull<>(Float.class))
                    .addSerializer(float.class, new FiniteOrNull<>(float.class))
                    .addSerializer(double[].class, new DoublesOrNull())
                    .addSerializer(float[].class, new FloatsOrNull())
                    .addSerializer(Path.class, ToStringSerializer.instance))
            .build();

    /** Objects indented by two spaces, one entry a line; arrays on one line, as {@code [1, 2, 3]}. */
    private static final ObjectWriter PRETTY = MAPPER.writer(new DefaultPrettyPrinter()
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(DefaultPrettyPrinter.NopIndenter.instance)
            .withSeparators(Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                    .withArrayValueSpacing(Separators.Spacing.AFTER)));

    /** Parses JSON text; malformed input is a {@link ParseException}. */
    public static Object parse(String s) {
        return parse(s, "JSON");
    }

    /** Parses JSON text; {@code where} names its source (a file) in the one-line error. */
    public static Object parse(String s, String where) {
        try {
            return MAPPER.readValue(s, Object.class);
        } catch (IOException e) {
            throw error(where, e);
        } catch (RuntimeException e) {
            throw new ParseException(where + ": not valid JSON (" + oneLine(String.valueOf(e.getMessage())) + ")");
        }
    }

    /** Parses UTF-8 bytes ({@code length} bytes from {@code offset}); invalid UTF-8 is an error, never replaced. */
    public static Object parse(byte[] utf8, int offset, int length, String where) {
        try {
            return MAPPER.readValue(utf8, offset, length, Object.class);
        } catch (IOException e) {
            throw error(where, e);
        } catch (RuntimeException e) {
            throw new ParseException(where + ": not valid JSON (" + oneLine(String.valueOf(e.getMessage())) + ")");
        }
    }

    /** Reads and parses a JSON file. */
    public static Object read(Path file) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new GalvaniException(file + ": cannot read (" + e.getMessage() + ")");
        }
        if (size > MAX_DOCUMENT) throw new ParseException(file + ": JSON of " + size + " bytes exceeds the limit of " + MAX_DOCUMENT);
        byte[] b;
        try {
            b = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new GalvaniException(file + ": cannot read (" + e.getMessage() + ")");
        }
        return parse(b, 0, b.length, file.toString());
    }

    /** Compact, one line. */
    public static String write(Object v) {
        try {
            return MAPPER.writeValueAsString(v);
        } catch (JsonProcessingException e) {
            throw new GalvaniException("cannot write JSON: " + oneLine(e.getOriginalMessage()));
        }
    }

    /** Indented, for files people read (ends with a newline). */
    public static String pretty(Object v) {
        try {
            return PRETTY.writeValueAsString(v) + "\n";
        } catch (JsonProcessingException e) {
            throw new GalvaniException("cannot write JSON: " + oneLine(e.getOriginalMessage()));
        }
    }

    /** Writes {@link #pretty} JSON to a file atomically (an existing file is replaced whole or not at all). */
    public static void write(Path file, Object v) {
        byte[] b = pretty(v).getBytes(StandardCharsets.UTF_8);
        AtomicFile.write(file, "JSON", out -> out.write(b));
    }

    private static ParseException error(String where, IOException e) {
        if (e instanceof StreamConstraintsException) {
            return new ParseException(where + ": JSON exceeds a limit (" + oneLine(((StreamConstraintsException) e).getOriginalMessage()) + ")");
        }
        if (e instanceof JsonProcessingException j) {
            JsonLocation at = j.getLocation();
            String loc = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            return new ParseException(where + ": not valid JSON (" + oneLine(j.getOriginalMessage()) + loc + ")");
        }
        return new ParseException(where + ": not valid JSON (" + oneLine(String.valueOf(e.getMessage())) + ")");
    }

    /** Jackson's messages may span lines, quote long tokens and name its own settings: one line, at most 200 characters. */
    private static String oneLine(String s) {
        String t = s == null ? "" : s.replaceAll(", from `[^`]*`", "").replaceAll("\\s+", " ").strip();
        return t.length() > 200 ? t.substring(0, 197) + "..." : t;
    }

    private static final class FiniteOrNull<T extends Number> extends StdSerializer<T> {
        FiniteOrNull(Class<T> type) {
            super(type);
        }

        @Override public void serialize(T v, JsonGenerator g, SerializerProvider p) throws IOException {
            if (!Double.isFinite(v.doubleValue())) g.writeNull();
            else if (v instanceof Float f) g.writeNumber(f);
            else g.writeNumber(v.doubleValue());
        }
    }

    private static final class DoublesOrNull extends StdSerializer<double[]> {
        DoublesOrNull() {
            super(double[].class);
        }

        @Override public void serialize(double[] a, JsonGenerator g, SerializerProvider p) throws IOException {
            g.writeStartArray(a, a.length);
            for (double d : a) {
                if (Double.isFinite(d)) g.writeNumber(d);
                else g.writeNull();
            }
            g.writeEndArray();
        }
    }

    private static final class FloatsOrNull extends StdSerializer<float[]> {
        FloatsOrNull() {
            super(float[].class);
        }

        @Override public void serialize(float[] a, JsonGenerator g, SerializerProvider p) throws IOException {
            g.writeStartArray(a, a.length);
            for (float d : a) {
                if (Float.isFinite(d)) g.writeNumber(d);
                else g.writeNull();
            }
            g.writeEndArray();
        }
    }
}
