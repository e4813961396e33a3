package dev.nasflow.strategy;

import dev.nasflow.model.ParamDef;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StrategiesTest {
    private static StrategyContext ctx(Map<String, Object> params) {
        return Synthetic.ctx(Synthetic.NB201, 1, params, 1, 27);
    }

    private static String error(String type, Map<String, Object> params) {
        return assertThrows(IllegalArgumentException.class, () -> Strategies.create(type, ctx(params))).getMessage();
    }

    private static Map<String, Object> defaults(String type) {
        Map<String, Object> m = new HashMap<>();
        for (ParamDef d : Strategies.paramDefs().get(type)) {
            m.put(d.name(), d.defaultValue());
        }
        return m;
    }

    @Test
    void theDocumentedTable() {
        assertEquals(List.of("random", "grid", "rea", "local", "nsga2", "bananas", "asha", "hyperband"),
                List.copyOf(Strategies.paramDefs().keySet()));
        assertEquals(Map.of(), defaults("random"));
        assertEquals(Map.of("shuffle", false), defaults("grid"));
        assertEquals(Map.of("population", 30, "sampleSize", 10), defaults("rea"));
        assertEquals(Map.of("initial", 20, "restart", 1), defaults("local"));
        assertEquals(Map.of("population", 20, "crossoverRate", 0.9, "mutationRate", 1.0), defaults("nsga2"));
        assertEquals(Map.of("initial", 20, "ensemble", 5, "candidates", 100, "acquisition", "its", "parents", 10,
                "batch", 1), defaults("bananas"));
        assertEquals(Map.of("eta", 3.0), defaults("asha"));
        assertEquals(Map.of("eta", 3.0), defaults("hyperband"));
        ParamDef pop = Strategies.paramDefs().get("rea").get(0);
        assertEquals("int", pop.kind());
        assertEquals(2.0, pop.min());
        assertEquals(10_000.0, pop.max());
        ParamDef acq = Strategies.paramDefs().get("bananas").get(3);
        assertEquals(List.of("its", "ucb", "mean"), acq.values());
        assertEquals(2.0, Strategies.paramDefs().get("asha").get(0).min());
        assertEquals(10.0, Strategies.paramDefs().get("hyperband").get(0).max());
        for (List<ParamDef> defs : Strategies.paramDefs().values()) {
            for (ParamDef d : defs) {
                assertTrue(d.doc() != null && !d.doc().isBlank(), d.name());
            }
        }
    }

    @Test
    void createsEveryTypeWithDefaults() {
        Map<String, Class<?>> classes = Map.of("random", RandomSearch.class, "grid", GridSearch.class,
                "rea", RegularizedEvolution.class, "local", LocalSearch.class, "nsga2", Nsga2.class,
                "bananas", Bananas.class, "asha", Asha.class, "hyperband", Hyperband.class);
        for (String type : Strategies.types()) {
            Strategy s = Strategies.create(type, ctx(Map.of()));
            assertInstanceOf(classes.get(type), s);
            assertEquals(type, s.name());
        }
    }

    @Test
    void acceptsJsonShapedNumbers() {
        // Integers may arrive as 10.0 or as longs, numbers as integers.
        Strategies.create("rea", ctx(Map.of("population", 12.0, "sampleSize", 4L)));
        Strategies.create("asha", ctx(Map.of("eta", 4)));
        Strategies.create("nsga2", ctx(Map.of("crossoverRate", 1)));
    }

    @Test
    void unknownTypeNamesTheFieldAndTheChoices() {
        String m = error("evolution", Map.of());
        assertTrue(m.startsWith("strategy.type: unknown strategy 'evolution'"), m);
        assertTrue(m.contains("rea") && m.contains("hyperband"), m);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Strategies.create(null, ctx(Map.of())))
                .getMessage().startsWith("strategy.type"));
    }

    @Test
    void unknownParameterNamesTheFieldAndTheKnownOnes() {
        String m = error("rea", Map.of("populaton", 10));
        assertTrue(m.startsWith("strategy.params.populaton: unknown parameter of strategy 'rea'"), m);
        assertTrue(m.contains("population, sampleSize"), m);
        String none = error("random", Map.of("x", 1));
        assertTrue(none.startsWith("strategy.params.x") && none.contains("takes no parameters"), none);
    }

    @Test
    void wrongKindsAndBoundsNameTheFieldAndTheFix() {
        assertTrue(error("rea", Map.of("population", 1)).startsWith(
                "strategy.params.population: 1 is out of range; use an integer between 2 and 10000"));
        assertTrue(error("rea", Map.of("population", 2.5)).startsWith(
                "strategy.params.population: must be an integer between 2 and 10000, got 2.5"));
        assertTrue(error("rea", Map.of("population", "ten")).contains("got 'ten'"));
        assertTrue(error("asha", Map.of("eta", 1.5)).startsWith(
                "strategy.params.eta: 1.5 is out of range; use a number between 2 and 10"));
        assertTrue(error("nsga2", Map.of("crossoverRate", 1.5)).startsWith("strategy.params.crossoverRate"));
        assertTrue(error("grid", Map.of("shuffle", "yes")).startsWith(
                "strategy.params.shuffle: must be true or false, got 'yes'"));
        assertTrue(error("bananas", Map.of("acquisition", "ei")).startsWith(
                "strategy.params.acquisition: must be one of its, ucb, mean, got 'ei'"));
        assertTrue(error("bananas", Map.of("ensemble", 21)).startsWith("strategy.params.ensemble"));
        assertTrue(error("hyperband", Map.of("eta", Double.NaN)).startsWith("strategy.params.eta"));
    }

    @Test
    void sampleSizeMayNotExceedThePopulation() {
        String m = error("rea", Map.of("population", 5, "sampleSize", 6));
        assertTrue(m.startsWith("strategy.params.sampleSize: 6 exceeds strategy.params.population 5"), m);
    }

    @Test
    void multiFidelityNeedsAValidEpochRange() {
        for (String type : List.of("asha", "hyperband")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Strategies.create(type,
                    Synthetic.ctx(Synthetic.NB201, 1, Map.of(), 10, 5)));
            assertTrue(e.getMessage().contains("minEpochs"), e.getMessage());
        }
    }
}
