package dev.galvani.distributed;

import java.io.Serializable;

/**
 * One unit of a sweep's work, planned on the driver and run on an executor: which checkpoint to
 * load, and enough to name the item in an error line.
 */
public interface WorkItem extends Serializable {
    /** The item's number in its sweep (0..), written into every result row. */
    int id();

    /** The checkpoint the item runs on (a path, or a Hadoop file system URI such as hdfs://...). */
    String checkpoint();

    /** A short description naming the item for error lines: checkpoint, layer, examples. */
    String describe();
}
