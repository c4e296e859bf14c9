package dev.galvani.cli;

import dev.galvani.models.ModelInputs;
import dev.galvani.models.data.Examples;
import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.F;
import dev.galvani.engine.Tensor;
import dev.galvani.engine.autodiff.Grad;
import dev.galvani.models.SavedModel;
import dev.galvani.models.io.InputFiles;
import dev.galvani.models.progress.Progress;
import dev.galvani.models.data.DataSpec;
import dev.galvani.models.data.FashionMnist;
import dev.galvani.models.data.ImageDataset;
import dev.galvani.models.data.SentimentData;
import dev.galvani.models.data.Splits;
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
    @Option(names = "--images", description = "A folder with one subfolder of images (or .npy arrays) per class, classes numbered in sorted order (torchvision's ImageFolder)") Path images;
    @Option(names = "--batch", defaultValue = "16", description = "Inputs per forward pass with --images (default ${DEFAULT-VALUE})") int batch;
    @Option(names = "--fold", description = "MR fold to score (default: the checkpoint's held-out fold; another fold of its data set is refused)") Integer fold;
    @Option(names = "--seed", description = "Split seed (default: the checkpoint's; another seed of its data set is refused)") Long seed;
    @Mixin ResultOutput output;
    @Mixin DataOptions dataOptions;
    @Mixin ImageOptions imageOptions;
    @Mixin DeviceOption device;

    @Override
    public void run() {
        device.install();
        SavedModel m = SavedModel.load(checkpoint);
        if (images != null) {
            evalFolder(m);
            return;
        }
        if (m.onnx() != null && !ModelInputs.fitsImageData(m)) {
            throw new GalvaniException(checkpoint + ": an ONNX model carries no data set; give --images DIR (one subfolder of images per class)");
        }
        List<String> names = m.data().classNames();
        Dataset test;
        String what;
        if (dataFile != null) {
            if (data != null || fold != null || seed != null) throw new GalvaniException("--data-file scores that file; --data, --fold and --seed do not apply");
            if (m.isText()) {
                TextDataset t = SentimentData.sst2File(dataFile);
                Splits.requireUsable(dataFile.toString(), "file", t.labels(), names, false);
                test = t.encoded(ModelInputs.vocabulary(m));
            } else {
                if (labelsFile == null) throw new GalvaniException("--data-file with images needs --labels-file");
                float[] px = m.data().normalise(FashionMnist.images(dataFile));
                int[] y = FashionMnist.labels(labelsFile, px.length / 784, names.size());
                Splits.requireUsable(dataFile.toString(), "file", y, names, false);
                test = new ImageDataset(dataFile.toString(), px, y, 28, 28, names, m.data().mean(), m.data().std());
            }
            what = dataFile.toString();
        } else {
            DataSpec spec = dataOptions.evaluation(m, checkpoint, data, fold, seed);
            test = Splits.heldOut(spec, dataOptions.dataDir, "checkpoint " + checkpoint);
            names = spec.classNames();
            what = "the held-out part of " + spec.describe();
        }
        Evaluation e = Evaluation.of(m.model(), test, what, names);
        output.emit(e.text(), e.json());
    }

    /** Accuracy (top-1, top-5) of a labelled folder, and the confusion matrix when there are few classes. */
    private void evalFolder(SavedModel m) {
        if (batch < 1) throw new GalvaniException("--batch must be at least 1, got " + batch);
        List<String> classes = new java.util.ArrayList<>();
        List<InputFiles.Labelled> files = InputFiles.labelled(images, classes);
        Evaluation.Counter counter = new Evaluation.Counter("the labelled images in " + images + " (class i = the i-th subfolder in sorted order)", classes);
        try (Progress bar = Progress.start("eval", files.size(), "images")) {
            for (int b0 = 0; b0 < files.size(); b0 += batch) {
                List<InputFiles.Labelled> part = files.subList(b0, Math.min(files.size(), b0 + batch));
                Examples ex = imageOptions.batch(m, part.stream().map(InputFiles.Labelled::file).toList());
                if (ex.x().size(0) != part.size()) throw new GalvaniException(images + ": a .npy file holds several inputs; give one per file");
                try (Grad.Scope s = Grad.off()) {
                    counter.add(m.model().call(ex.x()), part.stream().mapToInt(InputFiles.Labelled::label).toArray());
                }
                bar.step(part.size());
            }
        }
        Evaluation e = counter.result();
        output.emit(e.text(), e.json());
    }
}
