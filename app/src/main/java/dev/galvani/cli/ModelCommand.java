package dev.galvani.cli;

import dev.galvani.engine.nn.Module;
import dev.galvani.models.ModelSummary;
import dev.galvani.models.ModelZoo;
import dev.galvani.models.SavedModel;
import dev.galvani.models.onnx.OnnxModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** {@code galvani model show NAME}: named nodes, output shapes, parameter counts. */
@Command(name = "model", description = "Inspect the architectures.", subcommands = {ModelCommand.Show.class, ModelCommand.ListModels.class})
final class ModelCommand {

    @Command(name = "show", description = "List a model's named nodes with output shapes and parameter counts.")
    static final class Show implements Runnable {
        @Parameters(paramLabel = "NAME|FILE", description = "inception, textcnn, alexnet, vgg, mobilenetv2, resnet; or a checkpoint (.safetensors) or an ONNX file (.onnx)")
        String name;

        @Override
        public void run() {
            Path file = Path.of(name);
            if (!ModelZoo.NAMES.contains(name) && (name.endsWith(".onnx") || name.endsWith(".safetensors") || Files.exists(file))) {
                SavedModel m = SavedModel.load(file);
                OnnxModel o = m.onnx();
                if (o == null) {
                    System.out.print(ModelSummary.format(m.model(), ModelZoo.exampleInput(m.architecture())));
                    return;
                }
                System.out.printf("%s: ONNX opset %d, input '%s' %s, output '%s'%n", file, o.opset(), o.inputName(),
                        OnnxModel.describe(o.inputShape()), o.outputName());
                System.out.print(ModelSummary.format(o, o.exampleInput()));
                System.out.println("Dotted names, or the file's node and value names (e.g. " + sampleRawName(o) + "), are accepted wherever a layer is named.");
                return;
            }
            Module m = ModelZoo.create(name, Map.of());
            System.out.print(ModelSummary.format(m, ModelZoo.exampleInput(name)));
        }

        private static String sampleRawName(OnnxModel o) {
            return o.nodeOutputs().keySet().stream().reduce((a, b) -> b).orElse("?");
        }
    }

    @Command(name = "list", description = "List the architectures.")
    static final class ListModels implements Runnable {
        @Override
        public void run() {
            ModelZoo.NAMES.forEach(System.out::println);
        }
    }
}
