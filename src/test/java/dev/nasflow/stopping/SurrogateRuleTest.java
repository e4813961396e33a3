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

    /** Predictions by candidate id (the same from every epoch, each also the prediction made from that epoch). */
    static PredictionSource byCandidate(Map<String, Prediction> m) {
        return new PredictionSource() {
            @Override
            public Optional<Prediction> predict(String archHash) {
                return Optional.empty();
            }

            @Override
            public Optional<Prediction> predict(CurvePoint p) {
                return Optional.ofNullable(m.get(p.candidateId()))
                        .map(x -> new Prediction(x.mean(), x.std(), "candidate " + p.candidateId(), x.dof(),
                                x.trainedOn()));
            }

            @Override
            public Optional<Prediction> predictFrom(CurvePoint p) {
                return predict(p);
            }
        };
    }

    @Test
    void stopsWhenEvenTheOptimisticPredictionCannotReachTheBest() {
        PredictionSource src = byCandidate(Map.of("wide", new Prediction(86, 2), "narrow", new Prediction(86, 0.5)));
        // the defaults: threshold 1, confidence 0.9 (z = 1.282), no rungs
        EarlyStopper st = new EarlyStopper(StoppingRules.create("surrogate", Map.of(), src));
        Feed.finished(st, "ref", 80, 85, 87, 88);
        assertTrue(st.onEpoch(new CurvePoint(S, "wide", 1, 4, 70)).isEmpty(), "86 + 1.282 x 2 = 88.56 >= 88");
        assertTrue(st.onEpoch(new CurvePoint(S, "narrow", 1, 4, 70)).isPresent(), "86 + 1.282 x 0.5 = 86.64 < 88");
        assertEquals("surrogate predicts 86 +/- 0.5 (candidate narrow), optimistic 86.6408 (mean + 1.282 std, "
                + "normal, confidence 0.9) < 1 x best final 88 = 88 (1 finished) at epoch 1",
                st.decision(S, "narrow").orElseThrow().reason());
    }

    /**
     * A prediction whose noise was estimated from few results is Student t: its optimistic bound uses the t quantile
     * of its degrees of freedom (3 dof at 0.95: 2.353, not 1.645), so the same mean and spread that a normal would
     * stop goes on, and one far enough below is stopped citing the t quantile.
     */
    @Test
    void aStudentTPredictionIsJudgedByItsOwnQuantile() {
        PredictionSource src = byCandidate(Map.of(
                "normal", new Prediction(86, 1, null),
                "t3", new Prediction(86, 1, null, 3),
                "t3low", new Prediction(85, 1, null, 3),
                "t200", new Prediction(86, 1, null, 200)));
        EarlyStopper st = new EarlyStopper(StoppingRules.create("surrogate", Map.of("confidence", 0.95), src));
        Feed.finished(st, "ref", 80, 85, 87, 88);
        assertTrue(st.onEpoch(new CurvePoint(S, "normal", 1, 4, 70)).isPresent(), "86 + 1.645 = 87.6 < 88");
        assertTrue(st.onEpoch(new CurvePoint(S, "t3", 1, 4, 70)).isEmpty(), "86 + 2.353 = 88.35 >= 88");
        assertTrue(st.onEpoch(new CurvePoint(S, "t200", 1, 4, 70)).isPresent(), "86 + 1.653 = 87.65 < 88");
        assertTrue(st.onEpoch(new CurvePoint(S, "t3low", 1, 4, 70)).isPresent(), "85 + 2.353 = 87.35 < 88");
        assertEquals("surrogate predicts 85 +/- 1 (candidate t3low), optimistic 87.3534 (mean + 2.353 std, Student t "
                + "with 3 dof, confidence 0.95) < 1 x best final 88 = 88 (1 finished) at epoch 1",
                st.decision(S, "t3low").orElseThrow().reason());
    }

    /** byCandidate, re-predicting at rungs by {@code repredicted} with the given measured rank quality. */
    private static PredictionSource reranking(Map<String, Prediction> m, Map<String, Double> repredicted,
                                              PredictionSource.RankQualityAt quality) {
        PredictionSource base = byCandidate(m);
        return new PredictionSource() {
            @Override
            public Optional<Prediction> predict(String archHash) {
                return Optional.empty();
            }

            @Override
            public Optional<Prediction> predict(CurvePoint p) {
                return base.predict(p);
            }

            @Override
            public Optional<Prediction> repredict(CurvePoint p) {
                return Optional.ofNullable(repredicted.get(p.candidateId())).map(x -> new Prediction(x, 1));
            }

            @Override
            public Optional<RankQualityAt> rankQuality(CurvePoint p) {
                return Optional.ofNullable(quality);
            }
        };
    }

    private static final Map<String, Prediction> SIX = Map.of("a", new Prediction(80, 5), "b", new Prediction(82, 5),
            "c", new Prediction(78, 5), "d", new Prediction(81, 5), "e", new Prediction(83, 5),
            "f", new Prediction(79, 5));

    @Test
    void atARungWithoutMeasuredQualityTheTopThirdByValueGoesOnLikeAsha() {
        EarlyStopper st = new EarlyStopper(StoppingRules.create("surrogate", Map.of("minTrials", 3, "rungs", true),
                byCandidate(SIX)));
        // nothing finished, no rank quality measured: the rungs (1, 3 of 10) rank by the values at the rung
        assertTrue(st.onEpoch(new CurvePoint(S, "a", 1, 10, 90)).isEmpty(), "1 ranked < minTrials");
        assertTrue(st.onEpoch(new CurvePoint(S, "b", 1, 10, 10)).isEmpty(), "2 ranked < minTrials");
        assertTrue(st.onEpoch(new CurvePoint(S, "c", 1, 10, 85)).isPresent(), "3 ranked, keep 1: 85 < 90");
        assertEquals("surrogate predicts 78 +/- 5 (candidate c); at rung 0 (epoch 1) its value 85 is not in the top 1 "
                + "of 3 values at epoch 1 (ranked as ASHA: no rank quality measured at epoch 1) (eta 3, cutoff 90)",
                st.decision(S, "c").orElseThrow().reason());
        assertTrue(st.onEpoch(new CurvePoint(S, "e", 1, 10, 95)).isEmpty(), "the best value goes on");
        assertTrue(st.onEpoch(new CurvePoint(S, "b", 2, 10, 10)).isEmpty(), "epoch 2 is no rung");
    }

    @Test
    void atARungThePredictionsRankOnlyWhenTheyRankBetterThanTheValues() {
        Map<String, Double> now = Map.of("a", 80.0, "b", 82.0, "c", 78.0, "d", 81.0);
        PredictionSource good = reranking(SIX, now, new PredictionSource.RankQualityAt(1, 0.6, 0.3, 20));
        EarlyStopper st = new EarlyStopper(StoppingRules.create("surrogate", Map.of("minTrials", 3, "rungs", true),
                good));
        assertTrue(st.onEpoch(new CurvePoint(S, "a", 1, 10, 90)).isEmpty());
        assertTrue(st.onEpoch(new CurvePoint(S, "b", 1, 10, 10)).isEmpty());
        // c's value 95 is the highest, but the current model predicts it lowest: 78 < 80, 82
        assertTrue(st.onEpoch(new CurvePoint(S, "c", 1, 10, 95)).isPresent());
        assertEquals("surrogate predicts 78 +/- 5 (candidate c); at rung 0 (epoch 1) its predicted final 78 is not in "
                + "the top 1 of 3 predicted finals from epoch 1 by the current model (tau at epoch 1: predicted 0.6 "
                + "vs observed 0.3 on 20 finished) (eta 3, cutoff 82)", st.decision(S, "c").orElseThrow().reason());

        PredictionSource poor = reranking(SIX, now, new PredictionSource.RankQualityAt(1, 0.2, 0.3, 20));
        EarlyStopper asha = new EarlyStopper(StoppingRules.create("surrogate", Map.of("minTrials", 3, "rungs", true),
                poor));
        asha.onEpoch(new CurvePoint(S, "a", 1, 10, 90));
        asha.onEpoch(new CurvePoint(S, "b", 1, 10, 10));
        assertTrue(asha.onEpoch(new CurvePoint(S, "c", 1, 10, 95)).isEmpty(), "tau 0.2 <= 0.3: ranked by value");

        PredictionSource few = reranking(SIX, now, new PredictionSource.RankQualityAt(1, 0.9, 0.3,
                SurrogateRule.MIN_QUALITY_PAIRS - 1));
        EarlyStopper unmeasured = new EarlyStopper(StoppingRules.create("surrogate",
                Map.of("minTrials", 3, "rungs", true), few));
        unmeasured.onEpoch(new CurvePoint(S, "a", 1, 10, 90));
        unmeasured.onEpoch(new CurvePoint(S, "b", 1, 10, 10));
        assertTrue(unmeasured.onEpoch(new CurvePoint(S, "c", 1, 10, 95)).isEmpty(), "too few pairs: by value");

        Map<String, Double> partial = Map.of("a", 80.0, "c", 78.0);
        EarlyStopper missing = new EarlyStopper(StoppingRules.create("surrogate",
                Map.of("minTrials", 3, "rungs", true),
                reranking(SIX, partial, new PredictionSource.RankQualityAt(1, 0.6, 0.3, 20))));
        missing.onEpoch(new CurvePoint(S, "a", 1, 10, 90));
        missing.onEpoch(new CurvePoint(S, "b", 1, 10, 10));
        assertTrue(missing.onEpoch(new CurvePoint(S, "c", 1, 10, 85)).isPresent());
        assertTrue(missing.decision(S, "c").orElseThrow().reason().contains("(ranked as ASHA: a competitor has no "
                + "prediction)"), missing.decision(S, "c").orElseThrow().reason());
    }

    @Test
    void atARungWithoutAPredictionRanksByValueInsteadOfTheMedianFallback() {
        EarlyStopper st = new EarlyStopper(StoppingRules.create("surrogate", Map.of("minTrials", 3, "rungs", true),
                byCandidate(Map.of())));
        st.onEpoch(new CurvePoint(S, "a", 1, 10, 90));
        st.onEpoch(new CurvePoint(S, "b", 1, 10, 80));
        assertTrue(st.onEpoch(new CurvePoint(S, "c", 1, 10, 70)).isPresent());
        assertEquals("no surrogate prediction (no prediction available); at rung 0 (epoch 1) its value 70 is not in "
                + "the top 1 of 3 values at epoch 1 (ranked as ASHA: no rank quality measured at epoch 1) (eta 3, "
                + "cutoff 90)", st.decision(S, "c").orElseThrow().reason());
    }

    /**
     * {@code gracePeriod 2, rungs: true, confidence 0.99} (bench/run-all's {@code surrogateRungs2}): nothing at epoch 1;
     * from epoch 2 criterion 1 at z = 2.326 and successive halving at the rungs 2, 6, 18 (eta 3), ranked by value where
     * the model has not been measured to rank better (running references off: the rivals a, b and c predicted at 95
     * would otherwise stop z before its rung).
     */
    @Test
    void withRungsFromEpoch2AtConfidence099BothCriteriaAct() {
        PredictionSource src = byCandidate(Map.of("x", new Prediction(86, 0.5), "y", new Prediction(86, 1),
                "z", new Prediction(87, 1), "a", new Prediction(95, 1), "b", new Prediction(95, 1),
                "c", new Prediction(95, 1)));
        EarlyStopper st = new EarlyStopper(StoppingRules.create("surrogate",
                Map.of("gracePeriod", 2, "rungs", true, "confidence", 0.99, "runningReferences", false), src));
        Feed.finished(st, "ref", 80, 85, 87, 88, 88, 88, 88, 88, 88, 88, 88, 88, 88, 88, 88, 88, 88, 88, 88, 88);
        assertTrue(st.onEpoch(new CurvePoint(S, "x", 1, 20, 70)).isEmpty(), "epoch 1 < gracePeriod 2");
        assertTrue(st.onEpoch(new CurvePoint(S, "y", 3, 20, 70)).isEmpty(), "86 + 2.326 x 1 = 88.3 >= 88, no rung");
        assertTrue(st.onEpoch(new CurvePoint(S, "x", 3, 20, 70)).isPresent(), "86 + 2.326 x 0.5 = 87.2 < 88");
        assertEquals("surrogate predicts 86 +/- 0.5 (candidate x), optimistic 87.1632 (mean + 2.326 std, normal, "
                + "confidence 0.99) < 1 x best final 88 = 88 (1 finished) at epoch 3",
                st.decision(S, "x").orElseThrow().reason());
        // rung 0 at epoch 2: ref reached it with 85; a and b go on above z's value, so z (the fourth) is cut
        assertTrue(st.onEpoch(new CurvePoint(S, "a", 2, 20, 90)).isEmpty());
        assertTrue(st.onEpoch(new CurvePoint(S, "b", 2, 20, 91)).isEmpty());
        assertTrue(st.onEpoch(new CurvePoint(S, "z", 2, 20, 84)).isPresent(), "4 ranked, keep 1: 84 < 85, 90, 91");
        assertTrue(st.decision(S, "z").orElseThrow().reason().contains("at rung 0 (epoch 2) its value 84 is not in the "
                + "top 1 of 4 values at epoch 2"), st.decision(S, "z").orElseThrow().reason());
        assertTrue(st.onEpoch(new CurvePoint(S, "c", 4, 20, 60)).isEmpty(), "epoch 4 is no rung; 95 + z > 88");
    }
}
