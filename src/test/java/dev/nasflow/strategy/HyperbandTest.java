package dev.nasflow.strategy;

import dev.nasflow.model.Outcome;
import dev.nasflow.space.Genome;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HyperbandTest {
    private static List<Hyperband.Rung> rungs(int... configsEpochs) {
        List<Hyperband.Rung> r = new ArrayList<>();
        for (int i = 0; i < configsEpochs.length; i += 2) {
            r.add(new Hyperband.Rung(configsEpochs[i], configsEpochs[i + 1]));
        }
        return r;
    }

    @Test
    void bracketsForR27Eta3() {
        assertEquals(List.of(
                rungs(27, 1, 9, 3, 3, 9, 1, 27),
                rungs(12, 3, 4, 9, 1, 27),
                rungs(6, 9, 2, 27),
                rungs(4, 27)), Hyperband.brackets(1, 27, 3));
    }

    @Test
    void bracketsForR81Eta3MatchThePaperTable() {
        // Li et al. 2018, Table 1 (R = 81, η = 3).
        assertEquals(List.of(
                rungs(81, 1, 27, 3, 9, 9, 3, 27, 1, 81),
                rungs(34, 3, 11, 9, 3, 27, 1, 81),
                rungs(15, 9, 5, 27, 1, 81),
                rungs(8, 27, 2, 81),
                rungs(5, 81)), Hyperband.brackets(1, 81, 3));
    }

    @Test
    void epochsScaleWithMinEpochs() {
        // R = 40/5 = 8, η = 2: s_max = 3.
        List<List<Hyperband.Rung>> b = Hyperband.brackets(5, 40, 2);
        assertEquals(4, b.size());
        assertEquals(rungs(8, 5, 4, 10, 2, 20, 1, 40), b.get(0));
        assertEquals(rungs(4, 40), b.get(3));
    }

    @Test
    void successiveHalvingIsSynchronousWithinABracketAndBracketsLoop() {
        Hyperband s = (Hyperband) Strategies.create("hyperband",
                Synthetic.ctx(Synthetic.NB201, 1, Map.of("eta", 3), 1, 27));
        int[][] expected = {{27, 1}, {9, 3}, {3, 9}, {1, 27}, {12, 3}, {4, 9}, {1, 27}, {6, 9}, {2, 27}, {4, 27},
                {27, 1}};
        List<Genome> previousRung = null;
        for (int[] rung : expected) {
            List<Proposal> p = s.propose(100);
            assertEquals(rung[0], p.size(), "rung of " + rung[1] + " epochs");
            p.forEach(q -> assertEquals(rung[1], q.epochs()));
            assertTrue(s.propose(5).isEmpty(), "waits for the rung to finish");
            if (previousRung != null && rung[1] > 1 && p.size() < previousRung.size()) {
                // Promoted: the best of the previous rung by the synthetic metric, best first.
                List<Genome> best = new ArrayList<>(previousRung);
                best.sort(Comparator.comparingDouble((Genome g) -> -Synthetic.accuracy(g)));
                assertEquals(best.subList(0, p.size()), p.stream().map(Proposal::genome).toList());
            }
            for (Proposal q : p) {
                s.observe(Synthetic.observe(q, 27));
            }
            previousRung = p.stream().map(Proposal::genome).toList();
        }
    }

    @Test
    void failuresAreNeverPromoted() {
        Hyperband s = (Hyperband) Strategies.create("hyperband",
                Synthetic.ctx(Synthetic.NB201, 2, Map.of(), 1, 9));
        // R = 9: bracket s=2 is 9@1, 3@3, 1@9.
        List<Proposal> p = s.propose(9);
        assertEquals(9, p.size());
        for (int i = 0; i < 9; i++) {
            s.observe(i < 7 ? Synthetic.failed(p.get(i), Outcome.DIVERGED) : Synthetic.observe(p.get(i), 9));
        }
        List<Proposal> up = s.propose(9);
        assertEquals(List.of(p.get(7).genome(), p.get(8).genome()).stream().sorted(
                Comparator.comparingDouble((Genome g) -> -Synthetic.accuracy(g))).toList(),
                up.stream().map(Proposal::genome).toList());
    }
}
