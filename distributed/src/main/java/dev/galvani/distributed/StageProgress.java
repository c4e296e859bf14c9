package dev.galvani.distributed;

import dev.galvani.models.progress.Progress;
import org.apache.spark.ExceptionFailure;
import org.apache.spark.TaskFailedReason;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Progress on the driver's terminal: a bar (or a plain line every 10%) with an ETA while a stage
 * of work items runs, a line per failed task attempt, and a line per finished stage with its
 * counts. Spark's own UI and logs carry the rest. Jobs say how they want to be shown through the
 * local property {@link #MODE}: {@code items} (bar and line), {@code quiet} (nothing), else a line.
 */
public final class StageProgress extends SparkListener {
    /** The local property that sets how a job's stages are shown. */
    public static final String MODE = "galvani.progress";

    private final PrintStream out;
    private final Map<Integer, Stage> stages = new ConcurrentHashMap<>();

    private static final class Stage {
        final String name;
        final Progress bar;
        long rowsWritten, rowsRead, failures, done;

        Stage(String name, Progress bar) {
            this.name = name;
            this.bar = bar;
        }
    }

    public StageProgress(PrintStream out) {
        this.out = out;
    }

    @Override
    public void onStageSubmitted(SparkListenerStageSubmitted e) {
        StageInfo info = e.stageInfo();
        String desc = e.properties() == null ? null : e.properties().getProperty("spark.job.description");
        String name = desc != null ? desc : info.name();
        String mode = e.properties() == null ? "" : e.properties().getProperty(MODE, "");
        if (mode.equals("quiet")) return;
        boolean bar = mode.equals("items") && info.numTasks() > 1;
        stages.put(info.stageId(), new Stage(name, bar ? Progress.start("stage " + info.stageId() + " " + name, info.numTasks(), "tasks") : null));
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd e) {
        Stage s = stages.get(e.stageId());
        if (s == null) return;
        if (e.taskInfo().successful()) {
            s.done++;
            if (e.taskMetrics() != null) {
                s.rowsWritten += e.taskMetrics().outputMetrics().recordsWritten();
                s.rowsRead += e.taskMetrics().inputMetrics().recordsRead();
            }
            if (s.bar != null) s.bar.step(1);
        } else if (e.reason() instanceof TaskFailedReason r) {
            s.failures++;
            String why = r instanceof ExceptionFailure f ? f.description() : r.toErrorString();
            int nl = why == null ? -1 : why.indexOf('\n');
            out.printf(Locale.ROOT, "stage %d: task %d attempt %d failed: %s%n", e.stageId(), e.taskInfo().index(),
                    e.taskInfo().attemptNumber(), nl < 0 ? why : why.substring(0, nl));
        }
    }

    @Override
    public void onStageCompleted(SparkListenerStageCompleted e) {
        StageInfo info = e.stageInfo();
        Stage s = stages.remove(info.stageId());
        if (s == null) return;
        if (s.bar != null) s.bar.close();
        double seconds = info.submissionTime().isDefined() && info.completionTime().isDefined()
                ? ((long) info.completionTime().get() - (long) info.submissionTime().get()) / 1000.0 : Double.NaN;
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "stage %d (%s) %s: %d/%d tasks", info.stageId(), s.name,
                info.failureReason().isDefined() ? "failed" : "finished", s.done, info.numTasks()));
        if (s.failures > 0) line.append(String.format(Locale.ROOT, ", %d failed attempt%s", s.failures, s.failures == 1 ? "" : "s"));
        if (s.rowsRead > 0) line.append(String.format(Locale.ROOT, ", %d rows read", s.rowsRead));
        // A failed stage's writes are never committed: its count would only mislead.
        if (s.rowsWritten > 0 && !info.failureReason().isDefined()) line.append(String.format(Locale.ROOT, ", %d rows written", s.rowsWritten));
        line.append(String.format(Locale.ROOT, ", %.1f s", seconds));
        out.println(line);
    }
}
