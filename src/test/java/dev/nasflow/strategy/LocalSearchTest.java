package dev.nasflow.strategy;

import dev.nasflow.model.Outcome;
import dev.nasflow.space.Genome;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalSearchTest {
    private static final Genome TARGET = new Genome("nb201", new int[] {3, 1, 2, 3, 0, 4});

    /** Unimodal: the number of decisions equal to the target's; the target is the only local optimum. */
    private static double matches(Genome g) {
        int m = 0;
        for (int i = 0; i < g.length(); i++) {
            m += g.choice(i) == TARGET.choice(i) ? 1 : 0;
        }
        return m;
    }

    private static Observation result(Proposal p) {
        return new Observation(p.genome(), p.epochs(), Map.of("validAccuracy", matches(p.genome())),
                Outcome.COMPLETED);
    }

    private static LocalSearch local(int initial, long seed) {
        return (LocalSearch) Strategies.create("local",
                Synthetic.ctx(Synthetic.NB201, seed, Map.of("initial", initial), 1, 12));
    }

    private static boolean neighbours(Genome a, Genome b) {
        int d = 0;
        for (int i = 0; i < a.length(); i++) {
            d += a.choice(i) != b.choice(i) ? 1 : 0;
        }
        return d == 1;
    }

    @Test
    void startsFromTheBestOfTheInitialSampleAndWaitsForIt() {
        LocalSearch s = local(5, 1);
        List<Proposal> start = s.propose(20);
        assertEquals(5, start.size(), "only the initial sample until its results are in");
        assertTrue(s.propose(3).isEmpty());
        Genome best = null;
        for (Proposal p : start) {
            s.observe(result(p));
            if (best == null || matches(p.genome()) > matches(best)) {
                best = p.genome();
            }
        }
        List<Proposal> next = s.propose(4);
        assertEquals(4, next.size());
        for (Proposal p : next) {
            assertTrue(neighbours(best, p.genome()), p.genome() + " is not a neighbour of " + best);
        }
    }

    @Test
    void climbsToTheOptimumMovingOnFirstImprovementThenRestarts() {
        LocalSearch s = local(3, 2);
        Set<Genome> seen = new HashSet<>();
        List<Genome> order = new java.util.ArrayList<>();
        Genome current = null;
        double currentValue = Double.NEGATIVE_INFINITY;
        Proposal restart = null;
        for (int steps = 0; restart == null && steps < 1000; steps++) {
            List<Proposal> p = s.propose(1);
            assertEquals(1, p.size());
            Proposal q = p.get(0);
            assertTrue(seen.add(q.genome()), "duplicate " + q.genome());
            if (!s.localOptima().isEmpty()) {
                restart = q;
                break;
            }
            if (current != null) {
                assertTrue(neighbours(current, q.genome()), q.genome() + " is not a neighbour of " + current);
            }
            order.add(q.genome());
            s.observe(result(q));
            if (order.size() == 3) {
                current = order.stream().max((a, b) -> Double.compare(matches(a), matches(b))).orElseThrow();
                currentValue = matches(current);
            } else if (current != null && matches(q.genome()) > currentValue) {
                current = q.genome();
                currentValue = matches(current);
            }
        }
        assertEquals(TARGET, current);
        assertEquals(List.of(TARGET), s.localOptima());
        // The optimum's whole neighbourhood was evaluated before giving up on it.
        for (Genome n : Synthetic.NB201.neighbours(TARGET)) {
            assertTrue(seen.contains(n));
        }
        // Then it restarted at a new (unseen, checked above) architecture.
        assertTrue(restart != null, "no restart after the local optimum");
    }

    @Test
    void asynchronousResultsOfTheClimbMoveItToo() {
        LocalSearch s = local(1, 3);
        Proposal first = s.propose(1).get(0);
        s.observe(result(first));
        List<Proposal> wave = s.propose(24);
        assertFalse(wave.isEmpty());
        Set<Genome> seen = new HashSet<>();
        seen.add(first.genome());
        for (Proposal p : wave) {
            assertTrue(neighbours(first.genome(), p.genome()));
            assertTrue(seen.add(p.genome()));
        }
        // Report the worst first and an improving one last: the climb moves to the best improving result seen.
        Proposal improving = wave.stream().filter(p -> matches(p.genome()) > matches(first.genome())).findFirst()
                .orElseThrow();
        for (Proposal p : wave) {
            if (p != improving) {
                s.observe(result(p));
            }
        }
        s.observe(result(improving));
        for (Proposal p : s.propose(3)) {
            assertTrue(seen.add(p.genome()));
        }
    }

    @Test
    void failedResultsCountAsWorst() {
        LocalSearch s = local(2, 4);
        List<Proposal> start = s.propose(2);
        s.observe(Synthetic.failed(start.get(0), Outcome.FAILED));
        s.observe(result(start.get(1)));
        for (Proposal p : s.propose(3)) {
            assertTrue(neighbours(start.get(1).genome(), p.genome()));
        }
    }
}
