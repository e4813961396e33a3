package dev.nasflow.strategy;

import dev.nasflow.model.Outcome;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every registered strategy: same seed → same proposals; another seed → other proposals; failures never break it. */
class StrategyDeterminismTest {
    private static final int MIN = 1;
    private static final int MAX = 27;

    private static List<Proposal> run(String type, long seed, boolean failures) {
        Strategy s = Strategies.create(type,
                Synthetic.ctx(Synthetic.NB201, seed, Map.of(), MIN, MAX, Synthetic.ACC, Synthetic.PARAMS));
        return Synthetic.drive(s, 80, MAX, failures);
    }

    @ParameterizedTest
    @ValueSource(strings = {"random", "grid", "rea", "local", "nsga2", "bananas", "asha", "hyperband"})
    void sameSeedSameProposals(String type) {
        List<Proposal> a = run(type, 42, true);
        List<Proposal> b = run(type, 42, true);
        assertFalse(a.isEmpty());
        assertEquals(a, b);
    }

    @ParameterizedTest
    @ValueSource(strings = {"random", "rea", "local", "nsga2", "bananas", "asha", "hyperband"})
    void differentSeedsDiffer(String type) {
        assertNotEquals(run(type, 1, false), run(type, 2, false));
    }

    @ParameterizedTest
    @ValueSource(strings = {"random", "grid", "rea", "local", "nsga2", "bananas", "asha", "hyperband"})
    void failuresAndEarlyStopsDoNotBreakIt(String type) {
        Strategy s = Strategies.create(type, Synthetic.ctx(Synthetic.NB201, 7, Map.of(), MIN, MAX));
        int evaluations = 0;
        for (int round = 0; round < 40; round++) {
            List<Proposal> p = s.propose(2);
            assertFalse(p.isEmpty(), type + " stopped proposing after failures at round " + round);
            for (Proposal q : p) {
                evaluations++;
                Observation o = switch (evaluations % 5) {
                    case 0 -> Synthetic.failed(q, Outcome.FAILED);
                    case 1 -> Synthetic.failed(q, Outcome.DIVERGED);
                    case 2 -> Synthetic.failed(q, Outcome.INFEASIBLE);
                    case 3 -> new Observation(q.genome(), Math.max(1, q.epochs() / 2),
                            Map.of("validAccuracy", 30.0), Outcome.STOPPED_EARLY);
                    default -> Synthetic.observe(q, MAX);
                };
                s.observe(o);
            }
        }
        assertTrue(evaluations >= 40);
    }

    @ParameterizedTest
    @ValueSource(strings = {"random", "grid", "local", "bananas"})
    void neverProposesAnArchitectureTwice(String type) {
        List<Proposal> p = run(type, 3, true);
        Set<Object> seen = new HashSet<>();
        for (Proposal q : p) {
            assertTrue(seen.add(q.genome()), type + " proposed " + q.genome() + " twice");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"random", "grid", "rea", "local", "nsga2", "bananas"})
    void singleFidelityStrategiesProposeAtMaxEpochs(String type) {
        for (Proposal q : run(type, 5, false)) {
            assertEquals(MAX, q.epochs());
            assertTrue(Synthetic.NB201.isValid(q.genome()));
        }
    }
}
