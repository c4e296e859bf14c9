package dev.galvani.distributed.cli;

import dev.galvani.attribution.interactions.AndOrDecomposition;
import dev.galvani.distributed.sweeps.InteractionSweep;
import dev.galvani.models.data.Indices;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;

@Command(name = "interactions", description = "AND/OR interactions of many test images at every chosen layer (image models), as 'galvani study interactions' computes them.")
final class InteractionsCommand implements Runnable {
    @Option(names = "--checkpoint", required = true, split = ",", description = "Checkpoints, comma-separated or repeated; a folder stands for every checkpoint in it") List<String> checkpoints;
    @Option(names = "--layer", split = ",", defaultValue = "conv2,inception3a,inception3b,inception4a", description = "Layers read out, comma-separated (the output is always included)") List<String> layers;
    @Option(names = "--indices", defaultValue = "0-7", description = "Test images: 0-29 or 3,7,9") String samples;
    @Option(names = "--batch", defaultValue = "1", description = "Samples per work item") int batch;
    @Option(names = "--variables", defaultValue = "10", description = "Players: cells of a grid over the image") int variables;
    @Option(names = "--grid", defaultValue = "4", description = "The image is cut into a g x g grid of cells, the candidate players") int grid;
    @Option(names = "--solver", defaultValue = "PRIMAL_DUAL", description = "PRIMAL_DUAL or SGD (the reference's), as in 'galvani study interactions'") AndOrDecomposition.Solver solver;
    @Option(names = "--iterations", defaultValue = "20000", description = "Iterations of the AND-OR decomposition") int iterations;
    @Option(names = "--lr", defaultValue = "1e-5", description = "SGD's initial learning rate") double lr;
    @Option(names = "--readout-examples", defaultValue = "5000", description = "Training examples of each layer's linear readout") int readoutExamples;
    @Option(names = "--max-rows", defaultValue = "256", description = "Most masked samples in one forward pass") int maxRows;
    @Option(names = "--max-memory", defaultValue = "1024", description = "MiB for a layer's flattened readout features; above it the layer is mean-pooled") long maxMemory;
    @Option(names = "--seed", defaultValue = "0", description = "Seed of the players, the readouts and the noise") long seed;
    @Mixin SweepOptions sweep;

    @Override
    public void run() {
        InteractionSweep s = new InteractionSweep(new InteractionSweep.Config(layers, variables, grid, solver, iterations, lr, readoutExamples, maxRows, maxMemory, seed));
        List<String> cks = SweepOptions.checkpoints(checkpoints);
        int[] idx = Indices.parse("--indices", samples, Integer.MAX_VALUE);
        SparkSession spark = sweep.start("interactions");
        try {
            var out = sweep.output(spark);
            long n = s.run(sweep.runner(spark), out, cks, idx, batch);
            System.out.println("interactions: " + n + " rows (" + idx.length + " samples x " + cks.size() + " checkpoints) in " + out.path(s.table()));
        } finally {
            spark.stop();
        }
    }
}
