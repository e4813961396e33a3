package dev.nasflow.stopping;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static dev.nasflow.stopping.Feed.S;
import static dev.nasflow.stopping.Feed.constant;
import static dev.nasflow.stopping.Feed.finished;
import static dev.nasflow.stopping.Feed.pt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EarlyStopperTest {
    @Test
    void aStoppedCandidateIsNeverStoppedAgain() {
        EarlyStopper st = new EarlyStopper(new MedianStoppingRule(1, 1, false));
        finished(st, "a", constant(90, 10));
        StopVerdict first = st.onEpoch(pt("x", 1, 10, 5)).orElseThrow();
        for (int e = 2; e <= 9; e++) {
            assertTrue(st.onEpoch(pt("x", e, 10, 5)).isEmpty(), "epoch " + e);
        }
        assertEquals(Optional.of(first), st.decision(S, "x"));
        assertEquals(List.of(first), st.store(S).orElseThrow().decisions());
    }

    @Test
    void aDuplicateEpochIsNotJudgedTwiceAndTheFirstValueWins() {
        EarlyStopper st = new EarlyStopper(new MedianStoppingRule(1, 2, false));
        finished(st, "a", constant(80, 10));
        assertTrue(st.onEpoch(pt("x", 1, 10, 10)).isEmpty(), "one reference < minTrials");
        finished(st, "b", constant(90, 10));
        // the redelivered epoch 1 would now be stopped, but (x, 1) was judged already
        assertTrue(st.onEpoch(pt("x", 1, 10, 10)).isEmpty());
        assertTrue(st.onEpoch(pt("x", 1, 10, 99)).isEmpty());
        assertEquals(10, st.store(S).orElseThrow().value("x", 1));
        assertEquals(2, st.onEpoch(pt("x", 2, 10, 10)).orElseThrow().epoch());
    }

    @Test
    void finishedCandidatesAreNotJudged() {
        EarlyStopper st = new EarlyStopper(new MedianStoppingRule(1, 1, false));
        finished(st, "a", constant(90, 10));
        st.onFinished(S, "x");
        assertTrue(st.onEpoch(pt("x", 1, 10, 1)).isEmpty());
    }

    @Test
    void searchesAreIsolatedAndConfigurable() {
        EarlyStopper st = new EarlyStopper(NoStopping.INSTANCE);
        st.configure("s2", new MedianStoppingRule(1, 1, false));
        finished(st, "a", constant(90, 5));            // search s1: no stopping
        assertTrue(st.onEpoch(pt("x", 1, 5, 1)).isEmpty());
        assertTrue(st.onEpoch(new CurvePoint("s2", "x", 1, 5, 1)).isEmpty(), "s2 has no references yet");
        st.onEpoch(new CurvePoint("s2", "a", 1, 5, 90));
        assertTrue(st.onEpoch(new CurvePoint("s2", "x", 2, 5, 1)).isEmpty(), "a has not reached epoch 2 in s2");
        st.onEpoch(new CurvePoint("s2", "a", 2, 5, 90));
        assertTrue(st.onEpoch(new CurvePoint("s2", "x", 3, 5, 1)).isEmpty(), "a has not reached epoch 3 in s2");
        st.onEpoch(new CurvePoint("s2", "a", 3, 5, 90));
        st.onEpoch(new CurvePoint("s2", "a", 4, 5, 90));
        assertEquals("median", st.onEpoch(new CurvePoint("s2", "x", 4, 5, 1)).orElseThrow().rule());
        assertEquals("none", st.rule(S).name());
        st.forget("s2");
        assertTrue(st.store("s2").isEmpty());
        assertEquals("none", st.rule("s2").name());
    }

    @Test
    void boundsTheNumberOfSearches() {
        EarlyStopper st = new EarlyStopper(NoStopping.INSTANCE, 2, 10, 100);
        st.onEpoch(new CurvePoint("s1", "a", 1, 5, 1));
        st.onEpoch(new CurvePoint("s2", "a", 1, 5, 1));
        st.onEpoch(new CurvePoint("s1", "a", 2, 5, 1));  // s1 touched last
        st.onEpoch(new CurvePoint("s3", "a", 1, 5, 1));  // evicts s2
        assertEquals(2, st.searchCount());
        assertTrue(st.store("s2").isEmpty());
        assertTrue(st.store("s1").isPresent());
    }

    @Test
    void decisionsAreAFunctionOfThePointSequence() {
        List<CurvePoint> points = new ArrayList<>();
        Random rnd = new Random(7);
        for (int c = 0; c < 30; c++) {
            double q = 50 + 40 * rnd.nextDouble();
            for (int e = 1; e <= 12; e++) {
                points.add(pt("c" + c, e, 12, q * (1 - 0.5 * Math.pow(e, -0.8)) + rnd.nextGaussian()));
            }
        }
        Collections.shuffle(points, new Random(11));
        for (String rule : StoppingRules.NAMES) {
            if (rule.equals("surrogate") || rule.equals("pareto")) {
                continue; // need a prediction source / objectives and costs: ParetoStoppingRuleTest
            }
            List<StopVerdict> first = replay(StoppingRules.create(rule, java.util.Map.of()), points);
            List<StopVerdict> second = replay(StoppingRules.create(rule, java.util.Map.of()), points);
            assertEquals(first, second, rule);
            if (!rule.equals("none") && !rule.equals("curve")) {
                assertFalse(first.isEmpty(), rule + " stops someone on these curves");
            }
        }
    }

    private static List<StopVerdict> replay(StoppingRule rule, List<CurvePoint> points) {
        EarlyStopper st = new EarlyStopper(rule);
        List<StopVerdict> out = new ArrayList<>();
        for (CurvePoint p : points) {
            st.onEpoch(p).ifPresent(out::add);
            if (p.epoch() == p.targetEpochs()) {
                st.onFinished(p.searchId(), p.candidateId());
            }
        }
        return out;
    }

    @Test
    void rejectsVerdictsForOtherCandidates() {
        StoppingRule rogue = new StoppingRule() {
            @Override
            public String name() {
                return "rogue";
            }

            @Override
            public Optional<StopVerdict> onEpoch(CurvePoint p, CurveStore store) {
                return Optional.of(new StopVerdict(p.searchId(), "someone-else", p.epoch(), name(), "r"));
            }
        };
        EarlyStopper st = new EarlyStopper(rogue);
        assertThrows(IllegalStateException.class, () -> st.onEpoch(pt("x", 1, 5, 1)));
    }
}
