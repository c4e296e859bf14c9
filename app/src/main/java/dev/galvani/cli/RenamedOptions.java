package dev.galvani.cli;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Options renamed so that each concept has one name across the commands (README, "Changes"), and
 * options dropped where a command never used them. An old name is refused, not quietly accepted:
 * one line names the option that replaced it. That also holds for {@code --target}, whose meaning
 * changed (it was F's kind, it is now the class, as Captum's {@code target}), so a silent alias
 * would be wrong.
 */
final class RenamedOptions {
    private RenamedOptions() {}

    /** {@code old} became {@code now} in the commands whose path is one of {@code commands}. */
    record Rename(String old, String now, List<String> commands) {}

    /** The commands that differentiate F for a target class. */
    static final List<String> TARGET_COMMANDS = List.of("conductance", "ig", "internal-influence", "grad-x-act", "neuron-conductance");

    /** Every rename, in the order README's "Changes" lists them. */
    static final List<Rename> ALL = List.of(
            new Rename("--class", "--target", TARGET_COMMANDS),
            new Rename("--index", "--indices", List.of("conductance", "ig", "internal-influence", "grad-x-act", "activation", "neuron-conductance", "predict")),
            new Rename("--image", "--input", List.of("predict")),
            new Rename("--data-file", "--input", List.of("eval")),
            new Rename("--images", "--input", List.of("eval")),
            new Rename("--labels-file", "--labels", List.of("eval")),
            new Rename("--units", "--filters", List.of("ablate")),
            new Rename("--top-k", "--top", List.of("ablate")),
            new Rename("--max-k", "--top", List.of("study ablation")),
            new Rename("--layers", "--layer", List.of("study feature-selection", "study interactions", "study selectivity")),
            new Rename("--mode", "--autodiff", List.of("neuron-conductance")),
            new Rename("--limit", "--train-examples", List.of("train")),
            new Rename("--steps", "--iterations", List.of("bench training")),
            new Rename("--samples", "--neurons", List.of("bench neuron-conductance")));

    /** The old meaning of {@code --target}: F's kind, now {@code --target-output}. */
    static final Set<String> TARGET_OUTPUTS = Set.of("logit", "probability", "prob", "log-probability", "logprob", "log_probability");

    /** Options of the path, which the methods read at the input alone do not take. */
    static final Set<String> PATH_OPTIONS = Set.of("--steps", "--method", "--discretisation", "--baseline", "--max-rows", "--captum-exact");

    /**
     * The line for an option a command does not know, when it was renamed there or the command
     * never used it (else null). {@code command} is the path below 'galvani' ("study ablation");
     * {@code arg} the argument as typed.
     */
    static String explain(String command, String arg) {
        String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
        for (Rename r : ALL) {
            if (r.old().equals(name) && r.commands().contains(command)) {
                return r.old() + " is now " + r.now() + ", renamed for one name per concept (README, Changes)";
            }
        }
        if ((command.equals("activation") || command.equals("grad-x-act")) && PATH_OPTIONS.contains(name)) {
            return name + " does not apply: " + command + " is read at the input, with no path (README, Changes)";
        }
        if (command.equals("activation") && (name.equals("--target") || name.equals("--target-output") || name.equals("--class"))) {
            return name + " does not apply: activations do not depend on a target (see README, Changes)";
        }
        if (command.equals("ig") && name.equals("--layer")) {
            return "ig attributes the input and takes no --layer; 'galvani conductance --layer' attributes layers (README, Changes)";
        }
        return null;
    }

    /** The line for {@code --target} given one of F's kinds, its old meaning (else null). */
    static String explainTarget(String command, String value) {
        if (value == null || !TARGET_OUTPUTS.contains(value.toLowerCase(Locale.ROOT)) || !TARGET_COMMANDS.contains(command)) return null;
        return "--target is now the target class (Captum's target); F's kind is --target-output " + value.toLowerCase(Locale.ROOT);
    }
}
