package dev.galvani.distributed.cli;

import dev.galvani.distributed.Output;
import dev.galvani.distributed.Sessions;
import dev.galvani.distributed.SweepRunner;
import dev.galvani.engine.GalvaniException;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** What every sweep takes: where Spark runs, where results go, how the work is cut. */
final class SweepOptions {
    @Option(names = "--master", description = "Spark master: local[*] (embedded; the default), local[2], spark://host:7077, yarn, k8s://...; under spark-submit, its --master")
    String master;

    @Option(names = "--out", required = true, description = "Output folder (local path or a Hadoop URI such as hdfs://...): one subfolder per result table")
    String out;

    @Option(names = "--csv", description = "Also write each table as one sorted CSV file (for small sweeps)")
    boolean csv;

    @Option(names = "--overwrite", description = "Replace tables already in --out")
    boolean overwrite;

    @Option(names = "--partitions", defaultValue = "0", description = "Partitions of work items (0: one per item, at most four per core)")
    int partitions;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Folder holding fashion-mnist/ on every executor (default: $GALVANI_DATA)")
    String dataDir;

    @Option(names = "--no-ui", negatable = false, description = "Do not start Spark's web UI")
    boolean noUi;

    SparkSession start(String name) {
        if (partitions < 0) throw new GalvaniException("--partitions must be 0 (automatic) or more, got " + partitions);
        SparkSession spark = Sessions.start("galvani sweep " + name, master, !noUi);
        String ui = spark.sparkContext().uiWebUrl().isDefined() ? "; Spark UI " + spark.sparkContext().uiWebUrl().get() : "";
        System.err.println("galvani sweep " + name + " on " + spark.sparkContext().master() + ui);
        return spark;
    }

    Output output(SparkSession spark) {
        return new Output(spark, out, csv, overwrite);
    }

    SweepRunner runner(SparkSession spark) {
        return new SweepRunner(spark, dataDir, partitions);
    }

    /** Checkpoints as given; a local folder stands for the .safetensors files in it (every checkpoint of a run), by name. */
    static List<String> checkpoints(List<String> given) {
        List<String> out = new ArrayList<>();
        for (String c : given) {
            Path p = Path.of(c);
            if (!c.contains("://") && Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    List<String> found = s.filter(f -> f.getFileName().toString().endsWith(".safetensors")).map(Path::toString).sorted().toList();
                    if (found.isEmpty()) throw new GalvaniException(c + ": no .safetensors checkpoints in this folder");
                    out.addAll(found);
                } catch (IOException e) {
                    throw new GalvaniException(c + ": cannot list (" + e.getMessage() + ")");
                }
            } else {
                out.add(c);
            }
        }
        return out;
    }
}
