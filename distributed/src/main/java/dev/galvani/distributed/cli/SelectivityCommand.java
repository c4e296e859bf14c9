package dev.galvani.distributed.cli;

import dev.galvani.attribution.linear.LogisticRegression;
import dev.galvani.attribution.selectivity.SelectivityStudy;
import dev.galvani.distributed.sweeps.SelectivitySweep;
import dev.galvani.engine.GalvaniException;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

@Command(name = "selectivity", description = "The selectivity study's group-ablation grid across models: unit statistics, every (SI, A) bin ablated, the regressions across bins.")
final class SelectivityCommand implements Runnable {
    @Option(names = "--models", split = ",", defaultValue = "alexnet,vgg,mobilenetv2,resnet", description = "Architectures, each read from RUNS/MODEL.safetensors") List<String> models;
    @Option(names = "--layer", split = ",", description = "MODEL:LAYER pairs (default: the study's early and late layer per model)") List<String> layers;
    @Option(names = "--runs-dir", defaultValue = "runs", description = "Where MODEL.safetensors checkpoints are (a path every executor reads, or a Hadoop URI)") String runs;
    @Option(names = "--grid", defaultValue = "5", description = "Groups: a g x g grid of quantile bins over (SI, A)") int grid;
    @Option(names = "--stats-examples", defaultValue = "10000", description = "Training images for the unit statistics") int statsExamples;
    @Option(names = "--eval-examples", defaultValue = "1000", description = "Test images for every accuracy") int evalExamples;
    @Option(names = "--shift-negative", description = "Shift negative class means to zero instead of refusing the layer") boolean shift;
    @Option(names = "--seed", defaultValue = "1", description = "Seed of the samples") long seed;
    @Mixin SweepOptions sweep;

    @Override
    public void run() {
        if (grid < 3) throw new GalvaniException("--grid must be at least 3 (the regressions need at least 5 groups), got " + grid);
        // The grid uses the study's seed, statistics and evaluation settings; the probe and top-k settings do not enter it.
        SelectivityStudy.Config cfg = new SelectivityStudy.Config(grid, statsExamples, evalExamples, 48, 3, LogisticRegression.Penalty.L2,
                SelectivityStudy.Config.defaultLambda(LogisticRegression.Penalty.L2), shift, seed);
        List<SelectivitySweep.LayerItem> items = new ArrayList<>();
        for (String model : models) {
            List<String> ls = new ArrayList<>();
            if (layers != null) {
                for (String p : layers) if (p.startsWith(model + ":")) ls.add(p.substring(model.length() + 1));
            } else {
                ls.addAll(SelectivityStudy.DEFAULT_LAYERS.getOrDefault(model, List.of()));
            }
            if (ls.isEmpty()) throw new GalvaniException("no layers for model '" + model + "'; give --layer " + model + ":LAYER");
            String ck = (runs.endsWith("/") ? runs : runs + "/") + model + ".safetensors";
            for (String l : ls) items.add(new SelectivitySweep.LayerItem(items.size(), model, ck, l));
        }
        SparkSession spark = sweep.start("selectivity");
        try {
            var out = sweep.output(spark);
            long n = new SelectivitySweep(cfg).run(sweep.runner(spark), out, items);
            System.out.println("selectivity: " + n + " groups of " + items.size() + " layers in " + out.path("selectivity_groups") + " (units, regressions beside it)");
        } finally {
            spark.stop();
        }
    }
}
