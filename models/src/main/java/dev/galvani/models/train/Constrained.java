package dev.galvani.models.train;

/**
 * A module whose parameters are projected back onto a constraint set after every optimiser step
 * (Kim 2014's max-norm constraint on the text CNN's output weights, say). The trainer calls
 * {@link #constrain()} on every such module of the model after each update.
 */
public interface Constrained {
    void constrain();
}
