package dev.nasflow.strategy;

import dev.nasflow.space.CellSpace;
import dev.nasflow.space.Genome;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RandomAndGridSearchTest {
    /** 3 nodes → 3 edges, 2 ops → 8 architectures. */
    private static final CellSpace TINY = new CellSpace("tiny", 3, List.of("none", "nor_conv_3x3"), 4, 1, 1);

    private static Strategy create(String type, CellSpace space, long seed, Map<String, Object> params) {
        return Strategies.create(type, Synthetic.ctx(space, seed, params, 1, 12));
    }

    @Test
    void randomSearchNeverRepeatsAndExhaustsASmallSpace() {
        Strategy s = create("random", TINY, 1, Map.of());
        Set<Genome> seen = new HashSet<>();
        for (int i = 0; i < 8; i++) {
            assertFalse(s.exhausted());
            List<Proposal> p = s.propose(1);
            assertEquals(1, p.size());
            assertTrue(seen.add(p.get(0).genome()));
        }
        assertTrue(s.exhausted());
        assertTrue(s.propose(5).isEmpty());
    }

    @Test
    void randomSearchHasNoDuplicatesOnNb201() {
        Strategy s = create("random", Synthetic.NB201, 9, Map.of());
        Set<Genome> seen = new HashSet<>();
        for (Proposal p : s.propose(3000)) {
            assertTrue(seen.add(p.genome()));
        }
        assertEquals(3000, seen.size());
    }

    @Test
    void gridCoversNb201ExactlyOnceInEnumerationOrderThenIsExhausted() {
        Strategy s = create("grid", Synthetic.NB201, 1, Map.of());
        Iterator<Genome> expected = Synthetic.NB201.enumerate();
        int count = 0;
        while (!s.exhausted()) {
            List<Proposal> batch = s.propose(1000);
            for (Proposal p : batch) {
                assertEquals(expected.next(), p.genome());
                assertEquals(12, p.epochs());
                count++;
            }
        }
        assertEquals(15_625, count);
        assertFalse(expected.hasNext());
        assertTrue(s.propose(1).isEmpty());
    }

    @Test
    void shuffledGridIsASeededPermutation() {
        List<Genome> a = all(create("grid", Synthetic.NB201, 5, Map.of("shuffle", true)));
        List<Genome> b = all(create("grid", Synthetic.NB201, 5, Map.of("shuffle", true)));
        List<Genome> c = all(create("grid", Synthetic.NB201, 6, Map.of("shuffle", true)));
        List<Genome> plain = all(create("grid", Synthetic.NB201, 5, Map.of()));
        assertEquals(15_625, a.size());
        assertEquals(a, b);
        assertNotEquals(a, c);
        assertNotEquals(plain, a);
        assertEquals(new HashSet<>(plain), new HashSet<>(a));
    }

    @Test
    void shuffledGridOverAHugeSpacePermutesWithoutMaterialising() {
        // 6 nodes → 15 edges, 5 ops: 5^15 ≈ 3e10 architectures.
        CellSpace big = new CellSpace("big", 6, CellSpace.NB201_OPS, 16, 1, 1);
        Strategy s = create("grid", big, 3, Map.of("shuffle", true));
        Strategy again = create("grid", big, 3, Map.of("shuffle", true));
        List<Proposal> p = s.propose(2000);
        assertEquals(p, again.propose(2000));
        Set<Genome> seen = new HashSet<>();
        for (Proposal q : p) {
            assertTrue(big.isValid(q.genome()));
            assertTrue(seen.add(q.genome()));
        }
        assertFalse(s.exhausted());
        // Not the enumeration order: the first genomes are spread over the space.
        Set<Integer> firstChoices = new HashSet<>();
        for (Proposal q : p.subList(0, 50)) {
            firstChoices.add(q.genome().choice(0));
        }
        assertTrue(firstChoices.size() > 1);
    }

    @Test
    void permutedProductVisitsEveryIndexOnce() {
        // Small enough to check exhaustively, through the permutation path directly.
        GridSearch.PermutedProduct it = new GridSearch.PermutedProduct(TINY, 8, 11);
        List<Genome> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        assertEquals(8, out.size());
        assertEquals(8, new HashSet<>(out).size());
    }

    @Test
    void shufflingAnAstronomicalSpaceIsRejectedWithTheFix() {
        CellSpace huge = new CellSpace("huge", 12, CellSpace.NB201_OPS, 16, 1, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> create("grid", huge, 1, Map.of("shuffle", true)));
        assertTrue(e.getMessage().startsWith("strategy.params.shuffle"), e.getMessage());
        assertTrue(e.getMessage().contains("false"), e.getMessage());
        // Unshuffled enumeration of the same space is fine.
        assertEquals(3, create("grid", huge, 1, Map.of()).propose(3).size());
    }

    private static List<Genome> all(Strategy s) {
        List<Genome> out = new ArrayList<>();
        while (!s.exhausted()) {
            s.propose(4096).forEach(p -> out.add(p.genome()));
        }
        return out;
    }
}
