package dev.galvani.cli;

import dev.galvani.engine.nn.Module;
import dev.galvani.models.ModelSummary;
import dev.galvani.models.ModelZoo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.Map;

/** {@code galvani model show NAME}: named nodes, output shapes, parameter counts. */
@Command(name = "model", description = "Inspect the architectures.", subcommands = {ModelCommand.Show.class, ModelCommand.ListModels.class})
final class ModelCommand {

    @Command(name = "show", description = "List a model's named nodes with output shapes and parameter counts.")
    static final class Show implements Runnable {
        @Parameters(paramLabel = "NAME", description = "inception, textcnn, alexnet, vgg, mobilenetv2, resnet")
        String name;

        @Override
        public void run() {
            Module m = ModelZoo.create(name, Map.of());
            System.out.print(ModelSummary.format(m, ModelZoo.exampleInput(name)));
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
