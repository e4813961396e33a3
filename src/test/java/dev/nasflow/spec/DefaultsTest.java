package dev.nasflow.spec;

import dev.nasflow.model.BudgetSpec;
import dev.nasflow.model.DataSpec;
import dev.nasflow.model.Direction;
import dev.nasflow.model.FidelitySpec;
import dev.nasflow.model.Objective;
import dev.nasflow.model.SearchSpec;
import dev.nasflow.space.SpaceSpec;
import dev.nasflow.model.StoppingSpec;
import dev.nasflow.model.StrategySpec;
import dev.nasflow.model.TrainerSpec;
import dev.nasflow.space.InputShape;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DefaultsTest {
    static SearchSpec minimal(SpaceSpec space, StrategySpec strategy) {
        return new SearchSpec("t", null, space, strategy, new BudgetSpec(10, null, null, null, null, null), null,
                null, null, null, null, null, null, null);
    }

    @Test
    void nb201MinimalSpecGetsEveryDefault() {
        SearchSpec s = Defaults.apply(minimal(SpaceSpec.nb201(), new StrategySpec("random", null)));
        assertEquals(0L, s.seed());
        assertEquals(List.of(new Objective("validAccuracy", Direction.MAXIMIZE)), s.objectives());
        assertEquals(List.of(), s.constraints());
        assertEquals(new BudgetSpec(10, null, null, null, 10, 10, BudgetSpec.ASYNC), s.budget());
        assertEquals(new FidelitySpec(12, 12, 1.0, 1.0, 32), s.fidelity());
        assertEquals(StoppingSpec.none(), s.stopping());
        assertEquals(new TrainerSpec("nb201", "cifar10", 0, null, null), s.trainer());
        assertNull(s.data());
        assertEquals("nasflow", s.taskQueue());
        assertEquals("artifacts", s.artifacts());
        assertEquals(Map.of(), s.strategy().params());
        assertEquals(s, Defaults.apply(s), "idempotent");
    }

    @Test
    void djlDefaultsForOtherSpaces() {
        SearchSpec written = new SearchSpec("t", 5L, new SpaceSpec("chain", null, null, null, null, null, 4, null,
                null, null, null, null, null, null), new StrategySpec("rea", Map.of("population", 20)),
                new BudgetSpec(null, null, 3600.0, null, 4, null), null, null, null, null, null,
                new DataSpec("idx", "/usr/share/datasets/fashion-mnist", null, null), null, null);
        SearchSpec s = Defaults.apply(written);
        assertEquals(new TrainerSpec("djl", null, null, null, "auto"), s.trainer());
        assertEquals(new DataSpec("idx", "/usr/share/datasets/fashion-mnist", 0.1, 1.0), s.data());
        assertEquals(new FidelitySpec(10, 10, 1.0, 1.0, 28), s.fidelity());
        assertEquals(4, s.budget().maxConcurrent());
        assertEquals(Map.of("population", 20, "sampleSize", 10), s.strategy().params());
        assertEquals(new InputShape(1, 28, 28, 10), Defaults.inputShape(s).orElseThrow());
    }

    @Test
    void multiFidelityStartsAtOneEpoch() {
        SearchSpec s = Defaults.apply(minimal(SpaceSpec.nb201(), new StrategySpec("hyperband", null)));
        assertEquals(1, s.fidelity().minEpochs());
        assertEquals(3.0, s.strategy().params().get("eta"));
        assertTrue(Defaults.multiFidelity(s));
    }

    @Test
    void stoppingRulesGetOnlyTheirOwnFieldsWithTheStoppingPackageDefaults() {
        assertEquals(new StoppingSpec("median", 4, 3, null, null, "validAccuracy", null, false, 50.0,
                "best"), stop("median"));
        assertEquals(new StoppingSpec("asha", null, 3, 3, null, "validAccuracy", 1, null), stop("asha"));
        assertEquals(new StoppingSpec("curve", 4, 1, null, 0.95, "validAccuracy", null, null), stop("curve"));
        assertEquals(new StoppingSpec("surrogate", 1, 1, 3, 1.0, "validAccuracy", null, null, 100.0, null, null, 0.9,
                true, false, null, null, 10),
                stop("surrogate"));
        assertEquals(StoppingSpec.none(), stop("none"));
        for (String rule : SpecVocabulary.STOPPING_RULES) {
            Map<String, Object> expected = new java.util.LinkedHashMap<>();
            dev.nasflow.stopping.StoppingRules.params(rule).forEach(d -> expected.put(d.name(), d.defaultValue()));
            assertEquals(expected, stop(rule).params(), rule);
        }
    }

    private static StoppingSpec stop(String rule) {
        SearchSpec w = minimal(SpaceSpec.nb201(), new StrategySpec("random", null));
        return Defaults.apply(new SearchSpec(w.name(), w.seed(), w.space(), w.strategy(), w.budget(), null, null, null,
                new StoppingSpec(rule, null, null, null, null, null, null, null), null, null, null, null)).stopping();
    }

    @Test
    void toleratesMissingSections() {
        SearchSpec s = Defaults.apply(
                new SearchSpec(null, null, null, null, null, null, null, null, null, null, null, null, null));
        assertNotNull(s.budget());
        assertNotNull(s.fidelity());
        assertEquals("nb201", s.trainer().type());
    }

    @Test
    void imageFoldersHaveNoNominalInput() {
        SearchSpec s = Defaults.apply(new SearchSpec("t", null, new SpaceSpec("chain", null, null, null, null, null, null, null,
                null, null, null, null, null, null), new StrategySpec("random", null),
                new BudgetSpec(1, null, null, null, null, null), null, null, null, null, null,
                new DataSpec("image-folder", "data/flowers", null, null), null, null));
        assertTrue(Defaults.inputShape(s).isEmpty());
        assertEquals(32, s.fidelity().resolution());
    }
}
