package dev.nasflow.stopping;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static dev.nasflow.stopping.Feed.S;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SurrogateRuleTest {
    private final Map<String, Prediction> predictions = Map.of(
            "weak", new Prediction(50, 2),
            "strong", new Prediction(89, 1),
            "nan", new Prediction(Double.NaN, 0));
    private final PredictionSource source = h -> Optional.ofNullable(predictions.get(h));

    private static int stopEpoch(EarlyStopper st, String cand, String arch, int target, int epochs) {
        for (int e = 1; e <= epochs; e++) {
            if (st.onEpoch(new CurvePoint(S, cand, e, target, 50, arch)).isPresent()) {
                return e;
            }
        }
        return -1;
    }

    @Test
    void stopsAWeakArchitectureAfterTheGracePeriod() {
        EarlyStopper st = new EarlyStopper(new SurrogateRule(source, 2, 1, 0.95));
        Feed.finished(st, "ref", 80, 85, 88, 90, 90, 90, 90, 90, 90, 90);
        assertEquals(2, stopEpoch(st, "w", "weak", 10, 9));
        assertEquals("surrogate predicts 50 +/- 2 for arch weak < 0.95 x best final 90 = 85.5 (1 finished) at epoch 2",
                st.decision(S, "w").orElseThrow().reason());
        assertEquals(-1, stopEpoch(st, "s", "strong", 10, 9));
        assertEquals(-1, stopEpoch(st, "u", "unknown-arch", 10, 9));
        assertEquals(-1, stopEpoch(st, "n", "nan", 10, 9));
        assertEquals(-1, stopEpoch(st, "noarch", null, 10, 9));
    }

    @Test
    void waitsForAFinishedReferenceAndRemembersTheArchitecture() {
        EarlyStopper st = new EarlyStopper(new SurrogateRule(source, 1, 1, 0.95));
        assertTrue(st.onEpoch(new CurvePoint(S, "w", 1, 10, 50, "weak")).isEmpty());
        Feed.finished(st, "ref", 90, 90, 90, 90, 90, 90, 90, 90, 90, 90);
        // later points need not repeat the architecture hash
        assertTrue(st.onEpoch(new CurvePoint(S, "w", 2, 10, 50)).isPresent());
    }

    @Test
    void withoutAPredictionFallsBackToTheMedianRuleAndSaysSo() {
        PredictionSource none = new PredictionSource() {
            @Override
            public Optional<Prediction> predict(String archHash) {
                return Optional.empty();
            }

            @Override
            public String whyNone(CurvePoint p) {
                return "none within 500 ms of the metric";
            }
        };
        EarlyStopper st = new EarlyStopper(new SurrogateRule(none, 1, 1, 0.95));
        for (String ref : new String[] {"a", "b", "c"}) {
            Feed.finished(st, ref, 80, 85, 88, 90, 90, 90);
        }
        int stoppedAt = -1;
        for (int e = 1; e <= 5 && stoppedAt < 0; e++) {
            if (st.onEpoch(new CurvePoint(S, "low", e, 6, 10, "weak")).isPresent()) {
                stoppedAt = e;
            }
        }
        assertEquals(4, stoppedAt, "the median fallback acts from its grace period (4)");
        StopVerdict v = st.decision(S, "low").orElseThrow();
        assertEquals("surrogate", v.rule());
        assertTrue(v.reason().startsWith("no surrogate prediction (none within 500 ms of the metric): median fallback: "),
                v.reason());
    }

    @Test
    void citesTheSourceOfThePrediction() {
        PredictionSource live = new PredictionSource() {
            @Override
            public Optional<Prediction> predict(String archHash) {
                return Optional.empty();
            }

            @Override
            public Optional<Prediction> predict(CurvePoint p) {
                return Optional.of(new Prediction(40, 3, "candidate " + p.candidateId() + " after epoch " + p.epoch()));
            }
        };
        EarlyStopper st = new EarlyStopper(new SurrogateRule(live, 1, 1, 0.95));
        Feed.finished(st, "ref", 80, 85, 88, 90);
        assertTrue(st.onEpoch(new CurvePoint(S, "w", 1, 4, 30, "h")).isPresent());
        assertEquals("surrogate predicts 40 +/- 3 (candidate w after epoch 1) < 0.95 x best final 90 = 85.5 "
                + "(1 finished) at epoch 1", st.decision(S, "w").orElseThrow().reason());
    }

    /** Predictions by candidate id (the same from every epoch). */
    private static PredictionSource byCandidate(Map<String, Prediction> m) {
        return new PredictionSource() {
            @Override
            public Optional<Prediction> predict(String archHash) {
                return Optional.empty();
            }

            @Override
            public Optional<Prediction> predict(CurvePoint p) {
                return Optional.ofNullable(m.get(p.candidateId()))
                        .map(x -> new Prediction(x.mean(), x.std(), "candidate " + p.candidateId()));
            }
        };
    }

    @Test
    void stopsWhenEvenTheOptimisticPredictionCannotReachTheBest() {
        PredictionSource src = byCandidate(Map.of("wide", new Prediction(86, 2), "narrow", new Prediction(86, 0.5)));
        // the defaults: threshold 1, confidence 0.95 (z = 1.645), no rungs
        EarlyStopper st = new EarlyStopper(StoppingRules.create("surrogate", Map.of(), src));
        Feed.finished(st, "ref", 80, 85, 87, 88);
        assertTrue(st.onEpoch(new CurvePoint(S, "wide", 1, 4, 70)).isEmpty(), "86 + 1.645 x 2 = 89.3 >= 88");
        assertTrue(st.onEpoch(new CurvePoint(S, "narrow", 1, 4, 70)).isPresent(), "86 + 1.645 x 0.5 = 86.8 < 88");
        assertEquals("surrogate predicts 86 +/- 0.5 (candidate narrow), optimistic 86.8224 (mean + 1.645 std, "
                + "confidence 0.95) < 1 x best final 88 = 88 (1 finished) at epoch 1",
                st.decision(S, "narrow").orElseThrow().reason());
    }

    @Test
    void atARungOnlyTheTopThirdByPredictedFinalGoesOn() {
        PredictionSource src = byCandidate(Map.of("a", new Prediction(80, 5), "b", new Prediction(82, 5),
                "c", new Prediction(78, 5), "d", new Prediction(81, 5), "e", new Prediction(83, 5),
                "f", new Prediction(79, 5)));
        EarlyStopper st = new EarlyStopper(StoppingRules.create("surrogate", Map.of("minTrials", 3, "rungs", true), src));
        // nothing finished: only the rungs act (1, 3 of 10); the raw values disagree with the predictions
        assertTrue(st.onEpoch(new CurvePoint(S, "a", 1, 10, 90)).isEmpty(), "1 ranked < minTrials");
        assertTrue(st.onEpoch(new CurvePoint(S, "b", 1, 10, 10)).isEmpty(), "2 ranked < minTrials");
        assertTrue(st.onEpoch(new CurvePoint(S, "c", 1, 10, 95)).isPresent(), "3 ranked, keep 1: 78 is not the top");
        assertEquals("surrogate predicts 78 +/- 5 (candidate c) at rung 0 (epoch 1) is not in the top 1 of 3 predicted "
                + "finals from epoch 1 (eta 3, cutoff 82)", st.decision(S, "c").orElseThrow().reason());
        assertTrue(st.onEpoch(new CurvePoint(S, "e", 1, 10, 5)).isEmpty(), "the best prediction goes on");
        assertTrue(st.onEpoch(new CurvePoint(S, "b", 2, 10, 10)).isEmpty(), "epoch 2 is no rung");
        assertTrue(st.onEpoch(new CurvePoint(S, "d", 1, 10, 99)).isPresent(), "81: 2 of 5 are higher, keep 1");
    }
}
