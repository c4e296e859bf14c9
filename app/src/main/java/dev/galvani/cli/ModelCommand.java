package dev.galvani.cli;

import dev.galvani.models.ModelSummary;
import dev.galvani.models.ModelZoo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code galvani model show NAME}: named nodes, output shapes, parameter counts. */
@Command(name = "model", description = "Inspect the architectures.", subcommands = {ModelCommand.Show.class, ModelCommand.ListModels.class})
final class ModelCommand {

    @Command(name = "show", description = "List a model's named nodes with output shapes and parameter counts.")
    static final class Show implements Runnable {
        @Parameters(paramLabel = "NAME|FILE", description = "inception, textcnn, alexnet, vgg, mobilenetv2, resnet; or a checkpoint (.safetensors) or an ONNX file (.onnx)")
        String name;

        @Override
        public void run() {
            System.out.print(ModelSummary.describe(name));
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
