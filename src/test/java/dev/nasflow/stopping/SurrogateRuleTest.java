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
}
