package dev.galvani.models.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A small JSON reader and writer (objects as {@code LinkedHashMap}, arrays as {@code List}, numbers
 * as {@code Long} when integral else {@code Double}): enough for safetensors headers, metrics and
 * report data, without a dependency.
 */
public final class Json {
    private Json() {}

    /** Thrown on malformed input, with the offset. */
    public static final class ParseException extends RuntimeException {
        ParseException(String msg, int at) {
            super(msg + " at offset " + at);
        }
    }

    public static Object parse(String s) {
        Json.Parser p = new Json.Parser(s);
        p.ws();
        Object v = p.value();
        p.ws();
        if (p.i != s.length()) throw new ParseException("trailing characters", p.i);
        return v;
    }

    public static String write(Object v) {
        StringBuilder sb = new StringBuilder();
        write(sb, v, "", false);
        return sb.toString();
    }

    /** Indented, for files people read. */
    public static String pretty(Object v) {
        StringBuilder sb = new StringBuilder();
        write(sb, v, "", true);
        return sb.append('\n').toString();
    }

    /** Writes {@link #pretty} JSON to a file atomically (an existing file is replaced whole or not at all). */
    public static void write(java.nio.file.Path file, Object v) {
        try {
            java.nio.file.Path dir = file.toAbsolutePath().getParent();
            if (dir != null) java.nio.file.Files.createDirectories(dir);
            java.nio.file.Path tmp = java.nio.file.Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
            java.nio.file.Files.writeString(tmp, pretty(v));
            java.nio.file.Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (java.io.IOException e) {
            throw new dev.galvani.engine.GalvaniException("cannot write " + file + ": " + e.getMessage());
        }
    }

    private static void write(StringBuilder sb, Object v, String indent, boolean pretty) {
        String nl = pretty ? "\n" : "", in = pretty ? indent + "  " : "";
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String s) {
            quote(sb, s);
        } else if (v instanceof Double d) {
            sb.append(Double.isFinite(d) ? (d == Math.rint(d) && Math.abs(d) < 1e15 ? String.format(Locale.ROOT, "%.1f", d) : Double.toString(d)) : "null");
        } else if (v instanceof Float f) {
            write(sb, (double) f, indent, pretty);
        } else if (v instanceof Number || v instanceof Boolean) {
            sb.append(v);
        } else if (v instanceof Map<?, ?> m) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                sb.append(first ? "" : ",").append(nl).append(in);
                first = false;
                quote(sb, String.valueOf(e.getKey()));
                sb.append(pretty ? ": " : ":");
                write(sb, e.getValue(), in, pretty);
            }
            sb.append(first ? "" : nl + indent).append('}');
        } else if (v instanceof Iterable<?> it) {
            sb.append('[');
            boolean first = true;
            for (Object o : it) {
                sb.append(first ? "" : ", ");
                first = false;
                write(sb, o, in, pretty);
            }
            sb.append(']');
        } else if (v instanceof double[] a) {
            List<Object> l = new ArrayList<>();
            for (double d : a) l.add(d);
            write(sb, l, indent, pretty);
        } else if (v instanceof float[] a) {
            List<Object> l = new ArrayList<>();
            for (float d : a) l.add((double) d);
            write(sb, l, indent, pretty);
        } else if (v instanceof int[] a) {
            List<Object> l = new ArrayList<>();
            for (int d : a) l.add(d);
            write(sb, l, indent, pretty);
        } else if (v instanceof long[] a) {
            List<Object> l = new ArrayList<>();
            for (long d : a) l.add(d);
            write(sb, l, indent, pretty);
        } else if (v instanceof Object[] a) {
            write(sb, List.of(a), indent, pretty);
        } else {
            quote(sb, v.toString());
        }
    }

    private static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        sb.append('"');
    }

    private static final class Parser {
        final String s;
        int i;

        Parser(String s) {
            this.s = s;
        }

        void ws() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        }

        Object value() {
            if (i >= s.length()) throw new ParseException("unexpected end", i);
            char c = s.charAt(i);
            if (c == '{') return object();
            if (c == '[') return array();
            if (c == '"') return string();
            if (s.startsWith("true", i)) { i += 4; return Boolean.TRUE; }
            if (s.startsWith("false", i)) { i += 5; return Boolean.FALSE; }
            if (s.startsWith("null", i)) { i += 4; return null; }
            if (c == '-' || Character.isDigit(c)) return number();
            throw new ParseException("unexpected '" + c + "'", i);
        }

        Map<String, Object> object() {
            Map<String, Object> m = new LinkedHashMap<>();
            i++;
            ws();
            if (peek() == '}') { i++; return m; }
            while (true) {
                ws();
                if (peek() != '"') throw new ParseException("expected a key", i);
                String k = string();
                ws();
                if (peek() != ':') throw new ParseException("expected ':'", i);
                i++;
                ws();
                m.put(k, value());
                ws();
                char c = peek();
                i++;
                if (c == '}') return m;
                if (c != ',') throw new ParseException("expected ',' or '}'", i - 1);
            }
        }

        List<Object> array() {
            List<Object> l = new ArrayList<>();
            i++;
            ws();
            if (peek() == ']') { i++; return l; }
            while (true) {
                ws();
                l.add(value());
                ws();
                char c = peek();
                i++;
                if (c == ']') return l;
                if (c != ',') throw new ParseException("expected ',' or ']'", i - 1);
            }
        }

        char peek() {
            if (i >= s.length()) throw new ParseException("unexpected end", i);
            return s.charAt(i);
        }

        String string() {
            StringBuilder sb = new StringBuilder();
            i++;
            while (true) {
                char c = peek();
                i++;
                if (c == '"') return sb.toString();
                if (c == '\\') {
                    char e = peek();
                    i++;
                    switch (e) {
                        case '"', '\\', '/' -> sb.append(e);
                        case 'n' -> sb.append('\n');
                        case 't' -> sb.append('\t');
                        case 'r' -> sb.append('\r');
                        case 'b' -> sb.append('\b');
                        case 'f' -> sb.append('\f');
                        case 'u' -> {
                            if (i + 4 > s.length()) throw new ParseException("bad \\u escape", i);
                            sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                            i += 4;
                        }
                        default -> throw new ParseException("bad escape", i);
                    }
                } else {
                    sb.append(c);
                }
            }
        }

        Object number() {
            int start = i;
            if (peek() == '-') i++;
            while (i < s.length() && "0123456789.eE+-".indexOf(s.charAt(i)) >= 0) i++;
            String t = s.substring(start, i);
            try {
                if (t.contains(".") || t.contains("e") || t.contains("E")) return Double.parseDouble(t);
                return Long.parseLong(t);
            } catch (NumberFormatException e) {
                throw new ParseException("bad number '" + t + "'", start);
            }
        }
    }
}
