package dev.galvani.distributed.cli;

import dev.galvani.attribution.ablation.Ablation;
import dev.galvani.distributed.Output;
import dev.galvani.distributed.Workspace;
import dev.galvani.distributed.sweeps.AblationSweep;
import dev.galvani.models.data.Indices;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;

@Command(name = "ablation", description = "Single-filter ablation over all filters of a layer: every test image's target logit with each filter alone zeroed, or patched to its value at the baseline.")
final class AblationCommand implements Runnable {
    @Option(names = "--checkpoint", required = true, split = ",", description = "Checkpoints, comma-separated or repeated; a folder stands for every checkpoint in it") List<String> checkpoints;
    @Option(names = "--layer", required = true, split = ",", description = "Layers whose filters are ablated, comma-separated") List<String> layers;
    @Option(names = "--indices", defaultValue = "0-31", description = "Test images") String indices;
    @Option(names = "--batch", defaultValue = "32", description = "Images per work item") int batch;
    @Option(names = "--filters-per-item", defaultValue = "64", description = "Filters per work item") int filtersPerItem;
    @Option(names = "--target", description = "Class whose logit is read (default: each image's predicted class)") Integer targetClass;
    @Option(names = "--mode", defaultValue = "zero", description = "zero, or baseline (the filter's value at the all-zero input, conductance's baseline), as 'galvani ablate --mode'") String mode;
    @Option(names = "--max-rows", defaultValue = "512", description = "Most rows (ablations x images) per pass") int maxRows;
    @Mixin SweepOptions sweep;

    @Override
    public void run() {
        List<String> cks = SweepOptions.checkpoints(checkpoints);
        AblationSweep s = new AblationSweep(targetClass, maxRows, Ablation.Mode.parse(mode));
        List<AblationSweep.Item> items = AblationSweep.plan(cks, layers, Indices.parse("--indices", indices, Integer.MAX_VALUE), batch, filtersPerItem,
                new Workspace(sweep.dataDir));
        SparkSession spark = sweep.start("ablation");
        try {
            Output out = sweep.output(spark);
            out.checkFree(s.table());
            long n = out.write(s.table(), sweep.runner(spark).rows(s, items, AblationSweep.Item.class), s.order(), "ablation: " + items.size() + " items");
            System.out.println("ablation: " + n + " rows (" + items.size() + " items) in " + out.path(s.table()));
        } finally {
            spark.stop();
        }
    }
}
