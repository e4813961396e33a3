package dev.nasflow.stopping;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static dev.nasflow.stopping.Feed.S;
import static dev.nasflow.stopping.Feed.pt;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The surrogate rule's running references ({@code runningReferences}, on by default): a candidate whose optimistic
 * prediction is below another running candidate's pessimistic prediction (mean - z std at the rule's confidence, from
 * its latest judged epoch) is stopped, before any candidate has finished; stopped, ended and finished rivals do not
 * count.
 */
class SurrogateRunningReferencesTest {
    private static final Map<String, Prediction> PREDICTIONS = Map.of(
            "lead", new Prediction(90, 1), "weak", new Prediction(80, 1), "close", new Prediction(88, 1));

    private static EarlyStopper stopper(boolean runningReferences) {
        return new EarlyStopper(StoppingRules.create("surrogate", Map.of("runningReferences", runningReferences),
                SurrogateRuleTest.byCandidate(PREDICTIONS)));
    }

    @Test
    void stopsBelowARunningRivalsPessimisticPredictionBeforeAnyoneFinished() {
        EarlyStopper st = stopper(true);
        assertTrue(st.onEpoch(pt("lead", 1, 4, 70)).isEmpty(), "nobody else is running yet");
        assertArrayEquals(new double[] {1, 90 - 1.6448536269514729}, st.store(S).orElseThrow().latestFloor("lead"),
                1e-6, "the rule keeps the lead's pessimistic prediction from epoch 1");
        Optional<StopVerdict> v = st.onEpoch(pt("weak", 1, 4, 72));
        assertTrue(v.isPresent(), "80 + 1.645 < 90 - 1.645");
        assertEquals("surrogate predicts 80 +/- 1 (candidate weak), optimistic 81.6449 (mean + 1.645 std, normal, "
                + "confidence 0.95) < 1 x the pessimistic prediction 88.3551 (mean - z std) of running candidate lead "
                + "from its epoch 1 = 88.3551 at epoch 1", v.get().reason());
        assertTrue(st.onEpoch(pt("close", 1, 4, 60)).isEmpty(), "88 + 1.645 overlaps 90 - 1.645: it goes on");
    }

    @Test
    void onByDefaultAndOffOnRequest() {
        EarlyStopper st = stopper(false);
        st.onEpoch(pt("lead", 1, 4, 70));
        assertTrue(st.onEpoch(pt("weak", 1, 4, 72)).isEmpty(), "no finished candidate, no running references");
        assertTrue(StoppingRules.create("surrogate", Map.of(), SurrogateRuleTest.byCandidate(PREDICTIONS)).toString()
                .endsWith("no rungs, runningReferences)"));
    }

    @Test
    void aStoppedOrEndedRivalIsNoReferenceAndAFinishedOneCountsByItsFinal() {
        EarlyStopper st = stopper(true);
        st.onEpoch(pt("lead", 1, 4, 70));
        CurveStore store = st.store(S).orElseThrow();
        store.end("lead");
        assertTrue(st.onEpoch(pt("weak", 1, 4, 72)).isEmpty(), "an ended rival will never finish");

        EarlyStopper st2 = stopper(true);
        st2.onEpoch(pt("lead", 1, 4, 70));
        st2.store(S).orElseThrow().markDecided(new StopVerdict(S, "lead", 1, "manual", "stopped by hand"));
        assertTrue(st2.onEpoch(pt("weak", 1, 4, 72)).isEmpty(), "a stopped rival will never finish");

        // a finished candidate is judged by its final value (the "cannot beat the best" criterion), not its floor
        EarlyStopper st3 = stopper(true);
        Feed.finished(st3, "done", 70, 75, 80, 85);
        Optional<StopVerdict> v = st3.onEpoch(pt("weak", 1, 4, 72));
        assertTrue(v.isPresent() && v.get().reason().contains("< 1 x best final 85 = 85 (1 finished)"),
                v.map(StopVerdict::reason).orElse("none"));
    }

    @Test
    void aLaterFloorReplacesAnEarlierOneButNotTheReverse() {
        CurveStore store = new CurveStore(S);
        store.record(pt("a", 1, 4, 70));
        store.record(pt("a", 2, 4, 71));
        store.putFloor("a", 2, 85);
        store.putFloor("a", 1, 99);
        assertArrayEquals(new double[] {2, 85}, store.latestFloor("a"));
        store.putFloor("a", 2, Double.NaN);
        assertArrayEquals(new double[] {2, 85}, store.latestFloor("a"));
        assertEquals(null, store.latestFloor("unknown"));
        assertFalse(store.latestFloor("a") == null);
    }
}
