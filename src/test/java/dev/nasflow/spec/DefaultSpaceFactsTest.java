package dev.nasflow.spec;

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
    void cellSpaceSizes() {
        assertEquals(Optional.of(BigInteger.valueOf(15_625)), facts.size(SpaceSpec.nb201()));
        assertEquals(Optional.of(BigInteger.valueOf(15_625)), facts.size(cell(null, null)));
        assertEquals(Optional.of(BigInteger.valueOf(5).pow(28)), facts.size(cell(8, null)));
        assertEquals(Optional.of(BigInteger.valueOf(2).pow(3)), facts.size(cell(3, List.of("none", "skip_connect"))));
    }

    @Test
    void otherFamiliesAreUnknown() {
        SpaceSpec darts = new SpaceSpec("darts", 4, null, null, null, null, null, null, null, null, null, null, null,
                null);
        assertTrue(facts.size(darts).isEmpty());
        assertTrue(facts.minCost(darts, InputShape.CIFAR10).isEmpty());
    }

    @Test
    void cheapestNetworkIsPositiveWhenTheCostModelIsThere() {
        facts.minCost(SpaceSpec.nb201(), InputShape.CIFAR10).ifPresent(c -> {
            assertTrue(c.params() > 0 && c.flops() > 0, c.toString());
            assertEquals(Optional.of(c), facts.minCost(SpaceSpec.nb201(), InputShape.CIFAR10), "cached");
        });
        assertTrue(facts.minCost(cell(8, null), InputShape.CIFAR10).isEmpty(), "too large to enumerate");
    }
}
