package dev.galvani.cli;

import dev.galvani.models.io.Json;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code --json} and {@code --out FILE} for the commands that print results: text or JSON on stdout, and the JSON in a file. */
final class ResultOutput {
    @Option(names = "--json", description = "Print the results as JSON instead of text.")
    boolean json;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the results as JSON to FILE (replaced whole or not at all).")
    Path out;

    /** Prints the text (or with --json the document) and writes the document to --out. */
    void emit(String text, Object document) {
        System.out.print(json ? Json.pretty(document) : text);
        System.out.flush();
        if (out != null) {
            Json.write(out, document);
            (json ? System.err : System.out).println("wrote " + out);
        }
    }
}
