package dev.nasflow.spec;

import dev.nasflow.space.SpaceSpec;
import dev.nasflow.space.Cost;
import dev.nasflow.space.InputShape;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DefaultSpaceFactsTest {
    final DefaultSpaceFacts facts = new DefaultSpaceFacts();

    static SpaceSpec cell(Integer nodes, List<String> ops) {
        return new SpaceSpec("cell", nodes, ops, null, null, null, null, null, null, null, null, null, null, null);
    }

    @Test
    void sizesComeFromTheSpaces() {
        assertEquals(Optional.of(BigInteger.valueOf(15_625)), facts.size(SpaceSpec.nb201()));
        assertEquals(Optional.of(BigInteger.valueOf(15_625)), facts.size(cell(null, null)));
        assertEquals(Optional.of(BigInteger.valueOf(5).pow(15)), facts.size(cell(6, null)));
        assertEquals(Optional.of(BigInteger.valueOf(2).pow(3)), facts.size(cell(3, List.of("none", "skip_connect"))));
        SpaceSpec darts = new SpaceSpec("darts", null, null, null, null, null, null, null, null, null, null, null,
                null, null);
        assertTrue(facts.size(darts).orElseThrow().compareTo(BigInteger.TEN.pow(18)) > 0);
    }

    @Test
    void invalidSpacesAreUnknown() {
        assertTrue(facts.size(cell(40, null)).isEmpty());
        assertTrue(facts.minCost(cell(40, null), InputShape.CIFAR10).isEmpty());
    }

    @Test
    void cheapestNb201NetworkIsTheAllNoneCell() {
        // docs/SPACES.md: the all-'none' NB201 cell network has 73,306 params and 7,783,040 FLOPs on CIFAR-10
        assertEquals(Optional.of(new Cost(73_306, 7_783_040)), facts.minCost(SpaceSpec.nb201(), InputShape.CIFAR10));
        assertTrue(facts.minCost(cell(6, null), InputShape.CIFAR10).isEmpty(), "too large to enumerate exactly");
    }
}
