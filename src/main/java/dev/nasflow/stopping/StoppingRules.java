package dev.nasflow.stopping;

import dev.nasflow.model.Objective;
import dev.nasflow.model.ParamDef;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Builds stopping rules from a spec's rule name and parameters, and documents the parameters of each rule
 * ({@link #params}) for the spec validator. Parameters, all optional:
 * <table>
 *   <caption>rule parameters and defaults</caption>
 *   <tr><th>rule</th><th>parameters (default)</th></tr>
 *   <tr><td>median</td><td>gracePeriod (4), minTrials (3), completedOnly (false), percentile (50),
 *       compare (best)</td></tr>
 *   <tr><td>asha</td><td>minEpochs (1), eta (3), minTrials (3)</td></tr>
 *   <tr><td>curve</td><td>gracePeriod (4), minTrials (1), threshold (0.95)</td></tr>
 *   <tr><td>surrogate</td><td>gracePeriod (1), minTrials (1), threshold (1.0), confidence (0.95), rungs (false), eta (3)</td></tr>
 *   <tr><td>pareto</td><td>gracePeriod (3), minTrials (5), margin (0), confidence (0.9),
 *   runningReferences (true); needs several objectives</td></tr>
 *   <tr><td>none</td><td>-</td></tr>
 * </table>
 * Errors are {@link IllegalArgumentException}s naming the field as {@code stopping.<name>} and saying what is
 * allowed. A parameter the chosen rule does not use is an error (it is most likely a typo or a wrong rule).
 */
public final class StoppingRules {
    public static final List<String> NAMES = List.of("median", "asha", "curve", "surrogate", "pareto", "none");
    /**
     * Objective metrics known before training (the cost model's figures, on the candidate's start event): the
     * objectives the {@code pareto} rule accepts besides the watched learning curve.
     */
    public static final List<String> STATIC_METRICS = List.of("params", "flops", "latencyMs");

    private static final int MAX_INT = 1_000_000;

    private StoppingRules() {
    }

    /** The documented parameters of a rule. */
    public static List<ParamDef> params(String rule) {
        return switch (normalise(rule)) {
            case "median" -> List.of(
                    ParamDef.integer("gracePeriod", 1, MAX_INT, 4,
                            "first epoch at which a candidate may be stopped (Katib start_step)"),
                    ParamDef.integer("minTrials", 1, MAX_INT, 3,
                            "minimum number of other candidates that reached the epoch (Katib min_trials_required)"),
                    ParamDef.bool("completedOnly", false,
                            "compare only against finished candidates (Vizier's literal rule) instead of all others"),
                    ParamDef.number("percentile", 0.0, 100.0, MedianStoppingRule.DEFAULT_PERCENTILE,
                            "keep candidates in the top percentile percent (Optuna PercentilePruner): stop when below "
                                    + "the (100 - percentile)-th percentile of the references; 50 = median, smaller "
                                    + "stops more"),
                    ParamDef.choice("compare", List.of("best", "average"), "best",
                            "what of the candidate's curve is compared with the references' running averages: its "
                                    + "best value so far (Vizier) or its own running average"));
            case "asha" -> List.of(
                    ParamDef.integer("minEpochs", 1, MAX_INT, 1, "epoch of the first rung"),
                    ParamDef.integer("eta", 2, 100, 3, "reduction factor: rungs at minEpochs*eta^k, top 1/eta continue"),
                    ParamDef.integer("minTrials", 1, MAX_INT, 3,
                            "reports needed at a rung before anything is stopped there"));
            case "curve" -> List.of(
                    ParamDef.integer("gracePeriod", 1, MAX_INT, 4, "first epoch at which the curve is extrapolated"),
                    ParamDef.integer("minTrials", 1, MAX_INT, 1, "finished candidates needed as references"),
                    ParamDef.number("threshold", 0.01, 1.0, 0.95,
                            "stop when the predicted final value is below best final x threshold"));
            case "surrogate" -> List.of(
                    ParamDef.integer("gracePeriod", 1, MAX_INT, 1, "first epoch at which the prediction is checked"),
                    ParamDef.integer("minTrials", 1, MAX_INT, 1, "finished candidates needed as references"),
                    ParamDef.number("threshold", 0.01, 1.0, 1.0,
                            "stop when the optimistic predicted final value is below best final x threshold"),
                    ParamDef.number("confidence", 0.5, 0.999, 0.95,
                            "the optimistic prediction is mean + z std, z the normal quantile of confidence (0.95: "
                                    + "z = 1.645, stop when the chance of reaching the cut-off is below 5 %; 0.5: the "
                                    + "mean alone)"),
                    ParamDef.integer("eta", 2, 100, 3,
                            "rungs at gracePeriod x eta^k: only the top 1/eta of the candidates that reached a rung, "
                                    + "ranked by their values there (ASHA), or by the current model's predictions from "
                                    + "that epoch where its measured tau there beats the values', continue"),
                    ParamDef.bool("rungs", false,
                            "also stop at the rungs (successive halving); false: only when the optimistic "
                                    + "prediction cannot reach the best final"));
            case "pareto" -> List.of(
                    ParamDef.integer("gracePeriod", 1, MAX_INT, 3, "first epoch at which a candidate may be stopped"),
                    ParamDef.integer("minTrials", 1, MAX_INT, 5,
                            "finished candidates needed: the front and the calibration of the optimistic estimate"),
                    ParamDef.number("margin", 0.0, 0.5, 0.0,
                            "a front point must beat the candidate's optimistic final value by more than "
                                    + "|its value| x margin (0.01 = 1%) and be no worse in every cost"),
                    ParamDef.number("confidence", 0.5, 1.0, 0.9,
                            "the optimistic estimate adds this conformal quantile of the estimate's scaled shortfall "
                                    + "among finished candidates at the same epoch (1 = the largest)"),
                    ParamDef.bool("runningReferences", true,
                            "a running candidate counts as a front point by its pessimistic final value (its "
                                    + "estimate less the same quantile of the estimate's overshoot)"));
            case "none" -> List.of();
            default -> throw unknownRule(rule);
        };
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
        String name = normalise(rule);
        List<ParamDef> defs = params(name);
        Map<String, Object> v = resolve(name, defs, params == null ? Map.of() : params);
        return switch (name) {
            case "median" -> new MedianStoppingRule(i(v, "gracePeriod"), i(v, "minTrials"),
                    (Boolean) v.get("completedOnly"), d(v, "percentile"),
                    MedianStoppingRule.Compare.parse((String) v.get("compare")));
            case "asha" -> new AshaRule(i(v, "minEpochs"), i(v, "eta"), i(v, "minTrials"));
            case "curve" -> new CurveExtrapolationRule(i(v, "gracePeriod"), i(v, "minTrials"), d(v, "threshold"));
            case "surrogate" -> new SurrogateRule(source, i(v, "gracePeriod"), i(v, "minTrials"), d(v, "threshold"),
                    d(v, "confidence"), (Boolean) v.get("rungs") ? i(v, "eta") : 1);
            case "pareto" -> {
                checkObjectives(name, objectives, metric);
                Objective watched = watchedObjective(objectives, metric);
                List<Objective> costs = objectives.stream().filter(o -> !o.metric().equals(watched.metric())).toList();
                yield new ParetoStoppingRule(watched, costs, i(v, "gracePeriod"), i(v, "minTrials"), d(v, "margin"),
                        d(v, "confidence"), (Boolean) v.get("runningReferences"));
            }
            default -> NoStopping.INSTANCE;
        };
    }

    /**
     * Checks that a rule fits the search's objectives: {@code pareto} needs the watched metric ({@code metric}, null =
     * the first objective's) to be one objective and every other objective (at least one) to be known before
     * training ({@link #STATIC_METRICS}). Other rules accept any objectives.
     *
     * @throws IllegalArgumentException naming {@code stopping.rule}, {@code stopping.metric} or {@code objectives}
     */
    public static void checkObjectives(String rule, List<Objective> objectives, String metric) {
        if (!"pareto".equals(normalise(rule))) {
            return;
        }
        if (objectives == null || objectives.size() < 2) {
            throw new IllegalArgumentException("stopping.rule: 'pareto' stops candidates dominated on several "
                    + "objectives, this search has " + (objectives == null ? 0 : objectives.size()) + "; add a cost "
                    + "objective (params, flops or latencyMs) or use a single-objective rule (median, asha, curve)");
        }
        String watched = metric == null ? objectives.get(0).metric() : metric;
        List<String> names = objectives.stream().map(Objective::metric).toList();
        if (!names.contains(watched)) {
            throw new IllegalArgumentException("stopping.metric: the pareto rule predicts the final value of an "
                    + "objective from its learning curve, and '" + watched + "' is not one of the objectives "
                    + names + "; set stopping.metric to the objective trained for (e.g. validAccuracy)");
        }
        for (Objective o : objectives) {
            if (!o.metric().equals(watched) && !STATIC_METRICS.contains(o.metric())) {
                throw new IllegalArgumentException("objectives: the pareto rule needs every objective but the "
                        + "watched " + watched + " to be known before training (" + String.join(", ", STATIC_METRICS)
                        + "); '" + o.metric() + "' is only known when training ends: remove that objective or use "
                        + "another rule");
            }
        }
    }

    private static Objective watchedObjective(List<Objective> objectives, String metric) {
        String watched = metric == null ? objectives.get(0).metric() : metric;
        return objectives.stream().filter(o -> o.metric().equals(watched)).findFirst().orElseThrow();
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

    private static int i(Map<String, Object> v, String k) {
        return ((Number) v.get(k)).intValue();
    }

    private static double d(Map<String, Object> v, String k) {
        return ((Number) v.get(k)).doubleValue();
    }

    /** "median(gracePeriod=4, ...)" style description of every rule's defaults, for help texts. */
    public static String describeDefaults() {
        return NAMES.stream().map(n -> n + params(n).stream().map(p -> p.name() + "=" + p.defaultValue())
                .collect(Collectors.joining(", ", "(", ")"))).collect(Collectors.joining("; "));
    }
}
