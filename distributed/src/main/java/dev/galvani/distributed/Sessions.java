package dev.galvani.distributed;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The Spark session of a sweep: the master given, else the one spark-submit set, else embedded
 * {@code local[*]} (no server to start); Spark's console bar off (the sweep draws its own progress).
 */
public final class Sessions {
    private Sessions() {}

    /** {@code master}: null to take spark-submit's (the {@code spark.master} property) or local[*]. */
    public static SparkSession start(String appName, String master, boolean ui) {
        SparkConf conf = new SparkConf(); // picks up the spark.* properties spark-submit sets
        if (master != null) conf.setMaster(master);
        else if (!conf.contains("spark.master")) conf.setMaster("local[*]");
        conf.setAppName(appName);
        conf.setIfMissing("spark.ui.showConsoleProgress", "false");
        if (!ui) conf.set("spark.ui.enabled", "false");
        SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
        spark.sparkContext().addSparkListener(new StageProgress(System.err));
        return spark;
    }
}
