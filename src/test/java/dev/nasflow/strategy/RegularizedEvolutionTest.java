package dev.nasflow.strategy;

import dev.nasflow.model.Outcome;
import dev.nasflow.space.Genome;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RegularizedEvolutionTest {
    private static RegularizedEvolution rea(int population, int sample, long seed) {
        return (RegularizedEvolution) Strategies.create("rea", Synthetic.ctx(Synthetic.NB201, seed,
                Map.of("population", population, "sampleSize", sample), 1, 12));
    }

    private static int differences(Genome a, Genome b) {
        int d = 0;
        for (int i = 0; i < a.length(); i++) {
            d += a.choice(i) != b.choice(i) ? 1 : 0;
        }
        return d;
    }

    @Test
    void initialPopulationIsRandomAndDistinctAndProposedBeforeAnyResult() {
        RegularizedEvolution s = rea(10, 3, 1);
        List<Proposal> p = s.propose(25);
        assertEquals(25, p.size());
        assertEquals(25, new HashSet<>(p.stream().map(Proposal::genome).toList()).size());
    }

    @Test
    void oldestMemberDiesWhenThePopulationIsFull() {
        RegularizedEvolution s = rea(5, 2, 1);
        List<Proposal> p = s.propose(8);
        List<Genome> observed = new ArrayList<>();
        for (Proposal q : p) {
            s.observe(Synthetic.observe(q, 12));
            observed.add(q.genome());
            int size = Math.min(observed.size(), 5);
            assertEquals(observed.subList(observed.size() - size, observed.size()),
                    s.population().stream().map(RegularizedEvolution.Member::genome).toList());
        }
        // After 8 arrivals the first 3 are gone, whatever their fitness.
        assertEquals(5, s.population().size());
        assertEquals(p.get(3).genome(), s.population().get(0).genome());
    }

    @Test
    void childrenAreOneDecisionMutationsOfTheTournamentWinner() {
        // sampleSize == population: the tournament always picks the population's best.
        RegularizedEvolution s = rea(6, 6, 3);
        for (Proposal q : s.propose(6)) {
            s.observe(Synthetic.observe(q, 12));
        }
        for (int round = 0; round < 30; round++) {
            Genome best = s.population().stream()
                    .max(Comparator.comparingDouble(RegularizedEvolution.Member::fitness)).orElseThrow().genome();
            Proposal child = s.propose(1).get(0);
            assertEquals(1, differences(best, child.genome()), "child of round " + round);
            s.observe(Synthetic.observe(child, 12));
        }
    }

    @Test
    void tournamentOfOneIsAUniformPick() {
        RegularizedEvolution s = rea(4, 1, 5);
        for (Proposal q : s.propose(4)) {
            s.observe(Synthetic.observe(q, 12));
        }
        var members = s.population().stream().map(RegularizedEvolution.Member::genome).toList();
        var winners = new HashSet<Genome>();
        for (int i = 0; i < 200; i++) {
            winners.add(s.tournament());
        }
        assertEquals(new HashSet<>(members), winners);
    }

    @Test
    void failedChildrenJoinAsWorstAndNeverWinATournamentAgainstMeasuredOnes() {
        RegularizedEvolution s = rea(4, 4, 2);
        List<Proposal> p = s.propose(4);
        s.observe(Synthetic.failed(p.get(0), Outcome.FAILED));
        s.observe(Synthetic.failed(p.get(1), Outcome.DIVERGED));
        s.observe(Synthetic.observe(p.get(2), 12));
        s.observe(Synthetic.failed(p.get(3), Outcome.INFEASIBLE));
        assertEquals(Double.NEGATIVE_INFINITY, s.population().get(0).fitness());
        for (int i = 0; i < 20; i++) {
            assertEquals(p.get(2).genome(), s.tournament());
        }
        assertTrue(s.propose(3).size() == 3);
    }

    @Test
    void evolutionImprovesOnTheInitialPopulation() {
        RegularizedEvolution s = rea(10, 3, 11);
        List<Proposal> all = Synthetic.drive(s, 150, 12, false);
        double initialBest = all.subList(0, 10).stream().mapToDouble(p -> Synthetic.accuracy(p.genome())).max()
                .orElseThrow();
        double best = all.stream().mapToDouble(p -> Synthetic.accuracy(p.genome())).max().orElseThrow();
        assertTrue(best > initialBest, best + " vs " + initialBest);
    }
}
