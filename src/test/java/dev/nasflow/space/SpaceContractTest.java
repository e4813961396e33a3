package dev.nasflow.space;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@link SearchSpace} contract, checked on every space family (presets and small custom configurations). */
class SpaceContractTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<SearchSpace> spaces() {
        return Stream.of(
                Spaces.byId("nb201"),
                Spaces.create(new SpaceSpec("cell", 3, List.of("none", "skip_connect", "sep_conv_3x3"), 8, 1, 2,
                        null, null, null, null, null, null, null, null)),
                Spaces.byId("darts"),
                Spaces.create(new SpaceSpec("darts", 2, List.of("none", "skip_connect", "sep_conv_3x3"), 4, 1, 2,
                        null, null, null, null, null, null, null, null)),
                Spaces.byId("chain"),
                Spaces.create(new SpaceSpec("chain", null, List.of("conv"), 8, null, 1, 3, List.of(3),
                        List.of(8, 16), List.of("relu", "tanh"), false, null, null, null)),
                Spaces.byId("multi-branch"),
                Spaces.create(new SpaceSpec("multi-branch", null, List.of("none", "skip_connect", "nor_conv_3x3"), 8,
                        null, 1, null, null, List.of(8), null, null, 2, 4, List.of("add"))));
    }

    @ParameterizedTest
    @MethodSource("spaces")
    void canonicalParseAndJsonRoundTrip(SearchSpace space) throws Exception {
        Random rng = new Random(11);
        for (int i = 0; i < 300; i++) {
            Genome g = space.random(rng);
            assertTrue(space.isValid(g), () -> space.violations(g).toString());
            String s = space.canonical(g);
            assertEquals(g, space.parse(s), s);
            assertEquals(s, space.canonical(space.parse(s)));
            String json = JSON.writeValueAsString(g);
            Genome back = JSON.readValue(json, Genome.class);
            assertEquals(g, back, json);
            assertEquals(space.id(), back.space());
            assertEquals(s, space.canonical(back));
        }
    }

    @ParameterizedTest
    @MethodSource("spaces")
    void thousandMutationsAreValidAndChangeExactlyOneDecision(SearchSpace space) {
        Random rng = new Random(5);
        Genome g = space.random(rng);
        for (int i = 0; i < 1_000; i++) {
            Genome m = space.mutate(g, rng);
            assertTrue(space.isValid(m), () -> space.violations(m).toString());
            int diff = 0;
            for (int d = 0; d < g.length(); d++) {
                if (g.choice(d) != m.choice(d)) {
                    diff++;
                }
            }
            assertEquals(1, diff, g + " -> " + m);
            g = m;
        }
    }

    @ParameterizedTest
    @MethodSource("spaces")
    void crossoverIsValidAndInheritsEveryChoice(SearchSpace space) {
        Random rng = new Random(9);
        for (int i = 0; i < 300; i++) {
            Genome a = space.random(rng);
            Genome b = space.random(rng);
            Genome c = space.crossover(a, b, rng);
            assertTrue(space.isValid(c), () -> space.violations(c).toString());
            for (int d = 0; d < c.length(); d++) {
                assertTrue(c.choice(d) == a.choice(d) || c.choice(d) == b.choice(d));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("spaces")
    void sameSeedSameAnswers(SearchSpace space) {
        assertEquals(trace(space, 42), trace(space, 42));
        assertNotEquals(trace(space, 42), trace(space, 43));
    }

    private static List<String> trace(SearchSpace space, long seed) {
        Random rng = new Random(seed);
        List<String> out = new ArrayList<>();
        Genome g = space.random(rng);
        for (int i = 0; i < 50; i++) {
            Genome m = space.mutate(g, rng);
            Genome c = space.crossover(g, space.random(rng), rng);
            out.add(space.canonical(g) + " " + space.canonical(m) + " " + space.canonical(c));
            g = m;
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("spaces")
    void encodingsHaveFixedLengthAndOneBitPerDecision(SearchSpace space) {
        int expected = space.decisions().stream().mapToInt(Decision::size).sum();
        Random rng = new Random(3);
        int pathLength = -1;
        for (int i = 0; i < 50; i++) {
            Genome g = space.random(rng);
            double[] oh = space.oneHot(g);
            assertEquals(expected, oh.length);
            assertEquals(space.decisions().size(), (int) java.util.Arrays.stream(oh).sum());
            double[] path = space.pathEncoding(g);
            if (pathLength < 0) {
                pathLength = path.length;
            }
            assertEquals(pathLength, path.length);
            if (!(space instanceof CellSpace)) {
                assertArrayEquals(oh, path, "spaces without a path encoding fall back to one-hot");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("spaces")
    void hashIsStableHexAndSeparatesArchitectures(SearchSpace space) {
        Random rng = new Random(17);
        Set<String> canon = new HashSet<>();
        Set<String> hashes = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            Genome g = space.random(rng);
            String h = space.hash(g);
            assertTrue(h.matches("[0-9a-f]{16}"), h);
            assertEquals(h, space.hash(space.parse(space.canonical(g))));
            canon.add(space.canonical(g));
            hashes.add(h);
        }
        assertEquals(canon.size(), hashes.size());
    }

    @ParameterizedTest
    @MethodSource("spaces")
    void costIsPositiveAndDeterministic(SearchSpace space) {
        Random rng = new Random(1);
        for (int i = 0; i < 20; i++) {
            Genome g = space.random(rng);
            Cost c = space.cost(g, InputShape.CIFAR10);
            assertTrue(c.params() > 0 && c.flops() > 0, c.toString());
            assertEquals(c, space.cost(g, InputShape.CIFAR10));
            Cost f = space.cost(g, InputShape.FASHION_MNIST);
            assertTrue(f.flops() < c.flops(), "28x28x1 input costs fewer FLOPs than 32x32x3");
        }
    }

    @ParameterizedTest
    @MethodSource("spaces")
    void foreignOrMalformedGenomesAreReported(SearchSpace space) {
        Genome g = space.random(new Random(2));
        assertFalse(space.isValid(new Genome("other", g.choices())));
        assertFalse(space.isValid(new Genome(space.id(), new int[g.length() + 1])));
        int[] c = g.choices();
        c[0] = space.decisions().get(0).size();
        List<String> v = space.violations(new Genome(space.id(), c));
        assertEquals(1, v.size());
        assertTrue(v.get(0).contains(space.decisions().get(0).name()), v.get(0));
    }

    @ParameterizedTest
    @MethodSource("spaces")
    void spaceIsRebuiltFromItsId(SearchSpace space) {
        SearchSpace again = Spaces.byId(space.id());
        assertEquals(space.id(), again.id());
        assertEquals(space.decisions(), again.decisions());
        assertEquals(space.size(), again.size());
    }
}
