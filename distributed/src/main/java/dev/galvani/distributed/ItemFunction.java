package dev.galvani.distributed;

import java.io.Serializable;
import java.util.List;

/** What an executor computes for one work item: result rows, or a value sent back to the driver. */
@FunctionalInterface
public interface ItemFunction<I extends WorkItem, R> extends Serializable {
    List<R> apply(I item, Workspace ws);
}
