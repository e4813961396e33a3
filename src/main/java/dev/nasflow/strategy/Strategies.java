package dev.nasflow.strategy;

import dev.nasflow.model.ParamDef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The registry of search strategies: their documented parameters ({@link #paramDefs()}, also used by the spec
 * validator) and a factory ({@link #create}) that checks a context's parameters against them, fills in defaults and
 * builds the strategy.
 */
public final class Strategies {
    private static final Map<String, List<ParamDef>> DEFS = buildDefs();

    private Strategies() {
    }

    private static Map<String, List<ParamDef>> buildDefs() {
        Map<String, List<ParamDef>> m = new LinkedHashMap<>();
        m.put("random", List.of());
        m.put("grid", List.of(
                ParamDef.bool("shuffle", false, "visit the architectures in a seeded random order instead of"
                        + " enumeration order")));
        m.put("rea", List.of(
                ParamDef.integer("population", 2, 10_000, 30, "population size; the oldest member dies when a child"
                        + " arrives"),
                ParamDef.integer("sampleSize", 1, 10_000, 10, "tournament size: members sampled to pick the parent"
                        + " (at most population)")));
        m.put("local", List.of(
                ParamDef.integer("initial", 1, 1_000, 20, "random architectures evaluated before the first climb"),
                ParamDef.integer("restart", 1, 1_000, 1, "random architectures evaluated to start each new climb after"
                        + " a local optimum")));
        m.put("nsga2", List.of(
                ParamDef.integer("population", 4, 10_000, 20, "parent population size (also the generation size)"),
                ParamDef.number("crossoverRate", 0, 1, 0.9, "probability that a child is a crossover of two parents"),
                ParamDef.number("mutationRate", 0, 1, 1.0, "probability that a child is mutated (a child equal to a"
                        + " parent always is)")));
        m.put("bananas", List.of(
                ParamDef.integer("initial", 1, 1_000, 20, "random architectures evaluated before the predictor is"
                        + " used"),
                ParamDef.integer("ensemble", 1, 20, 5, "networks in the predictor ensemble"),
                ParamDef.integer("candidates", 1, 10_000, 100, "mutations of the best architectures scored per round"),
                ParamDef.choice("acquisition", List.of("its", "ucb", "mean"), "its", "acquisition function:"
                        + " independent Thompson sampling, upper confidence bound (mean + std) or predicted mean"),
                ParamDef.integer("parents", 1, 1_000, 10, "best observed architectures that candidates are mutated"
                        + " from"),
                ParamDef.integer("batch", 1, 1_000, 1, "proposals per predictor fit (1 = refit after every result)")));
        m.put("asha", List.of(
                ParamDef.number("eta", 2, 10, 3, "reduction factor: rungs grow by eta, the top 1/eta is promoted")));
        m.put("hyperband", List.of(
                ParamDef.number("eta", 2, 10, 3, "reduction factor between rungs and brackets")));
        Map<String, List<ParamDef>> frozen = new LinkedHashMap<>();
        m.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
        return java.util.Collections.unmodifiableMap(frozen);
    }

    /** Strategy type → its parameters, in documentation order (types in a fixed order too). */
    public static Map<String, List<ParamDef>> paramDefs() {
        return DEFS;
    }

    /**
     * Build the strategy {@code type} for the context, after checking its parameters: an unknown type or parameter, a
     * value of the wrong kind or out of bounds throws {@link IllegalArgumentException} naming {@code strategy.type} or
     * {@code strategy.params.NAME} and the fix. Missing parameters take their defaults.
     */
    public static Strategy create(String type, StrategyContext ctx) {
        return create(type, ctx, null);
    }

    /**
     * As {@link #create(String, StrategyContext)}; surrogate-guided strategies consult {@code predictor} (the live
     * surrogate service) before their own model. Null = their own model only.
     */
    public static Strategy create(String type, StrategyContext ctx, Predictor predictor) {
        Objects.requireNonNull(ctx, "ctx");
        List<ParamDef> defs = type == null ? null : DEFS.get(type);
        if (defs == null) {
            throw new IllegalArgumentException("strategy.type: unknown strategy '" + type + "'; use one of "
                    + String.join(", ", DEFS.keySet()));
        }
        Map<String, Object> p = resolve(type, defs, ctx.params());
        return switch (type) {
            case "random" -> new RandomSearch(ctx);
            case "grid" -> new GridSearch(ctx, (Boolean) p.get("shuffle"));
            case "rea" -> {
                int population = (Integer) p.get("population");
                int sample = (Integer) p.get("sampleSize");
                if (sample > population) {
                    throw new IllegalArgumentException("strategy.params.sampleSize: " + sample + " exceeds"
                            + " strategy.params.population " + population + "; use a sample size of at most the"
                            + " population");
                }
                yield new RegularizedEvolution(ctx, population, sample);
            }
            case "local" -> new LocalSearch(ctx, (Integer) p.get("initial"), (Integer) p.get("restart"));
            case "nsga2" -> new Nsga2(ctx, (Integer) p.get("population"), (Double) p.get("crossoverRate"),
                    (Double) p.get("mutationRate"));
            case "bananas" -> new Bananas(ctx, (Integer) p.get("initial"), (Integer) p.get("ensemble"),
                    (Integer) p.get("candidates"), Bananas.Acquisition.of((String) p.get("acquisition")),
                    (Integer) p.get("parents"), (Integer) p.get("batch")).withPredictor(predictor);
            case "asha" -> new Asha(ctx, (Double) p.get("eta"));
            case "hyperband" -> new Hyperband(ctx, (Double) p.get("eta"));
            default -> throw new IllegalStateException("no factory for strategy type '" + type + "'");
        };
    }

    /** Checked parameter values (Integer, Double, Boolean or String per kind), defaults filled in. */
    static Map<String, Object> resolve(String type, List<ParamDef> defs, Map<String, Object> given) {
        Map<String, ParamDef> byName = new LinkedHashMap<>();
        for (ParamDef d : defs) {
            byName.put(d.name(), d);
        }
        for (String name : given.keySet()) {
            if (!byName.containsKey(name)) {
                throw new IllegalArgumentException("strategy.params." + name + ": unknown parameter of strategy '"
                        + type + "'; " + (defs.isEmpty() ? "it takes no parameters, remove it"
                        : "known: " + String.join(", ", byName.keySet()) + " (remove it or fix the spelling)"));
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (ParamDef d : defs) {
            Object v = given.get(d.name());
            out.put(d.name(), v == null ? d.defaultValue() : check(d, v));
        }
        return out;
    }

    private static Object check(ParamDef d, Object v) {
        String field = "strategy.params." + d.name();
        switch (d.kind()) {
            case "int" -> {
                if (!(v instanceof Number num) || !Double.isFinite(num.doubleValue())
                        || num.doubleValue() != Math.rint(num.doubleValue())) {
                    throw new IllegalArgumentException(field + ": must be an integer between " + d.min().intValue()
                            + " and " + d.max().intValue() + ", got " + describe(v));
                }
                double x = num.doubleValue();
                if (x < d.min() || x > d.max()) {
                    throw new IllegalArgumentException(field + ": " + describe(v) + " is out of range; use an integer"
                            + " between " + d.min().intValue() + " and " + d.max().intValue());
                }
                return (int) x;
            }
            case "number" -> {
                if (!(v instanceof Number num) || !Double.isFinite(num.doubleValue())) {
                    throw new IllegalArgumentException(field + ": must be a number between " + fmt(d.min()) + " and "
                            + fmt(d.max()) + ", got " + describe(v));
                }
                double x = num.doubleValue();
                if (x < d.min() || x > d.max()) {
                    throw new IllegalArgumentException(field + ": " + describe(v) + " is out of range; use a number"
                            + " between " + fmt(d.min()) + " and " + fmt(d.max()));
                }
                return x;
            }
            case "boolean" -> {
                if (!(v instanceof Boolean b)) {
                    throw new IllegalArgumentException(field + ": must be true or false, got " + describe(v));
                }
                return b;
            }
            case "enum" -> {
                if (!(v instanceof String s) || !d.values().contains(s)) {
                    throw new IllegalArgumentException(field + ": must be one of " + String.join(", ", d.values())
                            + ", got " + describe(v));
                }
                return s;
            }
            default -> throw new IllegalStateException("unknown parameter kind " + d.kind());
        }
    }

    private static String fmt(double x) {
        return x == Math.rint(x) ? Long.toString((long) x) : Double.toString(x);
    }

    private static String describe(Object v) {
        return v instanceof String s ? "'" + s + "'" : String.valueOf(v);
    }

    /** The names of all strategy types, in registry order. */
    public static List<String> types() {
        return new ArrayList<>(DEFS.keySet());
    }
}
