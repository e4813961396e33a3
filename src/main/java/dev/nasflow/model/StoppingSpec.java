package dev.nasflow.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The streaming early-stopping rule ({@link SpecVocabulary#STOPPING_RULES}) and its parameters, which are those of
 * {@code dev.nasflow.stopping.StoppingRules.params(rule)} (the schema rejects the parameters of other rules):
 * <ul>
 *   <li>{@code none}: never stop a candidate early.</li>
 *   <li>{@code median}: {@code gracePeriod}, {@code minTrials}, {@code completedOnly} (Vizier / Katib median rule),
 *       {@code percentile} (Optuna {@code PercentilePruner}: 50 = median) and {@code compare} ({@code best} so far,
 *       Vizier, or the candidate's own running {@code average}).</li>
 *   <li>{@code asha}: rungs at {@code minEpochs × eta^k} epochs, top 1/{@code eta} continue, {@code minTrials}
 *       reports per rung before anything is stopped.</li>
 *   <li>{@code curve}: after {@code gracePeriod} epochs, extrapolate the learning curve and stop when the predicted
 *       final value is below best × {@code threshold}; {@code minTrials} finished references.</li>
 *   <li>{@code surrogate}: after {@code gracePeriod} epochs, stop when the surrogate service's optimistic prediction
 *       (mean + z({@code confidence}) std) is below best × {@code threshold}; with {@code rungs}, also successive
 *       halving on predictions at {@code gracePeriod × eta^k}; {@code minTrials} references; {@code coldRungs}:
 *       successive halving by value while a candidate's prediction is missing or learnt from fewer finished
 *       candidates than that.</li>
 *   <li>{@code pareto}: several objectives (the watched metric and costs known before training): from epoch
 *       {@code gracePeriod}, with {@code minTrials} finished references, stop a candidate whose optimistic final
 *       objective vector (curve estimate plus the {@code confidence} conformal quantile of the estimate's scaled
 *       shortfall) is dominated by more than {@code margin} by a front point, or, with {@code runningReferences}, by
 *       a running candidate's pessimistic final vector; only at epochs whose estimates rank the finished candidates'
 *       finals with Kendall tau of at least {@code minRankTau}; {@code estimate} says what estimates a final value:
 *       the {@code curve} fit or the {@code surrogate} service's prediction from the epoch judged.</li>
 * </ul>
 * {@code metric} (every rule but {@code none}) is the per-epoch metric the rule watches. After {@link Defaults} the
 * chosen rule's parameters are all set and the others are null; {@link #params()} is the map
 * {@code StoppingRules.create(rule, params)} takes.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"rule", "gracePeriod", "minTrials", "eta", "threshold", "metric", "minEpochs", "completedOnly",
        "percentile", "compare", "margin", "confidence", "runningReferences", "rungs", "minRankTau", "estimate",
        "coldRungs"})
public record StoppingSpec(String rule, Integer gracePeriod, Integer minTrials, Integer eta, Double threshold,
                           String metric, Integer minEpochs, Boolean completedOnly, Double percentile,
                           String compare, Double margin, Double confidence, Boolean runningReferences,
                           Boolean rungs, Double minRankTau, String estimate, Integer coldRungs) {

    /** The spec before the surrogate rule's {@code coldRungs} existed (unset: the rule's default). */
    public StoppingSpec(String rule, Integer gracePeriod, Integer minTrials, Integer eta, Double threshold,
                        String metric, Integer minEpochs, Boolean completedOnly, Double percentile, String compare,
                        Double margin, Double confidence, Boolean runningReferences, Boolean rungs,
                        Double minRankTau, String estimate) {
        this(rule, gracePeriod, minTrials, eta, threshold, metric, minEpochs, completedOnly, percentile, compare, margin,
                confidence, runningReferences, rungs, minRankTau, estimate, null);
    }

    /** The spec before the pareto rule's {@code estimate} existed (unset: curve). */
    public StoppingSpec(String rule, Integer gracePeriod, Integer minTrials, Integer eta, Double threshold,
                        String metric, Integer minEpochs, Boolean completedOnly, Double percentile, String compare,
                        Double margin, Double confidence, Boolean runningReferences, Boolean rungs,
                        Double minRankTau) {
        this(rule, gracePeriod, minTrials, eta, threshold, metric, minEpochs, completedOnly, percentile, compare, margin,
                confidence, runningReferences, rungs, minRankTau, null);
    }

    /** The spec before the pareto rule's {@code minRankTau} existed (unset). */
    public StoppingSpec(String rule, Integer gracePeriod, Integer minTrials, Integer eta, Double threshold,
                        String metric, Integer minEpochs, Boolean completedOnly, Double percentile, String compare,
                        Double margin, Double confidence, Boolean runningReferences, Boolean rungs) {
        this(rule, gracePeriod, minTrials, eta, threshold, metric, minEpochs, completedOnly, percentile, compare, margin,
                confidence, runningReferences, rungs, (Double) null);
    }

    /** The spec before the surrogate rule's {@code rungs} existed (unset). */
    public StoppingSpec(String rule, Integer gracePeriod, Integer minTrials, Integer eta, Double threshold,
                        String metric, Integer minEpochs, Boolean completedOnly, Double percentile, String compare,
                        Double margin, Double confidence, Boolean runningReferences) {
        this(rule, gracePeriod, minTrials, eta, threshold, metric, minEpochs, completedOnly, percentile, compare, margin,
                confidence, runningReferences, null);
    }

    /** A surrogate-rule spec: {@code confidence} and {@code rungs}, no pareto parameters. */
    public StoppingSpec(String rule, Integer gracePeriod, Integer minTrials, Integer eta, Double threshold,
                        String metric, Integer minEpochs, Boolean completedOnly, Double percentile, String compare,
                        Double confidence, Boolean rungs) {
        this(rule, gracePeriod, minTrials, eta, threshold, metric, minEpochs, completedOnly, percentile, compare, null,
                confidence, null, rungs);
    }

    /** The spec before the pareto rule's {@code confidence} and {@code runningReferences} existed (unset). */
    public StoppingSpec(String rule, Integer gracePeriod, Integer minTrials, Integer eta, Double threshold,
                        String metric, Integer minEpochs, Boolean completedOnly, Double percentile, String compare,
                        Double margin) {
        this(rule, gracePeriod, minTrials, eta, threshold, metric, minEpochs, completedOnly, percentile, compare, margin,
                null, null, null);
    }

    /** The spec before the pareto rule's {@code margin} existed (unset). */
    public StoppingSpec(String rule, Integer gracePeriod, Integer minTrials, Integer eta, Double threshold,
                        String metric, Integer minEpochs, Boolean completedOnly, Double percentile, String compare) {
        this(rule, gracePeriod, minTrials, eta, threshold, metric, minEpochs, completedOnly, percentile, compare, null,
                null, null, null);
    }

    /** The spec before the median rule's {@code percentile} and {@code compare} existed (both unset). */
    public StoppingSpec(String rule, Integer gracePeriod, Integer minTrials, Integer eta, Double threshold,
                        String metric, Integer minEpochs, Boolean completedOnly) {
        this(rule, gracePeriod, minTrials, eta, threshold, metric, minEpochs, completedOnly, null, null, null, null,
                null);
    }

    public static StoppingSpec none() {
        return new StoppingSpec("none", null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null);
    }

    @JsonIgnore
    public boolean isNone() {
        return rule == null || "none".equals(rule);
    }

    /** The rule's parameters that are set (everything but {@code rule} and {@code metric}), by name. */
    @JsonIgnore
    public Map<String, Object> params() {
        Map<String, Object> m = new LinkedHashMap<>();
        put(m, "gracePeriod", gracePeriod);
        put(m, "minTrials", minTrials);
        put(m, "eta", eta);
        put(m, "threshold", threshold);
        put(m, "minEpochs", minEpochs);
        put(m, "completedOnly", completedOnly);
        put(m, "percentile", percentile);
        put(m, "compare", compare);
        put(m, "margin", margin);
        put(m, "confidence", confidence);
        put(m, "runningReferences", runningReferences);
        put(m, "rungs", rungs);
        put(m, "minRankTau", minRankTau);
        put(m, "estimate", estimate);
        put(m, "coldRungs", coldRungs);
        return m;
    }

    private static void put(Map<String, Object> m, String k, Object v) {
        if (v != null) {
            m.put(k, v);
        }
    }

    /** A spec of {@code rule} with these parameters (unknown names are ignored; the validator reports them). */
    public static StoppingSpec of(String rule, String metric, Map<String, ?> params) {
        return new StoppingSpec(rule, integer(params.get("gracePeriod")), integer(params.get("minTrials")),
                integer(params.get("eta")), params.get("threshold") instanceof Number n ? n.doubleValue() : null,
                metric, integer(params.get("minEpochs")),
                params.get("completedOnly") instanceof Boolean b ? b : null,
                params.get("percentile") instanceof Number p ? p.doubleValue() : null,
                params.get("compare") instanceof String c ? c : null,
                params.get("margin") instanceof Number g ? g.doubleValue() : null,
                params.get("confidence") instanceof Number q ? q.doubleValue() : null,
                params.get("runningReferences") instanceof Boolean r ? r : null,
                params.get("rungs") instanceof Boolean u ? u : null,
                params.get("minRankTau") instanceof Number t ? t.doubleValue() : null,
                params.get("estimate") instanceof String e ? e : null, integer(params.get("coldRungs")));
    }

    private static Integer integer(Object v) {
        return v instanceof Number n ? n.intValue() : null;
    }
}
