package dev.nasflow.stopping;

import dev.nasflow.model.Direction;
import dev.nasflow.model.Objective;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParetoStoppingRuleTest {
    static final List<Objective> ACC_PARAMS = List.of(new Objective("validAccuracy", Direction.MAXIMIZE),
            new Objective("params", Direction.MINIMIZE));

    static StoppingRule rule(Map<String, ?> params) {
        return StoppingRules.create("pareto", params, null, ACC_PARAMS, "validAccuracy");
    }

    /** A finished reference: a linear curve from {@code start} to {@code fin} over 10 epochs. */
    static void finished(CurveStore s, String id, double start, double fin, double params) {
        s.recordStatics(id, Map.of("params", params));
        for (int e = 1; e <= 10; e++) {
            s.record(new CurvePoint("s", id, e, 10, start + (fin - start) * (e - 1) / 9.0));
        }
        s.finish(id);
    }

    static Optional<StopVerdict> judge(StoppingRule r, CurveStore s, String id, double[] values, double params) {
        s.recordStatics(id, Map.of("params", params));
        Optional<StopVerdict> v = Optional.empty();
        for (int e = 1; e <= values.length && v.isEmpty(); e++) {
            CurvePoint p = new CurvePoint("s", id, e, 10, values[e - 1]);
            s.record(p);
            v = r.onEpoch(p, s);
        }
        return v;
    }

    static CurveStore front() {
        CurveStore s = new CurveStore("s");
        finished(s, "small", 60, 80, 100);   // front: (80, 100)
        finished(s, "big", 70, 90, 1000);    // front: (90, 1000)
        finished(s, "mid", 65, 85, 500);     // front: (85, 500)
        return s;
    }

    @Test
    void stopsACandidateDominatedOnBothObjectivesAndNamesTheFrontPointAndMargin() {
        CurveStore s = front();
        StoppingRule r = rule(Map.of("minTrials", 3, "gracePeriod", 3, "margin", 0.01));
        // larger than 'mid' and clearly worse: a flat curve at 60 (the references gained 20 points over 9 epochs, so
        // the calibration makes its optimistic estimate about 80 - still below 85 - 0.85)
        Optional<StopVerdict> v = judge(r, s, "c", new double[] {55, 56, 57, 57, 57, 57, 57, 57, 57, 57}, 600);
        assertTrue(v.isPresent(), "dominated candidate not stopped");
        assertEquals("pareto", v.get().rule());
        String why = v.get().reason();
        assertTrue(why.contains("dominated by front point mid (validAccuracy 85, params 500)"), why);
        assertTrue(why.contains("with margin 0.01: 85 - 0.85 = 84.15 > "), why);
    }

    @Test
    void neverStopsACandidateThatCouldEnterTheFront() {
        CurveStore s = front();
        StoppingRule r = rule(Map.of("minTrials", 3, "gracePeriod", 1, "margin", 0.0));
        // the smallest candidate: nothing is as cheap, so nothing can dominate it however poor its curve
        assertTrue(judge(r, s, "tiny", new double[] {10, 10, 10, 10, 10, 10, 10, 10, 10, 10}, 50).isEmpty());
        // as large as 'big' and rising like the references: it could still beat 90
        assertTrue(judge(r, s, "rising", new double[] {72, 74, 76, 78, 80, 82, 84, 86, 88, 92}, 1000).isEmpty());
    }

    @Test
    void respectsObjectiveDirections() {
        // params maximised here (a silly but legal direction): a larger reference no longer dominates a smaller one
        List<Objective> maxParams = List.of(new Objective("validAccuracy", Direction.MAXIMIZE),
                new Objective("params", Direction.MAXIMIZE));
        StoppingRule r = StoppingRules.create("pareto", Map.of("minTrials", 3, "gracePeriod", 3), null, maxParams,
                "validAccuracy");
        CurveStore s = front();
        assertTrue(judge(r, s, "c", new double[] {55, 56, 57, 57, 57, 57, 57, 57, 57, 57}, 2000).isEmpty(),
                "the largest candidate is on the front when params are maximised");
        CurveStore s2 = front();
        assertTrue(judge(r, s2, "d", new double[] {55, 56, 57, 57, 57, 57, 57, 57, 57, 57}, 600).isPresent(),
                "dominated by big (more params, more accuracy)");
    }

    @Test
    void waitsForReferencesCostsAndTheGracePeriod() {
        StoppingRule r = rule(Map.of("minTrials", 3, "gracePeriod", 4, "margin", 0.0));
        CurveStore few = new CurveStore("s");
        finished(few, "a", 60, 90, 100);
        finished(few, "b", 60, 90, 100);
        assertTrue(judge(r, few, "c", new double[] {10, 10, 10, 10, 10, 10, 10, 10, 10}, 500).isEmpty(),
                "2 references < minTrials 3");
        CurveStore s = front();
        CurvePoint p = new CurvePoint("s", "nocost", 5, 10, 10);
        for (int e = 1; e <= 5; e++) {
            s.record(new CurvePoint("s", "nocost", e, 10, 10));
        }
        assertTrue(r.onEpoch(p, s).isEmpty(), "unknown params: not judged");
        CurveStore g = front();
        g.recordStatics("late", Map.of("params", 600.0));
        for (int e = 1; e <= 3; e++) {
            CurvePoint q = new CurvePoint("s", "late", e, 10, 10);
            g.record(q);
            assertTrue(r.onEpoch(q, g).isEmpty(), "epoch " + e + " < gracePeriod 4");
        }
    }

    @Test
    void decisionsAreAFunctionOfThePointSequenceThroughTheSimulator() {
        Random rnd = new Random(5);
        List<StoppingSimulator.Candidate> cands = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            double q = 50 + 40 * rnd.nextDouble();
            double[] curve = new double[20];
            for (int e = 1; e <= 20; e++) {
                curve[e - 1] = q * (1 - 0.5 * Math.pow(e, -0.8));
            }
            cands.add(new StoppingSimulator.Candidate("c" + i, null, curve, Map.of("params", 1000.0 * rnd.nextInt(10))));
        }
        StoppingSimulator sim = new StoppingSimulator(4, 0);
        StoppingSimulator.Result a = sim.run(cands, rule(Map.of()));
        StoppingSimulator.Result b = sim.run(cands, rule(Map.of()));
        assertEquals(a.verdicts(), b.verdicts());
        assertFalse(a.verdicts().isEmpty(), "stops someone");
        assertTrue(a.epochsSpent() < 40L * 20, "saves epochs");
        // the best candidate finished: it is on every front
        assertEquals(a.trueBestId(), a.pickId());
    }

    @Test
    void badObjectivesNameTheFieldAndTheFix() {
        IllegalArgumentException one = assertThrows(IllegalArgumentException.class, () -> StoppingRules.create(
                "pareto", Map.of(), null, ACC_PARAMS.subList(0, 1), "validAccuracy"));
        assertTrue(one.getMessage().startsWith("stopping.rule: 'pareto' stops candidates dominated on several"),
                one.getMessage());
        IllegalArgumentException test = assertThrows(IllegalArgumentException.class, () -> StoppingRules.create(
                "pareto", Map.of(), null, List.of(ACC_PARAMS.get(0), new Objective("testAccuracy",
                        Direction.MAXIMIZE)), "validAccuracy"));
        assertTrue(test.getMessage().startsWith("objectives: ") && test.getMessage().contains("'testAccuracy'"),
                test.getMessage());
        IllegalArgumentException metric = assertThrows(IllegalArgumentException.class, () -> StoppingRules.create(
                "pareto", Map.of(), null, ACC_PARAMS, "validLoss"));
        assertTrue(metric.getMessage().startsWith("stopping.metric: "), metric.getMessage());
        IllegalArgumentException margin = assertThrows(IllegalArgumentException.class, () -> rule(Map.of("margin", 1)));
        assertEquals("stopping.margin: must be between 0.0 and 0.5, got 1", margin.getMessage());
        assertEquals(StoppingRules.STATIC_METRICS, dev.nasflow.spec.SpecVocabulary.COST_METRICS);
    }

    @Test
    void theConformalRankFallsBackToTheLargestWithFewReferences() {
        assertEquals(5, ParetoStoppingRule.conformalRank(5, 0.9), "ceil(6 x 0.9) = 6 > 5: the largest");
        assertEquals(10, ParetoStoppingRule.conformalRank(10, 0.9), "ceil(11 x 0.9) = 10");
        assertEquals(18, ParetoStoppingRule.conformalRank(19, 0.9));
        assertEquals(90, ParetoStoppingRule.conformalRank(99, 0.9));
        assertEquals(99, ParetoStoppingRule.conformalRank(99, 1.0));
        assertEquals(1, ParetoStoppingRule.conformalRank(1, 0.5));
    }

    /** 19 references rising 60 to 80 (params 100) and one late jumper, flat at 60 then 95 (params 5000). */
    static CurveStore withOutlier() {
        CurveStore s = new CurveStore("s");
        for (int i = 0; i < 19; i++) {
            finished(s, "r" + i, 60, 80, 100);
        }
        s.recordStatics("jump", Map.of("params", 5000.0));
        for (int e = 1; e <= 10; e++) {
            s.record(new CurvePoint("s", "jump", e, 10, e < 10 ? 60 : 95));
        }
        s.finish("jump");
        return s;
    }

    @Test
    void theConfidenceQuantileIgnoresTheRareSurpriseThatTheLargestShortfallWouldCover() {
        double[] flat = {70, 70, 70, 70, 70, 70, 70, 70, 70, 70};
        // (the rank check off: the references' estimates, 19 equal ones and the jumper's, do not rank their finals)
        // confidence 1: the jumper's shortfall (35 points) covers every candidate, nothing is stopped
        assertTrue(judge(rule(Map.of("confidence", 1.0, "minRankTau", 0)), withOutlier(), "c", flat, 200).isEmpty());
        // confidence 0.9 over 20 references: the 19th smallest scaled shortfall, that of the rising references
        Optional<StopVerdict> v = judge(rule(Map.of("confidence", 0.9, "minRankTau", 0)), withOutlier(), "c", flat,
                200);
        assertTrue(v.isPresent(), "a flat curve far below the front is stopped at confidence 0.9");
        assertEquals(3, v.get().epoch());
        assertTrue(v.get().reason().contains("; the 2nd largest among 20 finished: conformal quantile at confidence 0.9)"),
                v.get().reason());
    }

    /** The front of {@link #front()} and a running candidate 'run' (params 120) at 95 after 6 epochs. */
    static CurveStore frontAndRunning() {
        CurveStore s = front();
        s.recordStatics("run", Map.of("params", 120.0));
        for (int e = 1; e <= 6; e++) {
            s.record(new CurvePoint("s", "run", e, 10, 95));
        }
        return s;
    }

    @Test
    void aRunningCandidateSurelyAheadDominatesWithItsPessimisticFinal() {
        double[] c = {82, 82, 82, 82, 82, 82, 82, 82, 82};
        Map<String, Object> p = Map.of("minTrials", 3, "gracePeriod", 3);
        // no finished point dominates c (params 150): 'small' is cheaper but at 80; 'mid' and 'big' cost more
        assertTrue(judge(rule(Map.of("minTrials", 3, "gracePeriod", 3, "runningReferences", false)),
                frontAndRunning(), "c", c, 150).isEmpty());
        Optional<StopVerdict> v = judge(rule(p), frontAndRunning(), "c", c, 150);
        assertTrue(v.isPresent(), "dominated by the running candidate");
        assertTrue(v.get().reason().contains("dominated by running candidate run (pessimistic final validAccuracy 95"),
                v.get().reason());
        // a running reference that ended without completing (failed, stopped elsewhere) no longer counts
        CurveStore ended = frontAndRunning();
        ended.end("run");
        assertTrue(judge(rule(p), ended, "c", c, 150).isEmpty());
        // nor one more expensive than the candidate
        assertTrue(judge(rule(p), frontAndRunning(), "c", c, 110).isEmpty());
    }

    @Test
    void aRunningRivalCountsByWhatItReachedNotByItsExtrapolatedCurve() {
        // a rival (params 120) after 3 steep epochs: its curve extrapolates far beyond 90, but its best so far is 84
        CurveStore s = front();
        s.recordStatics("steep", Map.of("params", 120.0));
        double[] steep = {50, 70, 84};
        for (int e = 1; e <= steep.length; e++) {
            s.record(new CurvePoint("s", "steep", e, 10, steep[e - 1]));
        }
        assertTrue(ParetoStoppingRule.pointEstimate(s, "steep", 3, 10) > 90, "the extrapolation overshoots");
        // a flat candidate at 85 (params 150): only a rival that has already reached more can dominate it
        double[] c = {85, 85, 85, 85, 85};
        assertTrue(judge(rule(Map.of("minTrials", 3, "gracePeriod", 3)), s, "c", c, 150).isEmpty(),
                "stopped on the strength of a rival's extrapolated curve");
        // once the rival's best so far passes the candidate's optimistic final, it dominates
        CurveStore later = front();
        later.recordStatics("steep", Map.of("params", 120.0));
        for (int e = 1; e <= 6; e++) {
            later.record(new CurvePoint("s", "steep", e, 10, e < 4 ? steep[e - 1] : 95));
        }
        Optional<StopVerdict> v = judge(rule(Map.of("minTrials", 3, "gracePeriod", 3)), later, "c", c, 150);
        assertTrue(v.isPresent(), "a rival already at 95 dominates a flat 85");
        assertTrue(v.get().reason().contains("dominated by running candidate steep (pessimistic final validAccuracy 95"
                + ", params 120: best so far 95 after 6 epochs - calibration 0 (the best so far's scaled overshoot 0"),
                v.get().reason());
    }

    /**
     * Six finished references (params 100) whose first epochs rank their finals backwards: three start at 75 and end at
     * 80, three sit at 60 for five epochs and then jump to 90, 91 and 92.
     */
    static CurveStore lateJumpers() {
        CurveStore s = new CurveStore("s");
        for (int i = 0; i < 3; i++) {
            s.recordStatics("early" + i, Map.of("params", 100.0));
            s.recordStatics("late" + i, Map.of("params", 100.0));
            for (int e = 1; e <= 10; e++) {
                s.record(new CurvePoint("s", "early" + i, e, 10, 75 + Math.min(e, 5) + i * 0.1));
                s.record(new CurvePoint("s", "late" + i, e, 10, e <= 5 ? 60 + i * 0.1 : 90 + i));
            }
            s.finish("early" + i);
            s.finish("late" + i);
        }
        return s;
    }

    @Test
    void noDecisionAtEpochsWhoseEstimatesDoNotRankTheFinishedFinals() {
        CurveStore s = lateJumpers();
        // a candidate (params 200) that looks like the late jumpers: at 60 for five epochs, then 95 (it would be on
        // the front); after 3 epochs the references' estimates rank their finals backwards
        double[] jumper = {60, 60, 60, 60, 60, 95, 95, 95, 95, 95};
        Map<String, Object> p = Map.of("minTrials", 3, "gracePeriod", 3, "runningReferences", false);
        Optional<StopVerdict> unchecked = judge(rule(withParam(p, "minRankTau", 0)), lateJumpers(), "c", jumper, 200);
        assertTrue(unchecked.isPresent() && unchecked.get().epoch() <= 5,
                "without the check the jumper is stopped on its plateau: " + unchecked);
        assertTrue(judge(rule(p), s, "c", jumper, 200).isEmpty(), "the default check waits for the estimates to rank");
        // once the estimates rank the finals (after the jump, epoch 6 on), a flat candidate far below is stopped, and
        // the decision says how well they rank
        double[] flat = {60, 60, 60, 60, 60, 60, 60, 60, 60, 60};
        Optional<StopVerdict> v = judge(rule(p), lateJumpers(), "f", flat, 200);
        assertTrue(v.isPresent(), "a flat 60 is dominated once the estimates rank");
        assertTrue(v.get().epoch() >= 6, "not before the estimates rank: epoch " + v.get().epoch());
        assertTrue(v.get().reason().contains("rank the 6 finished by final with tau "), v.get().reason());
        assertTrue(v.get().reason().contains(" >= minRankTau 0.3;"), v.get().reason());
    }

    private static Map<String, Object> withParam(Map<String, Object> p, String k, Object v) {
        Map<String, Object> m = new java.util.HashMap<>(p);
        m.put(k, v);
        return m;
    }

    @Test
    void badConfidenceNamesTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> rule(Map.of("confidence", 0.2)));
        assertEquals("stopping.confidence: must be between 0.5 and 1.0, got 0.2", e.getMessage());
        IllegalArgumentException b = assertThrows(IllegalArgumentException.class,
                () -> rule(Map.of("runningReferences", "sometimes")));
        assertTrue(b.getMessage().startsWith("stopping.runningReferences: "), b.getMessage());
        IllegalArgumentException t = assertThrows(IllegalArgumentException.class,
                () -> rule(Map.of("minRankTau", 1.5)));
        assertEquals("stopping.minRankTau: must be between 0.0 and 1.0, got 1.5", t.getMessage());
    }
}
