package dev.nasflow.strategy;

import dev.nasflow.model.Outcome;
import dev.nasflow.space.CellSpace;
import dev.nasflow.space.Genome;
import dev.nasflow.space.SearchSpace;
import dev.nasflow.model.Direction;
import dev.nasflow.model.Objective;
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
    void reaSeedsItsPopulationWithSameTaskPriorsAndProposesMutationsOfTheBestAtOnce() {
        List<Prior> ps = priors(25, false);
        Strategy s = Strategies.create("rea", ctx(Map.of("population", 10, "sampleSize", 3), 12, 12));
        s.warmStart(ps);
        List<Genome> top = best(ps, 10);
        List<Genome> members = new ArrayList<>(((RegularizedEvolution) s).population().stream()
                .map(RegularizedEvolution.Member::genome).toList());
        java.util.Collections.reverse(members);
        assertEquals(top, members, "the best 10, the best youngest");
        Set<Genome> all = new HashSet<>();
        ps.forEach(p -> all.add(p.genome()));
        for (Proposal p : s.propose(10)) {
            assertTrue(top.stream().anyMatch(t -> distance(t, p.genome()) == 1), p.genome().toString());
            assertFalse(all.contains(p.genome()), "a same-task prior is never evaluated again");
        }
    }

    @Test
    void reaEvaluatesTheBestTransferredPriorsAsItsInitialPopulationThenEvolvesFromTheirResults() {
        List<Prior> ps = priors(25, true);
        // the tournament samples the whole population: its winner is the best member
        RegularizedEvolution s = (RegularizedEvolution) Strategies.create("rea",
                ctx(Map.of("population", 10, "sampleSize", 10), 12, 12));
        s.warmStart(ps);
        assertTrue(s.population().isEmpty(), "a transferred value never enters a tournament");
        List<Genome> first = s.propose(10).stream().map(Proposal::genome).toList();
        assertEquals(best(ps, 10), first, "the initial population: the best 10 priors, best first");
        // measured here, the 4th best prior turns out the best: the children are its mutations
        for (int i = 0; i < first.size(); i++) {
            s.observe(new Observation(first.get(i), 12, Map.of("validAccuracy", i == 3 ? 90.0 : 10.0 + i),
                    Outcome.COMPLETED));
        }
        assertEquals(10, s.population().size());
        s.propose(30).forEach(p -> assertEquals(1, distance(first.get(3), p.genome()), "a mutation of the best "
                + "prior as measured here (not of the best by its transferred value)"));

        // fewer priors than the population: random architectures fill the rest
        Strategy t = Strategies.create("rea", ctx(Map.of("population", 10, "sampleSize", 3), 12, 12));
        List<Prior> few = priors(4, true);
        t.warmStart(few);
        List<Genome> initial = t.propose(10).stream().map(Proposal::genome).toList();
        assertEquals(best(few, 4), initial.subList(0, 4));
        assertEquals(10, new HashSet<>(initial).size());
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
    void bananasEvaluatesTheBestPriorsFirstThenRanksWithThePretrainedPredictor() {
        List<Prior> ps = priors(30, true);
        Bananas s = (Bananas) Strategies.create("bananas", ctx(Map.of("initial", 5, "parents", 10), 12, 12));
        s.warmStart(ps);
        List<Genome> first = s.propose(5).stream().map(Proposal::genome).toList();
        assertEquals(best(ps, 5), first, "the initial set: the best priors, best first");
        assertEquals(0, s.fits());
        for (int i = 0; i < first.size(); i++) {
            s.observe(new Observation(first.get(i), 12, Map.of("validAccuracy", 30.0 - i), Outcome.COMPLETED));
        }
        List<Genome> parents = best(ps, 15);
        for (Proposal p : s.propose(3)) {
            assertFalse(first.contains(p.genome()));
            assertTrue(parents.stream().anyMatch(t -> distance(t, p.genome()) <= 2), p.genome().toString());
        }
        assertEquals(1, s.fits(), "the predictor ranks from the first proposal after the initial set");

        // same-task priors count towards the initial set: none left to evaluate, the predictor ranks at once
        Bananas t = (Bananas) Strategies.create("bananas", ctx(Map.of("initial", 5), 12, 12));
        t.warmStart(priors(8, false));
        t.propose(1);
        assertEquals(1, t.fits());
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
        // measured here, the climb starts from it: its neighbours next
        t.observe(new Observation(first.get(0).genome(), 12, Map.of("validAccuracy", 10.0), Outcome.COMPLETED));
        t.propose(3).forEach(p -> assertEquals(1, distance(first.get(0).genome(), p.genome())));
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
    void nsga2SelectsItsFirstPopulationFromThePriors() {
        // same task: the first parents at once, children bred from them
        List<Prior> same = priors(30, false);
        Nsga2 m = (Nsga2) Strategies.create("nsga2", ctx(Map.of("population", 8), 12, 12));
        m.warmStart(same);
        assertEquals(8, m.parents().size());
        Set<Genome> sameGenomes = new HashSet<>();
        same.forEach(p -> sameGenomes.add(p.genome()));
        m.propose(8).forEach(p -> assertFalse(sameGenomes.contains(p.genome())));

        // another task: the first population is selected from the priors and evaluated here first
        List<Prior> ps = priors(30, true);
        Nsga2 n = (Nsga2) Strategies.create("nsga2", ctx(Map.of("population", 8), 12, 12));
        n.warmStart(ps);
        assertTrue(n.parents().isEmpty(), "a transferred value never enters a selection");
        List<Genome> first = n.propose(8).stream().map(Proposal::genome).toList();
        assertEquals(best(ps, 8), first, "one objective: the best 8 priors, best first");
        for (Genome g : first) {
            n.observe(new Observation(g, 12, Map.of("validAccuracy", 40.0), Outcome.COMPLETED));
        }
        assertEquals(1, n.generation());
        assertEquals(new HashSet<>(first), new HashSet<>(n.parents().stream().map(Nsga2.Member::genome).toList()),
                "the first parents: the priors as measured here");
    }

    @Test
    void hyperbandStartsTheBestTransferredPriorsFirst() {
        List<Prior> other = priors(3, true);
        Strategy h = Strategies.create("hyperband", ctx(Map.of("eta", 3), 1, 12));
        h.warmStart(other);
        assertEquals(best(other, 3), h.propose(3).stream().map(Proposal::genome).toList());
    }
}
