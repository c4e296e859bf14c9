package dev.galvani.models.checkpoint;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Shapes;
import dev.galvani.engine.Tensor;
import dev.galvani.models.io.AtomicFile;
import dev.galvani.models.io.Json;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * The safetensors format: an 8-byte little-endian header length {@code N}, {@code N} bytes of
 * UTF-8 JSON ({@code {"name": {"dtype", "shape", "data_offsets": [begin, end]}, ...,
 * "__metadata__": {string: string}}}), then the little-endian tensor data, contiguous.
 *
 * <p>Tensors are float32 ({@code F32}); PyTorch's integer {@code num_batches_tracked} buffers are
 * written as {@code I64} scalars and read back as floats, so PyTorch's
 * {@code load_state_dict(strict=True)} accepts the file. {@code F64} and {@code I64} tensors are
 * read (converted to float). Writes are atomic ({@link AtomicFile}): a failed or killed write never
 * damages an existing checkpoint.
 *
 * <p>What reading promises. The format itself has no checksum, so on a foreign file a changed byte
 * inside the tensor data or a metadata string reads as a different valid file; everything else (the
 * length prefix, the JSON grammar and limits, dtypes, shapes, offsets that must tile the data
 * exactly) is checked, and any fault is one {@link GalvaniException} naming the file. Files written
 * here also carry {@value #CHECKSUM} in their metadata: a CRC-32C over the tensor entries, the
 * other metadata and the data bytes, announced by {@value #CHECKSUM_KIND} = {@code crc32c}. Both
 * are verified on reading (and removed from the metadata returned): one without the other means a
 * damaged key name, which would otherwise switch the check off. So any single changed byte of such
 * a file is refused; CRC-32C detects every error burst up to 32 bits and misses other changes with
 * probability 2^-32.
 */
public final class Safetensors {
    private Safetensors() {}

    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {}

    /** Largest header accepted (the format's own limit is 100 MB). */
    public static final long MAX_HEADER = Json.MAX_DOCUMENT;

    /** Metadata keys of the checksum written with every file (its kind, and the CRC-32C in hex), checked when present. */
    public static final String CHECKSUM = "galvani.crc32c", CHECKSUM_KIND = "galvani.checksum";

    private static final String METADATA = "__metadata__";

    /** One tensor's header entry. */
    private record Entry(String name, String dtype, int[] shape, long begin, long end) {}

    public static void write(Path path, Map<String, Tensor> tensors, Map<String, String> metadata) {
        List<Entry> entries = new ArrayList<>();
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            boolean integer = e.getKey().endsWith("num_batches_tracked");
            long bytes = (long) t.numel() * (integer ? 8 : 4);
            int[] shape = integer && t.numel() == 1 ? new int[0] : t.shape();
            entries.add(new Entry(e.getKey(), integer ? "I64" : "F32", shape, offset, offset + bytes));
            offset += bytes;
        }
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        meta.remove(CHECKSUM);
        meta.remove(CHECKSUM_KIND);
        CRC32C crc = new CRC32C();
        describe(crc, entries, meta);
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) crc.update(data(e.getKey(), e.getValue()));
        meta.put(CHECKSUM_KIND, "crc32c");
        meta.put(CHECKSUM, HexFormat.of().toHexDigits((int) crc.getValue()));

        Map<String, Object> header = new LinkedHashMap<>();
        for (Entry en : entries) {
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("dtype", en.dtype());
            h.put("shape", en.shape());
            h.put("data_offsets", List.of(en.begin(), en.end()));
            header.put(en.name(), h);
        }
        header.put(METADATA, meta);
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        int pad = (8 - json.length % 8) % 8;                         // keep data 8-byte aligned
        AtomicFile.write(path, "checkpoint", out -> {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length + pad).array());
            out.write(json);
            for (int i = 0; i < pad; i++) out.write(' ');
            for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                ByteBuffer b = data(e.getKey(), e.getValue());
                out.write(b.array(), 0, b.limit());
            }
        });
    }

    /** A tensor's bytes as written: float32, or int64 for the batch-norm counters. */
    private static ByteBuffer data(String name, Tensor t) {
        boolean integer = name.endsWith("num_batches_tracked");
        ByteBuffer b = ByteBuffer.allocate(t.numel() * (integer ? 8 : 4)).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : t.toHost().data()) { // a checkpoint is where a device's values cross to the host
            if (integer) b.putLong((long) v);
            else b.putFloat(v);
        }
        return b.flip();
    }

    /** The checksummed description of the header: entries in order, then metadata sorted by key (without the checksum's keys). */
    private static void describe(CRC32C crc, List<Entry> entries, Map<String, String> meta) {
        ByteBuffer num = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        for (Entry e : entries) {
            string(crc, e.name());
            string(crc, e.dtype());
            crc.update(num.clear().putLong(e.shape().length).flip());
            for (int s : e.shape()) crc.update(num.clear().putLong(s).flip());
            crc.update(num.clear().putLong(e.begin()).flip());
            crc.update(num.clear().putLong(e.end()).flip());
        }
        for (Map.Entry<String, String> m : new TreeMap<>(meta).entrySet()) {
            if (m.getKey().equals(CHECKSUM) || m.getKey().equals(CHECKSUM_KIND)) continue;
            string(crc, m.getKey());
            string(crc, m.getValue());
        }
    }

    private static void string(CRC32C crc, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        crc.update(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
        crc.update(b);
    }

    public static Contents read(Path path) {
        byte[] all;
        try {
            all = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new GalvaniException("cannot read checkpoint " + path + ": " + e.getMessage(), e);
        } catch (OutOfMemoryError e) {
            throw new GalvaniException("checkpoint " + path + ": too large to read into memory; raise -Xmx (GALVANI_JAVA_OPTS)");
        }
        return read(all, "checkpoint " + path);
    }

    /** Parses a whole file's bytes; {@code where} names it in errors. */
    public static Contents read(byte[] all, String where) {
        if (all.length < 8) throw new GalvaniException(where + ": file of " + all.length + " bytes is too short for a safetensors header");
        long n = ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (n <= 0 || n > MAX_HEADER || 8 + n > all.length) {
            throw new GalvaniException(where + ": header length " + n + " does not fit the file of " + all.length + " bytes (truncated or not safetensors)");
        }
        Object parsed = Json.parse(all, 8, (int) n, where + ": header");
        if (!(parsed instanceof Map<?, ?> header)) throw new GalvaniException(where + ": header is not a JSON object");
        long dataStart = 8 + n, dataLen = all.length - dataStart;
        List<Entry> entries = new ArrayList<>();
        Map<String, String> meta = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : header.entrySet()) {
            String name = String.valueOf(e.getKey());
            if (name.equals(METADATA)) {
                if (!(e.getValue() instanceof Map<?, ?> m)) throw new GalvaniException(where + ": " + METADATA + " is not an object of strings");
                for (Map.Entry<?, ?> kv : m.entrySet()) {
                    if (!(kv.getValue() instanceof String v)) throw new GalvaniException(where + ": metadata '" + kv.getKey() + "' is not a string");
                    meta.put(String.valueOf(kv.getKey()), v);
                }
                continue;
            }
            entries.add(entry(where, name, e.getValue(), dataLen));
        }
        List<Entry> byOffset = new ArrayList<>(entries);
        byOffset.sort((x, y) -> x.begin() != y.begin() ? Long.compare(x.begin(), y.begin()) : Long.compare(x.end(), y.end()));
        long end = 0;
        for (Entry r : byOffset) {
            if (r.begin() < end) throw new GalvaniException(where + ": tensor data ranges overlap ('" + r.name() + "')");
            if (r.begin() > end) throw new GalvaniException(where + ": " + (r.begin() - end) + " unused bytes before tensor '" + r.name() + "' (corrupt or wrong header)");
            end = r.end();
        }
        if (end != dataLen) throw new GalvaniException(where + ": " + (dataLen - end) + " bytes after the last tensor (corrupt or wrong header)");
        String stored = meta.remove(CHECKSUM), kind = meta.remove(CHECKSUM_KIND);
        if ((stored == null) != (kind == null)) {
            throw new GalvaniException(where + ": has '" + (stored == null ? CHECKSUM_KIND : CHECKSUM) + "' without '" + (stored == null ? CHECKSUM : CHECKSUM_KIND)
                    + "' (a damaged key: the file is corrupt)");
        }
        if (kind != null && !kind.equals("crc32c")) throw new GalvaniException(where + ": unknown checksum kind '" + kind + "' (the file is corrupt?)");
        if (stored != null) {
            CRC32C crc = new CRC32C();
            describe(crc, entries, meta);
            crc.update(all, (int) dataStart, (int) dataLen);
            String actual = HexFormat.of().toHexDigits((int) crc.getValue());
            if (!actual.equals(stored)) {
                throw new GalvaniException(where + ": checksum " + CHECKSUM + " " + stored + " does not match the contents (" + actual
                        + "): the file is corrupt or was changed by another program");
            }
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Entry e : entries) tensors.put(e.name(), tensor(e, all, dataStart));
        return new Contents(tensors, meta);
    }

    private static Entry entry(String where, String name, Object value, long dataLen) {
        if (!(value instanceof Map<?, ?> h)) throw new GalvaniException(where + ": entry '" + name + "' is not an object");
        String dtype = String.valueOf(h.get("dtype"));
        int width = width(dtype);
        if (width == 0) throw new GalvaniException(where + ": tensor '" + name + "' has unsupported dtype " + dtype + " (F32, F64, I64 are read)");
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
        return new Entry(name, dtype, shape, b, en);
    }

    private static int width(String dtype) {
        return switch (dtype) {
            case "F32" -> 4;
            case "F64", "I64" -> 8;
            default -> 0;
        };
    }

    private static Tensor tensor(Entry e, byte[] all, long dataStart) {
        ByteBuffer buf = ByteBuffer.wrap(all, (int) (dataStart + e.begin()), (int) (e.end() - e.begin())).order(ByteOrder.LITTLE_ENDIAN);
        float[] d = new float[(int) ((e.end() - e.begin()) / width(e.dtype()))];
        for (int i = 0; i < d.length; i++) {
            d[i] = switch (e.dtype()) {
                case "F32" -> buf.getFloat();
                case "F64" -> (float) buf.getDouble();
                default -> (float) buf.getLong();
            };
        }
        return new Tensor(d, e.shape());
    }
}
