package dev.galvani.models.onnx;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Shapes;
import dev.galvani.engine.Tensor;
import dev.galvani.models.onnx.proto.Onnx;
import dev.galvani.models.onnx.proto.Onnx.TensorProto.DataType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * ONNX {@code TensorProto}s to values: floating-point tensors (float, double, float16) become
 * engine {@link Tensor}s; integer and boolean tensors (shapes, indices, axes) become {@link Ints}.
 * Data may sit in {@code raw_data} (little-endian), in the typed repeated fields, or in an external
 * file ({@code data_location = EXTERNAL}: {@code location}, {@code offset}, {@code length} relative
 * to the model's folder, ONNX IR spec, "External Tensor Data").
 */
public final class OnnxTensors {
    private OnnxTensors() {}

    /** Reads a tensor as a {@link Tensor} or {@link Ints}; {@code file} names it in errors and locates external data. */
    public static Object read(OnnxFile file, Onnx.TensorProto t) {
        int[] shape = shape(file, t);
        int n = Shapes.numel(shape);
        DataType type = DataType.forNumber(t.getDataType());
        if (type == null) throw bad(file, t, "has unknown data type " + t.getDataType());
        ByteBuffer raw = null;
        if (t.getDataLocation() == Onnx.TensorProto.DataLocation.EXTERNAL) {
            raw = external(file, t, n * (long) width(file, t, type));
        } else if (t.hasRawData()) {
            raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        }
        if (raw != null) {
            long need = n * (long) width(file, t, type);
            if (raw.remaining() != need) {
                throw bad(file, t, "holds " + raw.remaining() + " bytes, its shape " + java.util.Arrays.toString(shape)
                        + " of " + type + " needs " + need + " (truncated file?)");
            }
        }
        return switch (type) {
            case FLOAT, DOUBLE, FLOAT16 -> new Tensor(floats(file, t, type, raw, n), shape);
            case INT64, INT32, INT16, INT8, UINT8, UINT16, UINT32, BOOL -> new Ints(longs(file, t, type, raw, n), shape);
            default -> throw bad(file, t, "has data type " + type + "; Galvani reads float, double, float16, integer and bool tensors");
        };
    }

    private static int[] shape(OnnxFile file, Onnx.TensorProto t) {
        int[] s = new int[t.getDimsCount()];
        long total = 1;
        for (int i = 0; i < s.length; i++) {
            long d = t.getDims(i);
            if (d < 0 || d > Integer.MAX_VALUE) throw bad(file, t, "has dimension " + d);
            total *= Math.max(1, d);
            if (total > Integer.MAX_VALUE) throw bad(file, t, "has more than 2^31 elements");
            s[i] = (int) d;
        }
        return s;
    }

    private static int width(OnnxFile file, Onnx.TensorProto t, DataType type) {
        return switch (type) {
            case FLOAT, INT32, UINT32 -> 4;
            case DOUBLE, INT64 -> 8;
            case FLOAT16, INT16, UINT16 -> 2;
            case INT8, UINT8, BOOL -> 1;
            default -> throw bad(file, t, "has data type " + type + "; Galvani reads float, double, float16, integer and bool tensors");
        };
    }

    private static float[] floats(OnnxFile file, Onnx.TensorProto t, DataType type, ByteBuffer raw, int n) {
        float[] out = new float[n];
        if (raw != null) {
            switch (type) {
                case FLOAT -> raw.asFloatBuffer().get(out);
                case DOUBLE -> { for (int i = 0; i < n; i++) out[i] = (float) raw.getDouble(i * 8); }
                default -> { for (int i = 0; i < n; i++) out[i] = halfToFloat(raw.getShort(i * 2)); }
            }
            return out;
        }
        int have = switch (type) {
            case FLOAT -> t.getFloatDataCount();
            case DOUBLE -> t.getDoubleDataCount();
            default -> t.getInt32DataCount();
        };
        if (have != n) throw bad(file, t, "holds " + have + " values, its shape needs " + n);
        for (int i = 0; i < n; i++) {
            out[i] = switch (type) {
                case FLOAT -> t.getFloatData(i);
                case DOUBLE -> (float) t.getDoubleData(i);
                default -> halfToFloat((short) t.getInt32Data(i)); // float16 bits stored in int32_data
            };
        }
        return out;
    }

    private static long[] longs(OnnxFile file, Onnx.TensorProto t, DataType type, ByteBuffer raw, int n) {
        long[] out = new long[n];
        if (raw != null) {
            for (int i = 0; i < n; i++) {
                out[i] = switch (type) {
                    case INT64 -> raw.getLong(i * 8);
                    case INT32 -> raw.getInt(i * 4);
                    case UINT32 -> Integer.toUnsignedLong(raw.getInt(i * 4));
                    case INT16 -> raw.getShort(i * 2);
                    case UINT16 -> Short.toUnsignedInt(raw.getShort(i * 2));
                    case INT8 -> raw.get(i);
                    default -> Byte.toUnsignedInt(raw.get(i)); // UINT8, BOOL
                };
            }
            return out;
        }
        boolean wide = type == DataType.INT64;
        int have = wide ? t.getInt64DataCount() : type == DataType.UINT32 ? t.getUint64DataCount() : t.getInt32DataCount();
        if (have != n) throw bad(file, t, "holds " + have + " values, its shape needs " + n);
        for (int i = 0; i < n; i++) {
            out[i] = wide ? t.getInt64Data(i) : type == DataType.UINT32 ? t.getUint64Data(i) : t.getInt32Data(i);
        }
        return out;
    }

    /** IEEE 754 binary16 bits to float (Java 17 has no {@code Float.float16ToFloat}). */
    public static float halfToFloat(short bits) {
        int h = bits & 0xffff, sign = (h & 0x8000) << 16, exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
        if (exp == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13)); // inf, NaN
        if (exp == 0) { // zero or subnormal: mant * 2^-24
            float v = mant * 0x1p-24f;
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** A copy of the tensor with its external data read into {@code raw_data} (for handing the model to another runtime). */
    static Onnx.TensorProto inlined(OnnxFile file, Onnx.TensorProto t) {
        if (t.getDataLocation() != Onnx.TensorProto.DataLocation.EXTERNAL) return t;
        DataType type = DataType.forNumber(t.getDataType());
        long need = Shapes.numel(shape(file, t)) * (long) width(file, t, type);
        return t.toBuilder().clearExternalData().setDataLocation(Onnx.TensorProto.DataLocation.DEFAULT)
                .setRawData(com.google.protobuf.ByteString.copyFrom(external(file, t, need))).build();
    }

    /** The bytes of an external tensor, read from its file (the whole remaining file when no length is given). */
    private static ByteBuffer external(OnnxFile file, Onnx.TensorProto t, long need) {
        String location = null;
        long offset = 0, length = -1;
        for (Onnx.StringStringEntryProto e : t.getExternalDataList()) {
            try {
                switch (e.getKey()) {
                    case "location" -> location = e.getValue();
                    case "offset" -> offset = Long.parseLong(e.getValue());
                    case "length" -> length = Long.parseLong(e.getValue());
                    default -> { }
                }
            } catch (NumberFormatException ex) {
                throw bad(file, t, "has external data " + e.getKey() + " '" + e.getValue() + "', not a number");
            }
        }
        if (location == null || location.isEmpty()) throw bad(file, t, "is stored externally but names no location");
        Path p = file.directory().resolve(location).normalize();
        if (!Files.isRegularFile(p)) {
            throw new GalvaniException(file.name() + ": external data file '" + location + "' for tensor '" + t.getName()
                    + "' not found (looked for " + p + ")");
        }
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            long size = ch.size();
            long len = length >= 0 ? length : need;
            if (offset < 0 || offset + len > size) {
                throw new GalvaniException(file.name() + ": external data file '" + location + "' has " + size + " bytes; tensor '"
                        + t.getName() + "' needs bytes " + offset + ".." + (offset + len) + " (truncated?)");
            }
            if (len > Integer.MAX_VALUE) throw bad(file, t, "has more than 2 GB of external data");
            ByteBuffer b = ByteBuffer.allocate((int) len).order(ByteOrder.LITTLE_ENDIAN);
            while (b.hasRemaining()) {
                if (ch.read(b, offset + b.position()) < 0) break;
            }
            b.flip();
            return b;
        } catch (IOException e) {
            throw new GalvaniException(file.name() + ": cannot read external data file '" + location + "' (" + e.getMessage() + ")");
        }
    }

    private static GalvaniException bad(OnnxFile file, Onnx.TensorProto t, String what) {
        return new GalvaniException(file.name() + ": tensor '" + t.getName() + "' " + what);
    }
}
