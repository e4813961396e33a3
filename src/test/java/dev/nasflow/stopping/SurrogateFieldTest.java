package dev.nasflow.stopping;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static dev.nasflow.stopping.Feed.S;
import static dev.nasflow.stopping.Feed.pt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The surrogate rule's field criterion ({@code percentile} below 100): a candidate below the field's percentile at an
 * epoch is stopped, the field ranked by the predictions made from that epoch where those have ranked the finished
 * candidates' finals better than their running averages there, else by the running averages (the median rule).
 */
class SurrogateFieldTest {
    private static PredictionSource from(Map<String, Prediction> m) {
        return SurrogateRuleTest.byCandidate(m);
    }

    /**
     * {@code n} finished candidates of 4 epochs: their epoch-1 values rank their finals in reverse (f0 has the best
     * start and the worst final), their recorded predictions from epoch 1 rank them as {@code predictionsRank} says
     * (true: right, false: reversed).
     */
    private static EarlyStopper withFinished(SurrogateRule rule, int n, boolean predictionsRank) {
        EarlyStopper st = new EarlyStopper(rule);
        CurveStore store = null;
        for (int i = 0; i < n; i++) {
            String c = "f" + i;
            double fin = 80 + i;
            double[] curve = {70 - i, 75, 78, fin};
            for (int e = 1; e <= 4; e++) {
                st.record(pt(c, e, 4, curve[e - 1]));
            }
            store = st.store(S).orElseThrow();
            store.putPrediction(c, 1, predictionsRank ? fin : 80 + n - 1 - i);
            st.onFinished(S, c);
        }
        return st;
    }

    private static SurrogateRule rule(PredictionSource src, double percentile) {
        return new SurrogateRule(src, 1, 1, 1.0, 0.95, 1, percentile);
    }

    @Test
    void ranksByThePredictionsWhereTheyRankedTheFinishedBetter() {
        // x starts well (its epoch-1 value 69 is above most) but is predicted to end at 84, below the median 85.5
        // of the others' predictions; a wide spread keeps the "cannot beat the best" criterion out of it
        PredictionSource src = from(Map.of("x", new Prediction(84, 10), "y", new Prediction(88, 10)));
        EarlyStopper st = withFinished(rule(src, 50), 12, true);
        Optional<StopVerdict> v = st.onEpoch(pt("x", 1, 4, 69));
        assertTrue(v.isPresent());
        assertEquals("surrogate predicts 84 +/- 10 (candidate x); its prediction from epoch 1 84 < median 85.5 of the "
                + "predictions from epoch 1 of 12 others (tau at epoch 1: predicted 1 vs running averages -1 on 12 "
                + "finished)", v.get().reason());
        assertTrue(st.onEpoch(pt("y", 1, 4, 60)).isEmpty(), "a poor start predicted to end well goes on");
        assertEquals(84, st.store(S).orElseThrow().prediction("x", 1), "the rule keeps what it judged by");
    }

    @Test
    void ranksByTheRunningAveragesWhereThePredictionsRankedWorse() {
        PredictionSource src = from(Map.of("x", new Prediction(84, 10), "y", new Prediction(88, 10)));
        EarlyStopper st = withFinished(rule(src, 50), 12, false);
        assertTrue(st.onEpoch(pt("x", 1, 4, 69)).isEmpty(), "69 is above the median 64.5 of the epoch-1 values");
        Optional<StopVerdict> v = st.onEpoch(pt("y", 1, 4, 60));
        assertTrue(v.isPresent());
        assertEquals("surrogate predicts 88 +/- 10 (candidate y); ranked by running averages (tau at epoch 1: "
                + "predicted -1 vs running averages -1 on 12 finished): running average 60 < median 65 of the "
                + "running averages of 13 trials at epoch 1", v.get().reason());
    }

    @Test
    void ranksByTheRunningAveragesUntilTenFinishedMeasuredThePredictions() {
        PredictionSource src = from(Map.of("x", new Prediction(84, 10)));
        EarlyStopper st = withFinished(rule(src, 50), 9, true);
        Optional<StopVerdict> v = st.onEpoch(pt("x", 1, 4, 60));
        assertTrue(v.isPresent(), "running average 60 < the median 66 of the others' at epoch 1");
        assertEquals("surrogate predicts 84 +/- 10 (candidate x); ranked by running averages (tau at epoch 1: "
                + "predicted 1 vs running averages -1 on 9 finished): running average 60 < median 66 of the running "
                + "averages of 9 trials at epoch 1", v.get().reason());
    }

    @Test
    void aSmallerPercentileStopsMore() {
        Map<String, Prediction> m = new HashMap<>();
        m.put("x", new Prediction(86, 10));
        EarlyStopper median = withFinished(rule(from(m), 50), 12, true);
        EarlyStopper top30 = withFinished(rule(from(m), 30), 12, true);
        assertTrue(median.onEpoch(pt("x", 1, 4, 60)).isEmpty(), "86 is above the median 85.5");
        Optional<StopVerdict> v = top30.onEpoch(pt("x", 1, 4, 60));
        assertTrue(v.isPresent(), "86 is below the 70th percentile 87.7");
        assertTrue(v.get().reason().contains("< 70th percentile 87.7 of the predictions from epoch 1 of 12 others"),
                v.get().reason());
    }

    @Test
    void withoutAPredictionTheMedianFallbackUsesTheRulesPercentileAndGrace() {
        EarlyStopper st = withFinished(rule(from(Map.of()), 50), 12, true);
        Optional<StopVerdict> v = st.onEpoch(pt("z", 1, 4, 60));
        assertTrue(v.isPresent(), "without a prediction the fallback ranks by running averages from epoch 1");
        assertTrue(v.get().reason().startsWith("no surrogate prediction (no prediction available): median fallback: "
                + "running average 60 < median 64.5 of the running averages of 12 trials at epoch 1"),
                v.get().reason());
        // percentile 100 (the default): the fallback is the median rule's defaults (from epoch 4)
        EarlyStopper off = withFinished(rule(from(Map.of()), 100), 12, true);
        assertTrue(off.onEpoch(pt("z", 1, 4, 60)).isEmpty());
    }

    @Test
    void theSpecRefusesAPercentileOutsideItsRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StoppingRules.create("surrogate", Map.of("percentile", 150), from(Map.of())));
        assertTrue(e.getMessage().startsWith("stopping.percentile: must be between 0.0 and 100.0, got 150"),
                e.getMessage());
        assertTrue(StoppingRules.create("surrogate", Map.of("percentile", 40), from(Map.of())).toString()
                .endsWith(", percentile=40.0, runningReferences, coldRungs=10)"));
    }
}
