package dev.galvani.models.checkpoint;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Shapes;
import dev.galvani.engine.Tensor;
import dev.galvani.models.io.Json;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format: an 8-byte little-endian header length {@code N}, {@code N} bytes of
 * UTF-8 JSON ({@code {"name": {"dtype", "shape", "data_offsets": [begin, end]}, ...,
 * "__metadata__": {string: string}}}), then the little-endian tensor data.
 *
 * <p>Tensors are float32 ({@code F32}); PyTorch's integer {@code num_batches_tracked} buffers are
 * written as {@code I64} scalars and read back as floats, so PyTorch's
 * {@code load_state_dict(strict=True)} accepts the file. {@code F64} and {@code I64} tensors are
 * read (converted to float). Writes are atomic: a temporary file in the same directory, synced,
 * then moved over the target, so a failed write never damages an existing checkpoint.
 */
public final class Safetensors {
    private Safetensors() {}

    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {}

    /** Largest header accepted (the format's own limit is 100 MB). */
    private static final long MAX_HEADER = 100L << 20;

    public static void write(Path path, Map<String, Tensor> tensors, Map<String, String> metadata) {
        Map<String, Object> header = new LinkedHashMap<>();
        List<byte[]> blobs = new ArrayList<>();
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            boolean integer = e.getKey().endsWith("num_batches_tracked");
            ByteBuffer b = ByteBuffer.allocate(t.numel() * (integer ? 8 : 4)).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : t.data()) {
                if (integer) b.putLong((long) v);
                else b.putFloat(v);
            }
            byte[] bytes = b.array();
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("dtype", integer ? "I64" : "F32");
            List<Object> shape = new ArrayList<>();
            if (!(integer && t.numel() == 1)) for (int s : t.shape()) shape.add(s);
            h.put("shape", shape);
            h.put("data_offsets", List.of(offset, offset + bytes.length));
            header.put(e.getKey(), h);
            blobs.add(bytes);
            offset += bytes.length;
        }
        header.put("__metadata__", new LinkedHashMap<>(metadata));
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        int pad = (8 - json.length % 8) % 8;                         // keep data 8-byte aligned
        Path dir = path.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + path.getFileName() + ".", ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
                 OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
                ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length + pad);
                out.write(len.array());
                out.write(json);
                for (int i = 0; i < pad; i++) out.write(' ');
                for (byte[] b : blobs) out.write(b);
                out.flush();
                ch.force(true);
            }
            try {
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException | IOException ignored) {
                // not a POSIX file system: keep the default permissions
            }
            try {
                Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new GalvaniException("cannot write checkpoint " + path + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the temporary file is named after the target
                }
            }
        }
    }

    public static Contents read(Path path) {
        byte[] all;
        try {
            all = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new GalvaniException("cannot read checkpoint " + path + ": " + e.getMessage(), e);
        }
        String where = "checkpoint " + path;
        if (all.length < 8) throw new GalvaniException(where + ": file of " + all.length + " bytes is too short for a safetensors header");
        long n = ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (n <= 0 || n > MAX_HEADER || 8 + n > all.length) {
            throw new GalvaniException(where + ": header length " + n + " does not fit the file of " + all.length + " bytes (truncated or not safetensors)");
        }
        Object parsed;
        try {
            parsed = Json.parse(new String(all, 8, (int) n, StandardCharsets.UTF_8));
        } catch (Json.ParseException e) {
            throw new GalvaniException(where + ": header is not valid JSON (" + e.getMessage() + ")");
        }
        if (!(parsed instanceof Map<?, ?> header)) throw new GalvaniException(where + ": header is not a JSON object");
        long dataStart = 8 + n, dataLen = all.length - dataStart;
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, String> meta = new LinkedHashMap<>();
        List<long[]> ranges = new ArrayList<>();
        for (Map.Entry<?, ?> e : header.entrySet()) {
            String name = String.valueOf(e.getKey());
            if (name.equals("__metadata__")) {
                if (e.getValue() instanceof Map<?, ?> m) m.forEach((k, v) -> meta.put(String.valueOf(k), String.valueOf(v)));
                continue;
            }
            if (!(e.getValue() instanceof Map<?, ?> h)) throw new GalvaniException(where + ": entry '" + name + "' is not an object");
            String dtype = String.valueOf(h.get("dtype"));
            int width = switch (dtype) {
                case "F32" -> 4;
                case "F64", "I64" -> 8;
                default -> throw new GalvaniException(where + ": tensor '" + name + "' has unsupported dtype " + dtype + " (F32, F64, I64 are read)");
            };
            if (!(h.get("shape") instanceof List<?> sl) || !(h.get("data_offsets") instanceof List<?> ol) || ol.size() != 2) {
                throw new GalvaniException(where + ": tensor '" + name + "' lacks a shape or data_offsets");
            }
            int[] shape = new int[sl.size()];
            for (int i = 0; i < shape.length; i++) {
                if (!(sl.get(i) instanceof Long l) || l < 0 || l > Integer.MAX_VALUE) throw new GalvaniException(where + ": tensor '" + name + "' has a bad shape " + sl);
                shape[i] = (int) (long) l;
            }
            if (!(ol.get(0) instanceof Long b) || !(ol.get(1) instanceof Long en)) throw new GalvaniException(where + ": tensor '" + name + "' has bad data_offsets " + ol);
            long count;
            try {
                count = Shapes.numel(shape);
            } catch (GalvaniException ex) {
                throw new GalvaniException(where + ": tensor '" + name + "' has a bad shape " + sl);
            }
            if (b < 0 || en < b || en > dataLen) {
                throw new GalvaniException(where + ": tensor '" + name + "' data " + b + ".." + en + " lies outside the " + dataLen + " data bytes (truncated?)");
            }
            if (en - b != count * width) {
                throw new GalvaniException(where + ": tensor '" + name + "' has " + (en - b) + " bytes, shape " + sl + " of " + dtype + " needs " + count * width);
            }
            ranges.add(new long[] {b, en});
            ByteBuffer buf = ByteBuffer.wrap(all, (int) (dataStart + b), (int) (en - b)).order(ByteOrder.LITTLE_ENDIAN);
            float[] d = new float[(int) count];
            for (int i = 0; i < d.length; i++) {
                d[i] = switch (dtype) {
                    case "F32" -> buf.getFloat();
                    case "F64" -> (float) buf.getDouble();
                    default -> (float) buf.getLong();
                };
            }
            tensors.put(name, new Tensor(d, shape));
        }
        ranges.sort((x, y) -> Long.compare(x[0], y[0]));
        long end = 0;
        for (long[] r : ranges) {
            if (r[0] < end) throw new GalvaniException(where + ": tensor data ranges overlap");
            end = r[1];
        }
        if (end != dataLen) throw new GalvaniException(where + ": " + (dataLen - end) + " bytes after the last tensor (corrupt or wrong header)");
        return new Contents(tensors, meta);
    }
}
