package dev.galvani.distributed.cli;

import dev.galvani.distributed.Output;
import dev.galvani.distributed.sweeps.ConductanceSweep;
import dev.galvani.models.data.Indices;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;

@Command(name = "conductance", description = "Conductance and its peers (internal influence, gradient x activation, activation) per filter of several layers, over held-out images or sentences, for one or many checkpoints.")
final class ConductanceCommand implements Runnable {
    @Option(names = "--checkpoint", required = true, split = ",", description = "Checkpoints, comma-separated or repeated; a folder stands for every checkpoint in it") List<String> checkpoints;
    @Option(names = "--layer", required = true, split = ",", description = "Node names, comma-separated (see 'galvani model show')") List<String> layers;
    @Option(names = "--indices", defaultValue = "0-15", description = "Held-out examples (images, or a text model's sentences): 0-511 or 3,7,9") String indices;
    @Option(names = "--batch", defaultValue = "16", description = "Images per work item") int batch;
    @Option(names = "--steps", defaultValue = "50", description = "Integration steps") int steps;
    @Option(names = "--method", defaultValue = "gausslegendre", description = "left, right, middle, trapezoid, gausslegendre") String method;
    @Option(names = "--discretisation", defaultValue = "jvp", description = "jvp (exact dy/da) or captum") String discretisation;
    @Option(names = "--target-output", defaultValue = "logit", description = "What F is for the target class: logit, probability or log-probability") String target;
    @Option(names = "--target", description = "The class attributed for every image, as Captum's target (default: the predicted class)") Integer targetClass;
    @Option(names = "--baseline", defaultValue = "zeros", description = "zeros or mean (the mean training image)") String baseline;
    @Option(names = "--max-rows", defaultValue = "64", description = "Most path rows (steps x images) per pass") int maxRows;
    @Mixin SweepOptions sweep;

    @Override
    public void run() {
        int[] examples = Indices.parse("--indices", indices, Integer.MAX_VALUE);
        ConductanceSweep s = new ConductanceSweep(new ConductanceSweep.Config(layers, steps, method, discretisation, target, baseline, targetClass, maxRows), examples);
        List<String> cks = SweepOptions.checkpoints(checkpoints);
        List<ConductanceSweep.Item> items = ConductanceSweep.plan(cks, examples, batch, layers);
        SparkSession spark = sweep.start("conductance");
        try {
            Output out = sweep.output(spark);
            out.checkFree(s.table());
            long n = out.write(s.table(), sweep.runner(spark).rows(s, items, ConductanceSweep.Item.class), s.order(),
                    "conductance: " + items.size() + " items");
            System.out.println("conductance: " + n + " rows (" + items.size() + " items, " + cks.size() + " checkpoints) in " + out.path(s.table()));
        } finally {
            spark.stop();
        }
    }
}
