package dev.nasflow.spec;

import dev.nasflow.strategy.ParamDef;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The documented parameters of every strategy type, used by {@link SpecValidator} and {@link Defaults}. Mirrors the
 * per-strategy {@code params} blocks of the JSON Schema (a test keeps both equal). Once
 * {@code dev.nasflow.strategy.Strategies.paramDefs()} exists, {@link #defs()} should return that table instead.
 */
final class StrategyParams {
    private StrategyParams() {
    }

    private static final Map<String, List<ParamDef>> DEFS = build();

    private static Map<String, List<ParamDef>> build() {
        Map<String, List<ParamDef>> m = new LinkedHashMap<>();
        m.put("random", List.of());
        m.put("grid", List.of(
                ParamDef.bool("shuffle", false, "visit the space in a seeded random order instead of enumeration order")));
        m.put("rea", List.of(
                ParamDef.integer("population", 2, 10_000, 10, "size of the aging population"),
                ParamDef.integer("sampleSize", 1, 10_000, 3, "tournament sample size (at most population)")));
        m.put("local", List.of(
                ParamDef.integer("initial", 1, 1_000, 10, "random architectures evaluated before hill climbing")));
        m.put("nsga2", List.of(
                ParamDef.integer("population", 4, 10_000, 20, "population size"),
                ParamDef.number("crossoverRate", 0, 1, 0.9, "probability that a child is a crossover of two parents")));
        m.put("bananas", List.of(
                ParamDef.integer("initial", 1, 1_000, 10, "random architectures evaluated before the predictor is used"),
                ParamDef.integer("ensemble", 1, 20, 5, "number of predictors in the ensemble"),
                ParamDef.integer("candidates", 1, 10_000, 100, "mutations of the best scored per proposal round"),
                ParamDef.choice("acquisition", List.of("its", "ucb", "mean"), "its",
                        "acquisition function: independent Thompson sampling, upper confidence bound, or mean")));
        m.put("asha", List.of(
                ParamDef.number("eta", 2, 10, 3, "reduction factor: the top 1/eta of a rung is promoted")));
        m.put("hyperband", List.of(
                ParamDef.number("eta", 2, 10, 3, "reduction factor between successive-halving rungs")));
        return Collections.unmodifiableMap(m);
    }

    /** Strategy type → its parameter definitions, in documentation order. */
    static Map<String, List<ParamDef>> defs() {
        return DEFS;
    }
}
