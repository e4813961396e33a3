package dev.nasflow.stopping;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static dev.nasflow.stopping.Feed.S;
import static dev.nasflow.stopping.Feed.pt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The surrogate rule's running references ({@code runningReferences}, on by default): a candidate whose predicted chance
 * of ending above another running candidate (its latest judged prediction; the two errors independent) is below
 * {@code 1 - confidence} is stopped, before any candidate has finished; stopped, ended and finished rivals do not
 * count.
 */
class SurrogateRunningReferencesTest {
    private static final Map<String, Prediction> PREDICTIONS = Map.of(
            "lead", new Prediction(90, 1), "weak", new Prediction(80, 1), "close", new Prediction(88.5, 1),
            "near", new Prediction(87.5, 1));

    private static EarlyStopper stopper(boolean runningReferences) {
        return new EarlyStopper(StoppingRules.create("surrogate", Map.of("runningReferences", runningReferences),
                SurrogateRuleTest.byCandidate(PREDICTIONS)));
    }

    @Test
    void stopsWhenItsChanceOfEndingAboveARunningRivalIsSmallBeforeAnyoneFinished() {
        EarlyStopper st = stopper(true);
        assertTrue(st.onEpoch(pt("lead", 1, 4, 70)).isEmpty(), "nobody else is running yet");
        assertEquals(new CurveStore.Judged(1, 90, 1), st.store(S).orElseThrow().latestJudged("lead"),
                "the rule keeps the lead's prediction from epoch 1");
        Optional<StopVerdict> v = st.onEpoch(pt("weak", 1, 4, 72));
        assertTrue(v.isPresent(), "80 + 1.282 sqrt(2) = 81.8 < 90");
        assertEquals("surrogate predicts 80 +/- 1 (candidate weak); chance of ending above running candidate lead "
                + "below 10 %: mean + 1.282 x sqrt(std^2 + its std^2) = 81.8124 < 1 x its prediction 90 +/- 1 from "
                + "its epoch 1 = 90 (normal, confidence 0.9) at epoch 1", v.get().reason());
        assertTrue(st.onEpoch(pt("close", 1, 4, 60)).isEmpty(), "88.5 + 1.282 sqrt(2) = 90.3 >= 90: it goes on");
        assertTrue(st.onEpoch(pt("near", 1, 4, 60)).isPresent(), "87.5 + 1.282 sqrt(2) = 89.3 < 90, although its "
                + "optimistic 87.5 + 1.282 overlaps the lead's pessimistic 90 - 1.282 (the rule until 2026-12-08)");
    }

    @Test
    void citesTheRivalThatRulesItOutMostClearly() {
        Map<String, Prediction> m = Map.of("sure", new Prediction(86, 0.1), "high", new Prediction(89, 3),
                "weak", new Prediction(80, 1));
        EarlyStopper st = new EarlyStopper(StoppingRules.create("surrogate", Map.of(),
                SurrogateRuleTest.byCandidate(m)));
        st.onEpoch(pt("high", 1, 4, 70));
        assertTrue(st.onEpoch(pt("sure", 1, 4, 70)).isEmpty(), "86 + 1.282 sqrt(9.01) = 89.8 >= 89");
        Optional<StopVerdict> v = st.onEpoch(pt("weak", 1, 4, 60));
        // against high: (89 - 80) / sqrt(1 + 9) = 2.8 spreads; against sure: (86 - 80) / sqrt(1 + 0.01) = 6.0
        assertTrue(v.isPresent() && v.get().reason().contains("running candidate sure below"),
                v.map(StopVerdict::reason).orElse("none"));
    }

    @Test
    void onByDefaultAndOffOnRequest() {
        EarlyStopper st = stopper(false);
        st.onEpoch(pt("lead", 1, 4, 70));
        assertTrue(st.onEpoch(pt("weak", 1, 4, 72)).isEmpty(), "no finished candidate, no running references");
        assertTrue(StoppingRules.create("surrogate", Map.of(), SurrogateRuleTest.byCandidate(PREDICTIONS)).toString()
                .endsWith("no rungs, runningReferences, coldRungs=10)"));
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
    void aLaterJudgedPredictionReplacesAnEarlierOneButNotTheReverse() {
        CurveStore store = new CurveStore(S);
        store.record(pt("a", 1, 4, 70));
        store.record(pt("a", 2, 4, 71));
        store.putJudged("a", 2, 85, 2);
        store.putJudged("a", 1, 99, 1);
        assertEquals(new CurveStore.Judged(2, 85, 2), store.latestJudged("a"));
        store.putJudged("a", 2, Double.NaN, 1);
        assertEquals(new CurveStore.Judged(2, 85, 2), store.latestJudged("a"));
        store.putJudged("a", 3, 86, Double.NaN);
        assertEquals(new CurveStore.Judged(3, 86, 0), store.latestJudged("a"), "no finite spread: 0");
        assertNull(store.latestJudged("unknown"));
    }
}
