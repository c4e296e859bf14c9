package dev.galvani.distributed;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;
import java.util.List;

/**
 * A sweep: a result table whose rows come from work items, each computed on an executor by the
 * same library calls as the single-machine command (docs/sweeps.md gives every table's schema).
 */
public interface ItemSweep<I extends WorkItem> extends Serializable {
    /** The result table's name (its folder under the output directory). */
    String table();

    /** The schema of the result rows. */
    StructType schema();

    /** Columns the CSV copy is sorted by. */
    List<String> order();

    /** The rows of one item, with the partition's models and data sets. */
    List<Row> run(I item, Workspace ws);
}
