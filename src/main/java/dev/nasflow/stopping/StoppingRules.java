package dev.nasflow.stopping;

import dev.nasflow.model.Objective;
import dev.nasflow.model.ParamDef;
import dev.nasflow.model.ParamValues;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The registry of stopping rules: each rule declares itself once, in a {@link StoppingRuleDescriptor} constant in its
 * own file, and {@link #all()} lists them. Builds rules from a spec's rule name and parameters, and documents the
 * parameters of each rule ({@link #params}) for the spec validator. The parameters and their defaults are in each
 * rule's descriptor (and, checked against them by a test, in docs/SPEC.md's stopping table); all are optional.
 * Errors are {@link IllegalArgumentException}s naming the field as {@code stopping.<name>} and saying what is
 * allowed. A parameter the chosen rule does not use is an error (it is most likely a typo or a wrong rule).
 */
public final class StoppingRules {
    /** The stopping rules, one line each, in documentation order; each rule's file declares its descriptor. */
    private static final List<StoppingRuleDescriptor> RULES = List.of(
            MedianStoppingRule.DESCRIPTOR,
            AshaRule.DESCRIPTOR,
            CurveExtrapolationRule.DESCRIPTOR,
            SurrogateRule.DESCRIPTOR,
            ParetoStoppingRule.DESCRIPTOR,
            NoStopping.DESCRIPTOR);

    /** The rule names ({@code stopping.rule}), in registry order. */
    public static final List<String> NAMES = RULES.stream().map(StoppingRuleDescriptor::name).toList();
    /**
     * Objective metrics known before training (the cost model's figures, on the candidate's start event): the
     * objectives the {@code pareto} rule accepts besides the watched learning curve.
     */
    public static final List<String> STATIC_METRICS = List.of("params", "flops", "latencyMs");

    /** Upper bound of the rules' integer parameters (epochs, trials). */
    static final int MAX_INT = 1_000_000;

    private StoppingRules() {
    }

    /** The rules' descriptors, in documentation order. */
    public static List<StoppingRuleDescriptor> all() {
        return RULES;
    }

    /** The descriptor of a rule (name as in {@link #create}: trimmed, any case). */
    public static StoppingRuleDescriptor descriptor(String rule) {
        String name = normalise(rule);
        return RULES.stream().filter(d -> d.name().equals(name)).findFirst().orElseThrow();
    }

    /** The documented parameters of a rule. */
    public static List<ParamDef> params(String rule) {
        return descriptor(rule).params();
    }

    /**
     * Checks a rule name and its parameters as {@link #create} would, without building the rule (so a spec using
     * {@code surrogate} can be validated where no prediction source exists).
     *
     * @throws IllegalArgumentException naming {@code stopping.rule} or {@code stopping.<param>}
     */
    public static void validate(String rule, Map<String, ?> params) {
        String name = normalise(rule);
        resolve(name, params(name), params == null ? Map.of() : params);
    }

    /** A rule without a prediction source (the {@code surrogate} rule then fails: use the 3-argument form). */
    public static StoppingRule create(String rule, Map<String, ?> params) {
        return create(rule, params, null);
    }

    /**
     * Builds a rule.
     *
     * @param rule   one of {@link #NAMES}
     * @param params the rule's parameters ({@code null} or empty for all defaults)
     * @param source predictions for the {@code surrogate} rule (ignored by the others)
     * @throws IllegalArgumentException naming {@code stopping.rule} or {@code stopping.<param>}
     */
    public static StoppingRule create(String rule, Map<String, ?> params, PredictionSource source) {
        return create(rule, params, source, null, null);
    }

    /**
     * Builds a rule for a search with these objectives (needed by {@code pareto}; the others ignore them).
     *
     * @param objectives the search's objectives (null: none known, and {@code pareto} fails)
     * @param metric     the watched per-epoch metric ({@code stopping.metric}; null = the first objective's)
     * @throws IllegalArgumentException naming {@code stopping.rule}, {@code stopping.<param>}, {@code stopping.metric}
     *                                  or {@code objectives}
     */
    public static StoppingRule create(String rule, Map<String, ?> params, PredictionSource source,
                                      List<Objective> objectives, String metric) {
        StoppingRuleDescriptor d = descriptor(rule);
        Map<String, Object> v = resolve(d.name(), d.params(), params == null ? Map.of() : params);
        return d.factory().create(new ParamValues(v), new StoppingRuleDescriptor.Setting(source, objectives, metric));
    }

    /**
     * Checks that a rule fits the search's objectives (its descriptor's {@link StoppingRuleDescriptor#objectives}):
     * {@code pareto} needs the watched metric ({@code metric}, null = the first objective's) to be one objective and
     * every other objective (at least one) to be known before training ({@link #STATIC_METRICS}). Other rules accept
     * any objectives.
     *
     * @throws IllegalArgumentException naming {@code stopping.rule}, {@code stopping.metric} or {@code objectives}
     */
    public static void checkObjectives(String rule, List<Objective> objectives, String metric) {
        descriptor(rule).objectives().check(objectives, metric);
    }

    private static String normalise(String rule) {
        if (rule == null || rule.isBlank()) {
            throw new IllegalArgumentException("stopping.rule: missing; use one of " + String.join(", ", NAMES));
        }
        String n = rule.trim().toLowerCase(Locale.ROOT);
        if (!NAMES.contains(n)) {
            throw unknownRule(rule);
        }
        return n;
    }

    private static IllegalArgumentException unknownRule(String rule) {
        return new IllegalArgumentException("stopping.rule: unknown rule '" + rule + "'; use one of "
                + String.join(", ", NAMES));
    }

    private static Map<String, Object> resolve(String rule, List<ParamDef> defs, Map<String, ?> given) {
        Map<String, ParamDef> byName = new LinkedHashMap<>();
        defs.forEach(d -> byName.put(d.name(), d));
        List<String> unknown = new ArrayList<>();
        for (String k : given.keySet()) {
            if (!byName.containsKey(k)) {
                unknown.add(k);
            }
        }
        if (!unknown.isEmpty()) {
            unknown.sort(null);
            String known = byName.isEmpty() ? "none" : String.join(", ", byName.keySet());
            throw new IllegalArgumentException("stopping." + unknown.get(0) + ": not a parameter of rule '" + rule
                    + "' (its parameters: " + known + ")");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (ParamDef d : defs) {
            Object raw = given.get(d.name());
            out.put(d.name(), raw == null ? d.defaultValue() : convert(d, raw));
        }
        return out;
    }

    private static Object convert(ParamDef d, Object raw) {
        String field = "stopping." + d.name();
        switch (d.kind()) {
            case "boolean" -> {
                if (raw instanceof Boolean b) {
                    return b;
                }
                if (raw instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
                    return Boolean.parseBoolean(s);
                }
                throw new IllegalArgumentException(field + ": must be true or false, got " + raw);
            }
            case "int", "number" -> {
                double x;
                if (raw instanceof Number n) {
                    x = n.doubleValue();
                } else if (raw instanceof String s) {
                    try {
                        x = Double.parseDouble(s.trim());
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(field + ": must be a number, got '" + s + "'");
                    }
                } else {
                    throw new IllegalArgumentException(field + ": must be a number, got " + raw);
                }
                boolean isInt = d.kind().equals("int");
                if (!Double.isFinite(x) || (isInt && x != Math.rint(x))) {
                    throw new IllegalArgumentException(field + ": must be " + (isInt ? "an integer" : "a finite number")
                            + ", got " + raw);
                }
                if (x < d.min() || x > d.max()) {
                    throw new IllegalArgumentException(field + ": must be between " + bound(d.min(), isInt) + " and "
                            + bound(d.max(), isInt) + ", got " + raw);
                }
                return isInt ? (Object) (int) x : (Object) x;
            }
            case "enum" -> {
                if (raw instanceof String s) {
                    for (String allowed : d.values()) {
                        if (allowed.equalsIgnoreCase(s.trim())) {
                            return allowed;
                        }
                    }
                }
                throw new IllegalArgumentException(field + ": must be one of " + String.join(", ", d.values())
                        + ", got " + (raw instanceof String ? "'" + raw + "'" : raw));
            }
            default -> throw new IllegalStateException("unexpected parameter kind " + d.kind());
        }
    }

    private static String bound(double b, boolean isInt) {
        return isInt ? Long.toString((long) b) : Double.toString(b);
    }

    /** "median(gracePeriod=4, ...)" style description of every rule's defaults, for help texts. */
    public static String describeDefaults() {
        return NAMES.stream().map(n -> n + params(n).stream().map(p -> p.name() + "=" + p.defaultValue())
                .collect(Collectors.joining(", ", "(", ")"))).collect(Collectors.joining("; "));
    }
}
