package dev.galvani.distributed;

import dev.galvani.engine.GalvaniException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

import java.io.IOException;
import java.util.List;

/**
 * Result tables under an output folder: {@code OUT/TABLE} in Parquet, and {@code OUT/TABLE.csv}
 * (one sorted CSV file with a header) for small sweeps. Both go through Dataset.write, so Spark's
 * output committer keeps each task's rows in a task-attempt folder until the task commits and the
 * job's until the job commits: a failed or retried task leaves no partial or duplicated rows.
 */
public final class Output {
    private final SparkSession spark;
    private final String dir;
    private final boolean csv, overwrite;

    public Output(SparkSession spark, String dir, boolean csv, boolean overwrite) {
        this.spark = spark;
        this.dir = dir.endsWith("/") ? dir.substring(0, dir.length() - 1) : dir;
        this.csv = csv;
        this.overwrite = overwrite;
    }

    public String path(String table) {
        return dir + "/" + table;
    }

    /** Fails before any work when a table would overwrite earlier results without --overwrite. */
    public void checkFree(String table) {
        if (overwrite) return;
        for (String p : csv ? List.of(path(table), path(table) + ".csv") : List.of(path(table))) {
            try {
                org.apache.hadoop.fs.Path hp = new org.apache.hadoop.fs.Path(p);
                FileSystem fs = hp.getFileSystem(spark.sparkContext().hadoopConfiguration());
                if (fs.exists(hp)) throw new GalvaniException(p + " already exists; give another --out or --overwrite");
            } catch (IOException e) {
                throw new GalvaniException("cannot check " + p + ": " + e.getMessage());
            }
        }
    }

    /** An aborted job leaves its (empty) table folder behind: remove it unless a job committed there. */
    private void removeFailed(String p) {
        try {
            org.apache.hadoop.fs.Path hp = new org.apache.hadoop.fs.Path(p);
            FileSystem fs = hp.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (fs.exists(hp) && !fs.exists(new org.apache.hadoop.fs.Path(hp, "_SUCCESS"))) fs.delete(hp, true);
        } catch (IOException ignored) {
            // the failure being reported matters more than the leftover folder
        }
    }

    /** Writes the rows (computing them), then the CSV copy from the Parquet; returns the rows written. */
    public long write(String table, Dataset<Row> rows, List<String> order, String description) {
        SaveMode mode = overwrite ? SaveMode.Overwrite : SaveMode.ErrorIfExists;
        var sc = spark.sparkContext();
        sc.setJobDescription(description);
        sc.setLocalProperty(StageProgress.MODE, "items");
        try {
            rows.write().mode(mode).parquet(path(table));
        } catch (Exception e) { // SparkException is checked in Java's eyes, though Scala never declares it
            removeFailed(path(table));
            throw e;
        } finally {
            sc.setLocalProperty(StageProgress.MODE, null);
        }
        Dataset<Row> back = spark.read().parquet(path(table));
        sc.setLocalProperty(StageProgress.MODE, "quiet");
        long n = back.count();
        sc.setLocalProperty(StageProgress.MODE, null);
        if (csv) {
            sc.setJobDescription("csv copy of " + table);
            Column[] by = order.stream().map(functions::col).toArray(Column[]::new);
            back.repartition(1).sortWithinPartitions(by).write().mode(mode).option("header", "true").csv(path(table) + ".csv");
        }
        sc.setJobDescription(null);
        return n;
    }
}
