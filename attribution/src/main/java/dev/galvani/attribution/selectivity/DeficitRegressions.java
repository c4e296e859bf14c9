package dev.galvani.attribution.selectivity;

import dev.galvani.attribution.stats.LinearRegression;
import dev.galvani.attribution.stats.LinearRegression.Fit;
import dev.galvani.attribution.stats.LinearRegression.NestedTest;
import dev.galvani.engine.GalvaniException;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The regressions of a group-ablation deficit on the groups' mean selectivity and activity
 * (Hayne et al., 2022), with both predictors standardised across groups: {@code ~ SI},
 * {@code ~ A}, {@code ~ SI + A} and {@code ~ SI + A + SI:A}. Each term is tested by the F-test
 * of the model without it against the model with it: SI:A as {@code ~ SI + A} against the full
 * model, SI as {@code ~ A} against {@code ~ SI + A}, A as {@code ~ SI} against {@code ~ SI + A}
 * (each main effect given the other, before any interaction). The terms with p below
 * {@link #ALPHA} are the ones that carry the effect.
 */
public record DeficitRegressions(Fit siOnly, Fit aOnly, Fit additive, Fit full,
                                 NestedTest interaction, NestedTest siGivenA, NestedTest aGivenSi) {
    public static final double ALPHA = 0.05;

    /** Fits the four models to {@code outcome} across the groups. */
    public static DeficitRegressions fit(List<SelectivityStudy.Group> groups, ToDoubleFunction<SelectivityStudy.Group> outcome) {
        int g = groups.size();
        if (g < 5) {
            throw new GalvaniException("the regressions need at least 5 groups of units, got " + g + ": use a grid of 3 x 3 or more");
        }
        double[] gs = new double[g], ga = new double[g], y = new double[g];
        for (int i = 0; i < g; i++) {
            gs[i] = groups.get(i).meanSI();
            ga[i] = groups.get(i).meanA();
            y[i] = outcome.applyAsDouble(groups.get(i));
        }
        double[] zs = LinearRegression.standardise(gs), za = LinearRegression.standardise(ga);
        double[][] si = new double[g][], a = new double[g][], add = new double[g][], full = new double[g][];
        for (int i = 0; i < g; i++) {
            si[i] = new double[] {zs[i]};
            a[i] = new double[] {za[i]};
            add[i] = new double[] {zs[i], za[i]};
            full[i] = new double[] {zs[i], za[i], zs[i] * za[i]};
        }
        Fit fSi = LinearRegression.fit(si, y, "SI"), fA = LinearRegression.fit(a, y, "A");
        Fit fAdd = LinearRegression.fit(add, y, "SI", "A"), fFull = LinearRegression.fit(full, y, "SI", "A", "SI:A");
        return new DeficitRegressions(fSi, fA, fAdd, fFull, LinearRegression.nestedF(fAdd, fFull),
                LinearRegression.nestedF(fA, fAdd), LinearRegression.nestedF(fSi, fAdd));
    }

    /** The terms whose F-test rejects at {@link #ALPHA}, e.g. "A" or "SI, SI:A"; "none" when no term does. */
    public String carriers() {
        List<String> t = new ArrayList<>();
        if (siGivenA.p() < ALPHA) t.add("SI");
        if (aGivenSi.p() < ALPHA) t.add("A");
        if (interaction.p() < ALPHA) t.add("SI:A");
        return t.isEmpty() ? "none" : String.join(", ", t);
    }

    /** The SI:A coefficient of the full model and its 95% confidence interval: {estimate, low, high}. */
    public double[] interactionCoefficient() {
        int i = full.term("SI:A");
        return new double[] {full.coefficients()[i], full.ciLow()[i], full.ciHigh()[i]};
    }

    /** Every model, in the order reported. */
    public List<Fit> models() {
        return List.of(siOnly, aOnly, additive, full);
    }

    /** Every term test, in the order reported. */
    public List<NestedTest> tests() {
        return List.of(siGivenA, aGivenSi, interaction);
    }
}
