package dev.galvani.models.io;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy's {@code .npy} format (version 1, 2 and 3): the magic {@code \x93NUMPY}, a version, a
 * little-endian header length, a header that is a Python dict literal
 * ({@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }}), then the data in C order.
 * Reads float32, float64, float16, signed and unsigned integers and bool (converted to float;
 * {@link NpyWriter} writes float32). Anything else is one line naming the file and the problem.
 */
public final class Npy {
    private Npy() {}

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    public static Tensor read(Path file) {
        byte[] b;
        try {
            b = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new GalvaniException(file + ": cannot read (" + (Files.exists(file) ? e.getMessage() : "no such file") + ")");
        }
        return parse(file, b);
    }

    /** Parses the bytes of a {@code .npy} file; {@code file} names it in errors. */
    public static Tensor parse(Path file, byte[] b) {
        if (b.length < 10 || !java.util.Arrays.equals(java.util.Arrays.copyOf(b, 6), MAGIC)) {
            throw new GalvaniException(file + ": not a NumPy .npy file (no \\x93NUMPY magic)");
        }
        int major = b[6];
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        long headerLen;
        int start;
        if (major == 1) {
            headerLen = Short.toUnsignedInt(bb.getShort(8));
            start = 10;
        } else if (major == 2 || major == 3) {
            if (b.length < 12) throw new GalvaniException(file + ": truncated .npy header");
            headerLen = Integer.toUnsignedLong(bb.getInt(8));
            start = 12;
        } else {
            throw new GalvaniException(file + ": .npy format version " + major + " is not supported (1, 2, 3)");
        }
        if (start + headerLen > b.length) throw new GalvaniException(file + ": truncated .npy header");
        String header = new String(b, start, (int) headerLen, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header), f = FORTRAN.matcher(header), s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) throw new GalvaniException(file + ": malformed .npy header: " + header.trim());
        if (f.group(1).equals("True")) throw new GalvaniException(file + ": array is in Fortran order; save it with np.ascontiguousarray first");
        int[] shape = parseShape(file, s.group(1));
        String descr = d.group(1);
        int width = width(file, descr);
        long n = 1;
        for (int x : shape) n *= x;
        if (n > Integer.MAX_VALUE) throw new GalvaniException(file + ": array of " + n + " elements is too large");
        long dataStart = start + headerLen, need = n * width;
        if (b.length - dataStart != need) {
            throw new GalvaniException(file + ": holds " + (b.length - dataStart) + " data bytes; shape " + java.util.Arrays.toString(shape)
                    + " of " + descr + " needs " + need + (b.length - dataStart < need ? " (truncated)" : ""));
        }
        ByteBuffer data = ByteBuffer.wrap(b, (int) dataStart, (int) need).slice()
                .order(descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[(int) n];
        char kind = descr.charAt(1);
        for (int i = 0; i < out.length; i++) out[i] = value(data, i, kind, width);
        for (int i = 0; i < out.length; i++) {
            if (!Float.isFinite(out[i])) throw new GalvaniException(file + ": element " + i + " is " + out[i]);
        }
        return new Tensor(out, shape);
    }

    private static int[] parseShape(Path file, String s) {
        List<Integer> dims = new ArrayList<>();
        for (String p : s.split(",")) {
            String t = p.trim().replace("L", "");
            if (t.isEmpty()) continue;
            try {
                dims.add(Integer.parseInt(t));
            } catch (NumberFormatException e) {
                throw new GalvaniException(file + ": malformed .npy shape (" + s + ")");
            }
        }
        return dims.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Bytes per element of a supported dtype, or an error naming the dtype. */
    private static int width(Path file, String descr) {
        if (descr.length() >= 3 && "<>|=".indexOf(descr.charAt(0)) >= 0) {
            char kind = descr.charAt(1);
            int w;
            try {
                w = Integer.parseInt(descr.substring(2));
            } catch (NumberFormatException e) {
                w = -1;
            }
            boolean ok = switch (kind) {
                case 'f' -> w == 2 || w == 4 || w == 8;
                case 'i', 'u' -> w == 1 || w == 2 || w == 4 || w == 8;
                case 'b' -> w == 1;
                default -> false;
            };
            if (ok) return w;
        }
        throw new GalvaniException(file + ": dtype '" + descr + "' is not supported; Galvani reads float16/32/64, integer and bool arrays");
    }

    private static float value(ByteBuffer d, int i, char kind, int w) {
        return switch (kind) {
            case 'f' -> w == 4 ? d.getFloat(i * 4) : w == 8 ? (float) d.getDouble(i * 8)
                    : dev.galvani.models.onnx.OnnxTensors.halfToFloat(d.getShort(i * 2));
            case 'i' -> switch (w) {
                case 1 -> d.get(i);
                case 2 -> d.getShort(i * 2);
                case 4 -> d.getInt(i * 4);
                default -> d.getLong(i * 8);
            };
            case 'u' -> switch (w) {
                case 1 -> Byte.toUnsignedInt(d.get(i));
                case 2 -> Short.toUnsignedInt(d.getShort(i * 2));
                case 4 -> Integer.toUnsignedLong(d.getInt(i * 4));
                default -> Float.parseFloat(Long.toUnsignedString(d.getLong(i * 8)));
            };
            default -> d.get(i) != 0 ? 1f : 0f; // bool
        };
    }
}
