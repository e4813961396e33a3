package dev.nasflow.stopping;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static dev.nasflow.stopping.ParetoStoppingRuleTest.ACC_PARAMS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code pareto} rule with {@code estimate: surrogate}: a candidate's final value is estimated by the surrogate's
 * prediction made from the epoch judged, calibrated on the predictions the finished candidates had from that epoch;
 * without such a prediction the rule judges by the curve fit and says so.
 */
class ParetoSurrogateEstimateTest {
    /** Predictions by (candidate, epoch), as the surrogate service would have published them after each epoch. */
    static final class Predictions implements PredictionSource {
        final Map<String, Double> byPoint = new HashMap<>();

        void put(String id, int epoch, double mean) {
            byPoint.put(id + "@" + epoch, mean);
        }

        @Override
        public Optional<Prediction> predict(String archHash) {
            return Optional.empty();
        }

        @Override
        public Optional<Prediction> predict(CurvePoint p) {
            return predictFrom(p);
        }

        @Override
        public Optional<Prediction> predictFrom(CurvePoint p) {
            Double m = byPoint.get(p.candidateId() + "@" + p.epoch());
            return m == null ? Optional.empty() : Optional.of(new Prediction(m, 1.0, "test model after epoch "
                    + p.epoch()));
        }

        @Override
        public String whyNone(CurvePoint p) {
            return "none published for " + p.candidateId();
        }
    }

    static StoppingRule rule(Map<String, ?> params, PredictionSource source) {
        return StoppingRules.create("pareto", params, source, ACC_PARAMS, "validAccuracy");
    }

    /**
     * A candidate that plateaus at 50 for 9 epochs and jumps to {@code fin} at epoch 10 (no curve fit sees that
     * coming), each epoch judged by {@code r} (which records the predictions), then finished.
     */
    static void lateJumper(StoppingRule r, CurveStore s, Predictions preds, String id, double fin, double params) {
        s.recordStatics(id, Map.of("params", params));
        for (int e = 1; e <= 10; e++) {
            preds.put(id, e, fin + (e % 2 == 0 ? 0.3 : -0.3)); // the surrogate knows: within 0.3 of the final
            CurvePoint p = new CurvePoint("s", id, e, 10, e < 10 ? 50 + e * 0.1 : fin);
            s.record(p);
            assertTrue(r.onEpoch(p, s).isEmpty(), "a reference was stopped at epoch " + e);
        }
        s.finish(id);
    }

    static Optional<StopVerdict> judge(StoppingRule r, CurveStore s, String id, double[] values, double params) {
        return ParetoStoppingRuleTest.judge(r, s, id, values, params);
    }

    static final double[] PLATEAU = {50.1, 50.2, 50.3, 50.4, 50.5, 50.6, 50.7, 50.8, 50.9, 51};

    @Test
    void judgesByThePredictionFromTheEpochCalibratedOnTheFinishedCandidatesPredictions() {
        Predictions preds = new Predictions();
        StoppingRule bySurrogate = rule(Map.of("estimate", "surrogate", "gracePeriod", 2, "minTrials", 4), preds);
        assertTrue(bySurrogate.readsPredictions());
        CurveStore s = new CurveStore("s");
        // every reference plateaus and then jumps: the curve fits miss the jumps by 30-40 points, the surrogate by 0.3
        lateJumper(bySurrogate, s, preds, "r80", 80, 100);
        lateJumper(bySurrogate, s, preds, "r85", 85, 300);
        lateJumper(bySurrogate, s, preds, "r88", 88, 500);
        lateJumper(bySurrogate, s, preds, "r90", 90, 800);
        assertEquals(89.7, s.prediction("r90", 1), 1e-9, "the prediction from epoch 1 was recorded");

        // a candidate on the same plateau that the surrogate predicts to end at 60, larger than r85
        for (int e = 1; e <= 10; e++) {
            preds.put("weak", e, 60);
        }
        Optional<StopVerdict> v = judge(bySurrogate, s, "weak", PLATEAU, 400);
        assertTrue(v.isPresent(), "a candidate the surrogate predicts far behind the front was not stopped");
        assertEquals(2, v.get().epoch(), "stopped at the grace period");
        String why = v.get().reason();
        assertTrue(why.startsWith("optimistic final (validAccuracy "), why);
        assertTrue(why.contains("predicted 60 after 2 of 10 epochs (test model after epoch 2) + calibration "), why);
        assertTrue(why.contains("among 4 finished"), why);
        assertTrue(why.contains("dominated by front point r85 (validAccuracy 85, params 300)"), why);

        // the curve fit cannot tell it from the references, whose plateaus all jumped: no decision
        CurveStore s2 = new CurveStore("s");
        StoppingRule byCurve = rule(Map.of("gracePeriod", 2, "minTrials", 4), null);
        assertFalse(byCurve.readsPredictions());
        for (String id : new String[] {"r80", "r85", "r88", "r90"}) {
            lateJumper(byCurve, s2, new Predictions(), id, Double.parseDouble(id.substring(1)),
                    Map.of("r80", 100, "r85", 300, "r88", 500, "r90", 800).get(id));
        }
        assertTrue(judge(byCurve, s2, "weak", PLATEAU, 400).isEmpty(), "the curve fit stopped a candidate like the "
                + "references that all ended on the front");

        // one predicted to enter the front is never stopped, however flat its curve
        for (int e = 1; e <= 10; e++) {
            preds.put("strong", e, 89);
        }
        assertTrue(judge(bySurrogate, s, "strong", PLATEAU, 400).isEmpty(), "a candidate predicted at 89 with 400 "
                + "params (the front has 85 at 300 and 88 at 500) was stopped");
    }

    @Test
    void withoutAPredictionFromTheEpochTheCurveFitJudgesAndTheReasonSaysSo() {
        Predictions preds = new Predictions();
        StoppingRule r = rule(Map.of("estimate", "surrogate", "gracePeriod", 3, "minTrials", 3, "margin", 0.01),
                preds);
        // references with linear curves and no prediction at all (finished before the surrogate had learnt anything)
        CurveStore s = ParetoStoppingRuleTest.front();
        double[] flat = {55, 56, 57, 57, 57, 57, 57, 57, 57, 57};
        Optional<StopVerdict> v = judge(r, s, "c", flat, 600);
        assertTrue(v.isPresent(), "the curve fit's verdict (as with estimate: curve) was not taken");
        assertTrue(v.get().reason().startsWith("no surrogate prediction from epoch 3 (none published for c), so the "
                + "curve fit; optimistic final (validAccuracy "), v.get().reason());
        assertTrue(v.get().reason().contains("): estimate "), v.get().reason());
        assertTrue(v.get().reason().contains("dominated by front point mid (validAccuracy 85, params 500)"),
                v.get().reason());

        // the candidate has predictions but the references have none from its epoch: the curve fit again
        CurveStore s2 = ParetoStoppingRuleTest.front();
        for (int e = 1; e <= 10; e++) {
            preds.put("d", e, 60);
        }
        v = judge(r, s2, "d", flat, 600);
        assertTrue(v.isPresent());
        assertTrue(v.get().reason().startsWith("fewer than minTrials 3 finished candidates with a surrogate "
                + "prediction from epoch 3, so the curve fit; "), v.get().reason());
    }

    @Test
    void onlyAPredictionMadeFromTheEpochItselfIsRecorded() {
        // a source whose latest prediction may come from a later epoch (default predictFrom: none)
        PredictionSource laterOnly = new PredictionSource() {
            @Override
            public Optional<Prediction> predict(String archHash) {
                return Optional.empty();
            }

            @Override
            public Optional<Prediction> predict(CurvePoint p) {
                return Optional.of(new Prediction(99, 0));
            }
        };
        StoppingRule r = rule(Map.of("estimate", "surrogate"), laterOnly);
        CurveStore s = new CurveStore("s");
        CurvePoint p = new CurvePoint("s", "a", 1, 10, 50);
        s.record(p);
        r.onEpoch(p, s);
        assertTrue(Double.isNaN(s.prediction("a", 1)), "a prediction not made from epoch 1 was recorded as its");

        // the store keeps finite predictions of known candidates (one may overtake its epoch's metric)
        s.putPrediction("a", 1, 70);
        s.putPrediction("a", 2, 71);
        s.putPrediction("a", 1, Double.NaN);
        s.putPrediction("a", 0, 72);
        s.putPrediction("nobody", 1, 70);
        assertEquals(70, s.prediction("a", 1));
        assertEquals(71, s.prediction("a", 2));
        assertTrue(Double.isNaN(s.prediction("a", 0)));
        assertTrue(Double.isNaN(s.prediction("nobody", 1)));
    }

    @Test
    void badEstimateSettingsNameTheFieldAndTheFix() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> rule(Map.of("estimate", "surrogate"), null));
        assertTrue(e.getMessage().startsWith("stopping.estimate: surrogate needs the surrogate service's "
                + "predictions"), e.getMessage());
        assertTrue(e.getMessage().contains("or use estimate: curve"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> rule(Map.of("estimate", "model"), new Predictions()));
        assertEquals("stopping.estimate: must be one of curve, surrogate, got 'model'", e.getMessage());
        // validation without a source accepts it (the spec is checked where no stopper runs)
        StoppingRules.validate("pareto", Map.of("estimate", "Surrogate"));
        assertTrue(rule(Map.of("estimate", "SURROGATE"), new Predictions()).toString().contains("estimate=surrogate"));
        assertTrue(StoppingRules.create("surrogate", Map.of(), new Predictions()).readsPredictions());
        assertFalse(StoppingRules.create("median", Map.of()).readsPredictions());
    }
}
