package dev.nasflow.strategy;

import dev.nasflow.space.CellSpace;
import dev.nasflow.space.Genome;
import dev.nasflow.space.SearchSpace;
import dev.nasflow.spec.Direction;
import dev.nasflow.spec.Objective;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How each strategy uses warm-start priors (docs/SPEC.md, warmStart). */
class WarmStartStrategiesTest {
    static final SearchSpace SPACE = CellSpace.nb201();
    static final List<Objective> ACC = List.of(new Objective("validAccuracy", Direction.MAXIMIZE));

    static StrategyContext ctx(Map<String, Object> params, int min, int max) {
        return new StrategyContext(SPACE, ACC, 5, params, min, max);
    }

    /** {@code n} distinct random priors with accuracy = 50 + index (the last is the best). */
    static List<Prior> priors(int n, boolean transferred) {
        Random r = new Random(99);
        Set<Genome> seen = new HashSet<>();
        List<Prior> out = new ArrayList<>();
        while (out.size() < n) {
            Genome g = SPACE.random(r);
            if (seen.add(g)) {
                out.add(new Prior(g, 12, Map.of("validAccuracy", 50.0 + out.size(), "params", 1000.0 + out.size()),
                        Outcome.COMPLETED, transferred));
            }
        }
        return out;
    }

    static int distance(Genome a, Genome b) {
        int d = 0;
        for (int i = 0; i < a.length(); i++) {
            d += a.choice(i) != b.choice(i) ? 1 : 0;
        }
        return d;
    }

    static List<Genome> best(List<Prior> ps, int k) {
        List<Genome> g = new ArrayList<>();
        for (int i = ps.size() - 1; i >= 0 && g.size() < k; i--) {
            g.add(ps.get(i).genome());
        }
        return g;
    }

    @Test
    void reaSeedsItsPopulationAndProposesMutationsOfTheBestPriorsAtOnce() {
        for (boolean transferred : new boolean[] {false, true}) {
            List<Prior> ps = priors(25, transferred);
            Strategy s = Strategies.create("rea", ctx(Map.of("population", 10, "sampleSize", 3), 12, 12));
            s.warmStart(ps);
            List<Genome> top = best(ps, 10);
            Set<Genome> all = new HashSet<>();
            ps.forEach(p -> all.add(p.genome()));
            for (Proposal p : s.propose(10)) {
                assertTrue(top.stream().anyMatch(t -> distance(t, p.genome()) == 1), p.genome().toString());
                if (!transferred) {
                    assertFalse(all.contains(p.genome()), "a same-task prior is never evaluated again");
                }
            }
        }
    }

    @Test
    void sameSeedAndPriorsGiveTheSameProposals() {
        for (String type : List.of("rea", "bananas", "local", "nsga2", "random", "asha", "hyperband", "grid")) {
            List<Prior> ps = priors(30, true);
            int min = type.equals("asha") || type.equals("hyperband") ? 1 : 12;
            Strategy a = Strategies.create(type, ctx(Map.of(), min, 12));
            Strategy b = Strategies.create(type, ctx(Map.of(), min, 12));
            a.warmStart(ps);
            b.warmStart(ps);
            assertEquals(a.propose(5), b.propose(5), type);
        }
    }

    @Test
    void bananasRanksWithThePredictorFromTheFirstProposal() {
        List<Prior> ps = priors(30, true);
        Strategy s = Strategies.create("bananas", ctx(Map.of("initial", 20, "parents", 10), 12, 12));
        s.warmStart(ps);
        List<Genome> parents = best(ps, 10);
        for (Proposal p : s.propose(3)) {
            assertTrue(parents.stream().anyMatch(t -> distance(t, p.genome()) <= 2), p.genome().toString());
        }
        assertEquals(1, ((Bananas) s).fits(), "the predictor was fitted on the priors alone");
    }

    @Test
    void localClimbsFromTheBestPrior() {
        List<Prior> same = priors(10, false);
        Strategy s = Strategies.create("local", ctx(Map.of(), 12, 12));
        s.warmStart(same);
        Genome bestSame = best(same, 1).get(0);
        s.propose(3).forEach(p -> assertEquals(1, distance(bestSame, p.genome())));

        List<Prior> other = priors(10, true);
        Strategy t = Strategies.create("local", ctx(Map.of(), 12, 12));
        t.warmStart(other);
        List<Proposal> first = t.propose(3);
        assertEquals(1, first.size(), "the start set is the best prior alone, evaluated first");
        assertEquals(best(other, 1).get(0), first.get(0).genome());
    }

    @Test
    void randomEvaluatesTransferredPriorsFirstAndSkipsSameTaskOnes() {
        List<Prior> other = priors(5, true);
        Strategy s = Strategies.create("random", ctx(Map.of(), 12, 12));
        s.warmStart(other);
        assertEquals(best(other, 5), s.propose(5).stream().map(Proposal::genome).toList());

        List<Prior> same = priors(200, false);
        Strategy t = Strategies.create("random", ctx(Map.of(), 12, 12));
        t.warmStart(same);
        Set<Genome> known = new HashSet<>();
        same.forEach(p -> known.add(p.genome()));
        t.propose(500).forEach(p -> assertFalse(known.contains(p.genome())));
    }

    @Test
    void ashaStartsTransferredPriorsAtRungZeroAndBooksSameTaskOnes() {
        List<Prior> other = priors(4, true);
        Asha a = (Asha) Strategies.create("asha", ctx(Map.of("eta", 3), 1, 12));
        a.warmStart(other);
        List<Proposal> first = a.propose(4);
        assertEquals(best(other, 4), first.stream().map(Proposal::genome).toList());
        assertTrue(first.stream().allMatch(p -> p.epochs() == a.rungs()[0]));

        Asha b = (Asha) Strategies.create("asha", ctx(Map.of("eta", 3), 1, 12));
        b.warmStart(priors(6, false)); // at 12 epochs: the top rung
        assertEquals(6, b.rungCounts()[b.rungs().length - 1]);
    }

    @Test
    void nsga2BreedsItsFirstChildrenFromThePriorsFront() {
        List<Prior> ps = priors(30, true);
        Nsga2 n = (Nsga2) Strategies.create("nsga2", ctx(Map.of("population", 8), 12, 12));
        n.warmStart(ps);
        assertEquals(8, n.parents().size());
        // the first selection drops the transferred parents: only this search's results remain
        for (Proposal p : n.propose(8)) {
            n.observe(new Observation(p.genome(), 12, Map.of("validAccuracy", 40.0), Outcome.COMPLETED));
        }
        Set<Genome> priorGenomes = new HashSet<>();
        ps.forEach(p -> priorGenomes.add(p.genome()));
        assertTrue(n.parents().stream().noneMatch(m -> priorGenomes.contains(m.genome())));
    }

    @Test
    void hyperbandStartsTheBestTransferredPriorsFirst() {
        List<Prior> other = priors(3, true);
        Strategy h = Strategies.create("hyperband", ctx(Map.of("eta", 3), 1, 12));
        h.warmStart(other);
        assertEquals(best(other, 3), h.propose(3).stream().map(Proposal::genome).toList());
    }
}
