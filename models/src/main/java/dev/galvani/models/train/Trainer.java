package dev.galvani.models.train;

import dev.galvani.engine.F;
import dev.galvani.engine.Rng;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.autodiff.Grad;
import dev.galvani.engine.nn.Module;
import dev.galvani.models.layers.Embedding;
import dev.galvani.models.progress.Progress;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Mini-batch training with seeded shuffling, a learning-rate schedule, evaluation after each
 * epoch, and a progress bar with throughput and ETA.
 */
public final class Trainer {

    /** Hyper-parameters of a run. */
    public record Config(int epochs, int batchSize, String optimizer, float lr, float weightDecay,
                         boolean cosine, long seed, int maxStepsPerEpoch) {
        public static Config defaults() {
            return new Config(3, 64, "adam", 1e-3f, 0f, true, 0, Integer.MAX_VALUE);
        }

        public Config withEpochs(int e) {
            return new Config(e, batchSize, optimizer, lr, weightDecay, cosine, seed, maxStepsPerEpoch);
        }

        public Config withMaxSteps(int s) {
            return new Config(epochs, batchSize, optimizer, lr, weightDecay, cosine, seed, s);
        }
    }

    /** One epoch's figures. */
    public record Epoch(int epoch, double trainLoss, double trainAccuracy, double evalAccuracy,
                        double seconds, double examplesPerSecond) {}

    public static List<Epoch> fit(Module model, Dataset train, Dataset eval, Config cfg) {
        // loaders refuse empty data naming the file (Splits); this guards callers that build data themselves
        if (train.size() == 0) throw new dev.galvani.engine.GalvaniException("training data has no examples");
        if (eval != null && eval.size() == 0) throw new dev.galvani.engine.GalvaniException("held-out data has no examples");
        Rng rng = new Rng(cfg.seed());
        List<Tensor> params = new ArrayList<>(model.parameters().values());
        Optimizer opt = Optimizer.create(cfg.optimizer(), params, cfg.lr(), cfg.weightDecay());
        Schedule schedule = cfg.cosine() ? Schedule.cosine() : Schedule.constant();
        int stepsPerEpoch = Math.min(cfg.maxStepsPerEpoch(), (train.size() + cfg.batchSize() - 1) / cfg.batchSize());
        long total = (long) stepsPerEpoch * cfg.epochs();
        List<Embedding> embeddings = model.namedModules().values().stream()
                .filter(m -> m instanceof Embedding).map(m -> (Embedding) m).toList();
        List<Constrained> constrained = model.namedModules().values().stream()
                .filter(m -> m instanceof Constrained).map(m -> (Constrained) m).toList();
        List<Epoch> history = new ArrayList<>();
        long step = 0;
        for (int epoch = 1; epoch <= cfg.epochs(); epoch++) {
            model.train(true);
            int[] order = rng.permutation(train.size());
            double lossSum = 0;
            long correct = 0, seen = 0;
            long t0 = System.nanoTime();
            try (Progress bar = Progress.start("epoch " + epoch + "/" + cfg.epochs(), (long) stepsPerEpoch * cfg.batchSize(), "ex")) {
                for (int s = 0; s < stepsPerEpoch; s++) {
                    int from = s * cfg.batchSize(), to = Math.min(train.size(), from + cfg.batchSize());
                    Dataset.Batch b = train.batch(Arrays.copyOfRange(order, from, to));
                    opt.setLearningRate(schedule.at(step++, total, cfg.lr()));
                    Tensor logits = model.call(b.x().to(model.device()));
                    Tensor loss = F.crossEntropy(logits, b.y());
                    loss.backward();
                    opt.step();
                    for (Embedding e : embeddings) e.zeroPadding();
                    for (Constrained c : constrained) c.constrain();
                    lossSum += loss.item() * b.y().length;
                    correct += countCorrect(logits, b.y());
                    seen += b.y().length;
                    bar.step(b.y().length);
                    bar.status(String.format("loss %.3f acc %.3f", lossSum / seen, (double) correct / seen));
                }
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            double evalAcc = eval == null ? Double.NaN : accuracy(model, eval, 256);
            history.add(new Epoch(epoch, lossSum / seen, (double) correct / seen, evalAcc, secs, seen / secs));
            System.err.printf("epoch %d: loss %.4f, train acc %.4f, eval acc %.4f, %.1f s, %.0f ex/s%n",
                    epoch, lossSum / seen, (double) correct / seen, evalAcc, secs, seen / secs);
        }
        model.eval();
        return history;
    }

    /** Accuracy in evaluation mode, without recording a graph. */
    public static double accuracy(Module model, Dataset data, int batch) {
        int[][] cm = confusion(model, data, batch);
        long ok = 0, all = 0;
        for (int i = 0; i < cm.length; i++) {
            for (int j = 0; j < cm.length; j++) {
                all += cm[i][j];
                if (i == j) ok += cm[i][j];
            }
        }
        return all == 0 ? Double.NaN : (double) ok / all;
    }

    /** Confusion matrix [true][predicted]. */
    public static int[][] confusion(Module model, Dataset data, int batch) {
        int k = data.classes();
        int[][] cm = new int[k][k];
        try (Module.Mode e = model.evaluating(); Grad.Scope s = Grad.off()) {
            for (int from = 0; from < data.size(); from += batch) {
                Dataset.Batch b = data.batch(Dataset.range(from, Math.min(data.size(), from + batch)));
                int[] pred = F.argmax(model.call(b.x().to(model.device())));
                for (int i = 0; i < pred.length; i++) cm[b.y()[i]][pred[i]]++;
            }
        }
        return cm;
    }


    private static long countCorrect(Tensor logits, int[] y) {
        int[] p = F.argmax(logits);
        long c = 0;
        for (int i = 0; i < y.length; i++) if (p[i] == y[i]) c++;
        return c;
    }
}
