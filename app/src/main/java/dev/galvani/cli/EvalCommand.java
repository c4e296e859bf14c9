package dev.galvani.cli;

import dev.galvani.engine.GalvaniException;
import dev.galvani.models.SavedModel;
import dev.galvani.models.data.FashionMnist;
import dev.galvani.models.data.ImageDataset;
import dev.galvani.models.data.SentimentData;
import dev.galvani.models.data.TextDataset;
import dev.galvani.models.train.Dataset;
import dev.galvani.models.train.Evaluation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/** {@code galvani eval}: accuracy and confusion matrix of a checkpoint on a test split or a file. */
@Command(name = "eval", description = "Accuracy and confusion matrix on the test split of the checkpoint's data set, or on a file.")
final class EvalCommand implements Runnable {
    @Option(names = "--checkpoint", required = true) Path checkpoint;
    @Option(names = "--data", description = "Data set (default: the one the checkpoint was trained on)") String data;
    @Option(names = "--data-file", description = "Images: an IDX images .gz (labels from --labels-file); text: a TSV 'label<TAB>sentence' with header") Path dataFile;
    @Option(names = "--labels-file", description = "IDX labels .gz for --data-file images") Path labelsFile;
    @Option(names = "--fold", defaultValue = "0") int fold;
    @Option(names = "--seed", defaultValue = "0") long seed;
    @Mixin ResultOutput output;
    @Mixin DataOptions dataOptions;
    @Mixin DeviceOption device;

    @Override
    public void run() {
        device.install();
        SavedModel m = SavedModel.load(checkpoint);
        Dataset test;
        List<String> names;
        if (Inputs.isText(m)) {
            TextDataset t;
            if (dataFile != null) {
                t = SentimentData.sst2File(dataFile);
            } else {
                t = dataOptions.text(data != null ? data : m.get("data", "generated-sentiment"), fold, seed)[1];
            }
            test = t.encoded(Inputs.vocabulary(m));
            names = t.classNames();
        } else {
            ImageDataset d;
            if (dataFile != null) {
                if (labelsFile == null) throw new GalvaniException("--data-file with images needs --labels-file");
                float[] px = FashionMnist.images(dataFile);
                int[] y = FashionMnist.labels(labelsFile, px.length / 784, 10);
                float mean = Float.parseFloat(m.get("mean", "0")), std = Float.parseFloat(m.get("std", "1"));
                for (int i = 0; i < px.length; i++) px[i] = (px[i] - mean) / std;
                d = new ImageDataset(dataFile.toString(), px, y, 28, 28, Inputs.classNames(m, 10), mean, std);
            } else {
                d = dataOptions.images(data != null ? data : m.get("data", "auto")).test();
            }
            test = d;
            names = d.classNames();
        }
        String source = dataFile != null ? dataFile.toString() : (data != null ? data : m.get("data", "the checkpoint's data")) + " (held-out split)";
        Evaluation e = Evaluation.of(m.model(), test, source, names);
        output.emit(e.text(), e.json());
    }
}
