package dev.galvani.models.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.galvani.engine.GalvaniException;
import dev.galvani.models.onnx.proto.Onnx;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An ONNX model file read into the protobuf classes generated from ONNX's {@code onnx.proto}
 * (models/src/main/proto), with the checks that turn a corrupt, truncated or foreign file into
 * one line naming it. Weights stored as external data are read by {@link OnnxTensors}, relative
 * to {@link #directory()}.
 */
public record OnnxFile(Path path, Onnx.ModelProto model) {

    /** Reads and checks a model file. */
    public static OnnxFile read(Path path) {
        if (!Files.isRegularFile(path)) throw new GalvaniException(path + ": no such file");
        Onnx.ModelProto m;
        try (InputStream in = Files.newInputStream(path)) {
            CodedInputStream cin = CodedInputStream.newInstance(in);
            cin.setSizeLimit(Integer.MAX_VALUE); // protobuf's own 2 GB message limit; larger weights go to external data
            cin.setRecursionLimit(256);
            m = Onnx.ModelProto.parseFrom(cin);
        } catch (InvalidProtocolBufferException e) {
            throw new GalvaniException(path + ": not a readable ONNX file (truncated or corrupt protobuf: " + firstLine(e.getMessage()) + ")");
        } catch (IOException e) {
            throw new GalvaniException(path + ": cannot read (" + e.getMessage() + ")");
        }
        return check(path, m);
    }

    /** Parses a model held in memory (tests, and models written by Galvani itself). */
    public static OnnxFile parse(Path path, byte[] bytes) {
        try {
            return check(path, Onnx.ModelProto.parseFrom(bytes));
        } catch (InvalidProtocolBufferException e) {
            throw new GalvaniException(path + ": not a readable ONNX file (truncated or corrupt protobuf: " + firstLine(e.getMessage()) + ")");
        }
    }

    private static OnnxFile check(Path path, Onnx.ModelProto m) {
        // A protobuf parser accepts many byte strings (unknown fields are skipped), so a file that
        // parses may still not be a model: every ONNX model has an IR version, an opset and a graph.
        if (m.getIrVersion() <= 0 || !m.hasGraph() || m.getOpsetImportCount() == 0) {
            throw new GalvaniException(path + ": not an ONNX model (no IR version, opset or graph; truncated or another kind of file?)");
        }
        if (m.getGraph().getNodeCount() == 0) throw new GalvaniException(path + ": the ONNX graph has no nodes");
        return new OnnxFile(path, m);
    }

    private static String firstLine(String s) {
        if (s == null) return "no detail";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    public Onnx.GraphProto graph() {
        return model.getGraph();
    }

    /** The folder external-data locations are relative to. */
    public Path directory() {
        Path p = path.toAbsolutePath().getParent();
        return p == null ? Path.of(".") : p;
    }

    /** The opset version imported for a domain ("" or "ai.onnx" is the default domain), or -1. */
    public int opset(String domain) {
        for (Onnx.OperatorSetIdProto o : model.getOpsetImportList()) {
            String d = o.getDomain();
            boolean def = domain.isEmpty() || domain.equals("ai.onnx");
            if (d.equals(domain) || (def && (d.isEmpty() || d.equals("ai.onnx")))) return (int) o.getVersion();
        }
        return -1;
    }

    /** The file name, for messages. */
    public String name() {
        return path.toString();
    }
}
