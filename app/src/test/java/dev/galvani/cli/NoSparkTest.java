package dev.galvani.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;

/** Spark (hundreds of MB) belongs to the sweeps' own jar: the command line's class path, and so its shaded jar, must not reach it. */
class NoSparkTest {
    @Test void sparkIsNotOnTheCommandLinesClassPath() {
        assertThrows(ClassNotFoundException.class, () -> Class.forName("org.apache.spark.sql.SparkSession"));
        assertThrows(ClassNotFoundException.class, () -> Class.forName("dev.galvani.distributed.cli.Sweep"));
    }
}
