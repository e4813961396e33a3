package dev.nasflow.stopping;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static dev.nasflow.stopping.Feed.S;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The surrogate rule's cold rungs (successive halving by value while a candidate has no prediction, or one learnt from
 * fewer than {@code coldRungs} finished candidates) and its guard against stopping the last candidate that could
 * finish.
 */
class SurrogateColdRungsTest {
    private static CurvePoint pt(String c, int epoch, double value) {
        return new CurvePoint(S, c, epoch, 16, value);
    }

    /** Wide predictions (no criterion but the rungs can act on them) learnt from {@code trainedOn} finished. */
    private static PredictionSource wide(int trainedOn, String... candidates) {
        Map<String, Prediction> m = new HashMap<>();
        for (String c : candidates) {
            m.put(c, new Prediction(80, 50, null, Double.POSITIVE_INFINITY, trainedOn));
        }
        return SurrogateRuleTest.byCandidate(m);
    }

    private static EarlyStopper stopper(Map<String, Object> params, PredictionSource src) {
        return new EarlyStopper(StoppingRules.create("surrogate", params, src));
    }

    @Test
    void withoutPredictionsTheColdRungsCutAtEpoch2LikeAsha() {
        EarlyStopper st = stopper(Map.of(), SurrogateRuleTest.byCandidate(Map.of()));
        for (String c : new String[] {"a", "b", "c"}) {
            assertTrue(st.onEpoch(pt(c, 1, 50)).isEmpty(), "epoch 1 is no cold rung");
        }
        // cold rungs rank from 3 candidates on, as ASHA does by default, even with the rule's minTrials 1
        assertTrue(st.onEpoch(pt("a", 2, 90)).isEmpty(), "1 ranked < 3");
        assertTrue(st.onEpoch(pt("b", 2, 80)).isEmpty(), "2 ranked < 3");
        assertTrue(st.onEpoch(pt("c", 2, 70)).isPresent(), "3 ranked, keep 1: 70 < 80, 90");
        assertEquals("no surrogate prediction (no prediction available); at cold rung 0 (epoch 2; cold rungs act "
                + "until a prediction has learnt from 10 finished candidates) its value 70 is not in the top 1 of 3 "
                + "values at epoch 2 (ranked as ASHA: no rank quality measured at epoch 2) (eta 3, cutoff 90)",
                st.decision(S, "c").orElseThrow().reason());
        for (int e = 3; e <= 5; e++) {
            assertTrue(st.onEpoch(pt("b", e, 10)).isEmpty(), "epochs 3-5: no rung, the median fallback's "
                    + "grace period (4) leaves b alone until it has 3 others at its epoch");
        }
        assertTrue(st.onEpoch(pt("a", 6, 91)).isEmpty(), "rung 1 at epoch 6 (2 x 3): a is the first there");
        assertEquals("surrogate(gracePeriod=1, minTrials=1, threshold=1.0, confidence=0.9, no rungs, "
                + "runningReferences, coldRungs=10)", st.rule(S).toString());
    }

    @Test
    void theColdRungsHandOverOnceThePredictionsLearntFromEnoughFinishedCandidates() {
        for (int trainedOn : new int[] {0, 9}) {
            EarlyStopper st = stopper(Map.of(), wide(trainedOn, "a", "b", "c"));
            st.onEpoch(pt("a", 2, 90));
            st.onEpoch(pt("b", 2, 80));
            assertTrue(st.onEpoch(pt("c", 2, 70)).isPresent(), "learnt from " + trainedOn + " < 10: cold rung");
            assertTrue(st.decision(S, "c").orElseThrow().reason().startsWith("surrogate predicts 80 +/- 50 (candidate "
                    + "c); at cold rung 0 (epoch 2;"), st.decision(S, "c").orElseThrow().reason());
        }
        // learnt from 10 (a warm start's prior curves count), or not said by the source: no cold rungs
        for (int trainedOn : new int[] {10, 250, -1}) {
            EarlyStopper st = stopper(Map.of(), wide(trainedOn, "a", "b", "c"));
            st.onEpoch(pt("a", 2, 90));
            st.onEpoch(pt("b", 2, 80));
            assertTrue(st.onEpoch(pt("c", 2, 70)).isEmpty(), "learnt from " + trainedOn);
        }
        // coldRungs: 0 turns them off
        EarlyStopper off = stopper(Map.of("coldRungs", 0), SurrogateRuleTest.byCandidate(Map.of()));
        off.onEpoch(pt("a", 2, 90));
        off.onEpoch(pt("b", 2, 80));
        assertTrue(off.onEpoch(pt("c", 2, 70)).isEmpty(), "no cold rungs; the median fallback waits until epoch 4");
        // a larger threshold keeps them on longer
        EarlyStopper longer = stopper(Map.of("coldRungs", 20), wide(12, "a", "b", "c"));
        longer.onEpoch(pt("a", 2, 90));
        longer.onEpoch(pt("b", 2, 80));
        assertTrue(longer.onEpoch(pt("c", 2, 70)).isPresent(), "12 < 20");
    }

    @Test
    void theColdRungsStartAtTheGracePeriodWhenItIsLater() {
        EarlyStopper st = stopper(Map.of("gracePeriod", 3), SurrogateRuleTest.byCandidate(Map.of()));
        for (String c : new String[] {"a", "b", "c"}) {
            st.onEpoch(pt(c, 1, 50));
        }
        st.onEpoch(pt("a", 2, 90));
        st.onEpoch(pt("b", 2, 80));
        assertTrue(st.onEpoch(pt("c", 2, 70)).isEmpty(), "epoch 2 < gracePeriod 3");
        st.onEpoch(pt("a", 3, 90));
        st.onEpoch(pt("b", 3, 80));
        assertTrue(st.onEpoch(pt("c", 3, 70)).isPresent(), "cold rung 0 at epoch 3");
        assertTrue(st.decision(S, "c").orElseThrow().reason().contains("at cold rung 0 (epoch 3;"));
    }

    @Test
    void withRungsTrueTheRungsActWhateverTheModelLearntAndColdRungsChangeNothing() {
        EarlyStopper st = stopper(Map.of("rungs", true, "gracePeriod", 2), wide(250, "a", "b", "c"));
        st.onEpoch(pt("a", 2, 90));
        st.onEpoch(pt("b", 2, 80));
        assertTrue(st.onEpoch(pt("c", 2, 70)).isPresent());
        assertTrue(st.decision(S, "c").orElseThrow().reason().contains("; at rung 0 (epoch 2) its value 70"),
                st.decision(S, "c").orElseThrow().reason());
    }

    @Test
    void theLastCandidateThatCouldFinishIsNeverStopped() {
        EarlyStopper st = stopper(Map.of("rungs", true, "minTrials", 1), SurrogateRuleTest.byCandidate(Map.of()));
        assertTrue(st.onEpoch(pt("a", 1, 90)).isEmpty(), "the first at the rung goes on");
        assertTrue(st.onEpoch(pt("b", 1, 80)).isPresent(), "keep 1 of 2: 80 < 90");
        st.onEnded(S, "a"); // a failed: it will not finish either
        // c ranks third of 3 at rung 0, but nothing finished and no other candidate may still finish
        assertTrue(st.onEpoch(pt("c", 1, 70)).isEmpty(), "the last that could finish goes on");
        assertFalse(st.decision(S, "c").isPresent());
        // once another one runs, c can be cut again
        assertTrue(st.onEpoch(pt("d", 1, 60)).isPresent(), "c still runs beside d: d is cut");
    }

    @Test
    void badColdRungsNameTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StoppingRules.create("surrogate", Map.of("coldRungs", -1), SurrogateRuleTest.byCandidate(
                        Map.of())));
        assertTrue(e.getMessage().startsWith("stopping.coldRungs: "), e.getMessage());
    }
}
