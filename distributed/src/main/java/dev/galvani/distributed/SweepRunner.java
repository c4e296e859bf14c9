package dev.galvani.distributed;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.Serializable;
import java.util.List;

/**
 * Turns planned work items into a Dataset of items in partitions, and runs a function over it
 * partition by partition ({@link PartitionRunner}): rows for a result table, or values the driver
 * collects (the first stage of a two-stage sweep).
 */
public final class SweepRunner {
    private final SparkSession spark;
    private final String dataDir;
    private final int partitions;

    /** {@code partitions}: 0 for one per item up to four per core of the cluster. */
    public SweepRunner(SparkSession spark, String dataDir, int partitions) {
        this.spark = spark;
        this.dataDir = dataDir;
        this.partitions = partitions;
    }

    public SparkSession spark() {
        return spark;
    }

    /**
     * The items as a Dataset, in {@code partitions} contiguous slices (items come sorted by
     * checkpoint, so a partition mostly loads one model).
     */
    public <I extends WorkItem> Dataset<I> items(List<I> items, Class<I> type) {
        int p = partitions > 0 ? partitions : Math.max(1, Math.min(items.size(), 4 * spark.sparkContext().defaultParallelism()));
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        return spark.createDataset(jsc.parallelize(items, Math.min(p, Math.max(1, items.size()))).rdd(), Encoders.javaSerialization(type));
    }

    /** The result rows of a sweep over the items (lazy: computed when written). */
    public <I extends WorkItem> Dataset<Row> rows(ItemSweep<I> sweep, List<I> items, Class<I> type) {
        return items(items, type).mapPartitions(new PartitionRunner<>(sweep::run, dataDir), Encoders.row(sweep.schema()));
    }

    /** Runs {@code f} over the items and brings the values back to the driver, in item order. */
    public <I extends WorkItem, R extends Serializable> List<R> collect(List<I> items, Class<I> type, ItemFunction<I, R> f, Class<R> result, String description) {
        Encoder<R> enc = Encoders.javaSerialization(result);
        spark.sparkContext().setJobDescription(description);
        spark.sparkContext().setLocalProperty(StageProgress.MODE, "items");
        try {
            return items(items, type).mapPartitions(new PartitionRunner<>(f, dataDir), enc).collectAsList();
        } finally {
            spark.sparkContext().setJobDescription(null);
            spark.sparkContext().setLocalProperty(StageProgress.MODE, null);
        }
    }
}
