package dev.nasflow.strategy;

import dev.nasflow.carried.StrategyReplay;
import dev.nasflow.model.SearchSpec;
import dev.nasflow.space.SearchSpace;
import dev.nasflow.space.Spaces;
import dev.nasflow.spec.SpecValidation;
import dev.nasflow.spec.SpecValidator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Adding a strategy touches one new file ({@link ToyStrategy}) and one registration line (below): the spec validator
 * then accepts it with its parameters (the JSON Schema included), the defaults apply, and it proposes through the
 * path the search workflow uses ({@link StrategyReplay}, {@link Strategies#create}).
 */
class ToyStrategyTest {
    private static Strategies.Registration registration;

    @BeforeAll
    static void register() {
        registration = Strategies.register(ToyStrategy.DESCRIPTOR); // the registration line
    }

    @AfterAll
    static void unregister() {
        registration.close();
        assertFalse(Strategies.types().contains("toy"), "closing the registration removes it again");
    }

    static String spec(String params) {
        return "{\"name\": \"toy-search\", \"seed\": 3, \"space\": {\"type\": \"nb201\"}, \"strategy\": {\"type\":"
                + " \"toy\"" + (params == null ? "" : ", \"params\": " + params) + "}, \"budget\": {\"evaluations\": 8}}";
    }

    static SpecValidation validate(String json) {
        return new SpecValidator().validate(json, "toy");
    }

    @Test
    void theValidatorAcceptsItAndAppliesItsDefaults() {
        SpecValidation v = validate(spec("{\"high\": 3}"));
        assertTrue(v.ok(), v.report());
        assertEquals(Map.of("low", 1, "high", 3, "loud", false), v.effective().strategy().params());
        assertTrue(validate(spec(null)).ok());
        assertEquals(Map.of("low", 1, "high", 5, "loud", false), validate(spec(null)).effective().strategy().params());
    }

    @Test
    void theValidatorChecksItsParametersAndTheirRule() {
        SpecValidation range = validate(spec("{\"high\": 300}"));
        assertEquals(List.of("/strategy/params/high"), range.errors().stream().map(e -> e.pointer()).toList(),
                range.report());
        SpecValidation unknown = validate(spec("{\"hihg\": 3}"));
        assertEquals("/strategy/params/hihg", unknown.errors().get(0).pointer(), unknown.report());
        assertTrue(unknown.report().contains("did you mean 'high'"), unknown.report());
        SpecValidation kind = validate(spec("{\"loud\": \"yes\"}"));
        assertEquals("/strategy/params/loud", kind.errors().get(0).pointer(), kind.report());
        SpecValidation rule = validate(spec("{\"low\": 4, \"high\": 2}"));
        assertEquals(1, rule.errors().size(), rule.report());
        assertEquals("/strategy/params/low", rule.errors().get(0).pointer());
        assertEquals("low (4) is above high (2)", rule.errors().get(0).message());
        SpecValidation defaulted = validate(spec("{\"low\": 9}"));
        assertEquals("/strategy/params/low", defaulted.errors().get(0).pointer(), defaulted.report());
    }

    @Test
    void itProposesThroughTheWorkflowsPath() {
        SearchSpec spec = validate(spec("{\"low\": 2}")).effective();
        SearchSpace space = Spaces.create(spec.space());
        Strategy s = StrategyReplay.rebuild(spec, space, List.of());
        ToyStrategy toy = assertInstanceOf(ToyStrategy.class, s);
        assertEquals(2, toy.low);
        assertEquals(5, toy.high);
        List<Proposal> first = s.propose(3);
        assertEquals(3, first.size());
        assertEquals(spec.fidelity().epochs(), first.get(0).epochs());
        List<Proposal> again = Strategies.create("toy", StrategyReplay.context(spec, space)).propose(3);
        assertEquals(first, again, "seeded: the same proposals on replay");
        assertFalse(StrategyReplay.usesProposeActivity(spec));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Strategies.create("toy",
                new StrategyContext(space, spec.objectives(), 1L, Map.of("low", 7, "high", 6), 12, 12)));
        assertEquals("strategy.params.low: low (7) is above high (6); make low <= high", e.getMessage());
    }

    @Test
    void registrationIsExplicitAndSafe() {
        assertTrue(Strategies.types().contains("toy"));
        assertFalse(Strategies.builtIn().contains(ToyStrategy.DESCRIPTOR), "built-ins are what the files list");
        assertThrows(IllegalArgumentException.class, () -> Strategies.register(ToyStrategy.DESCRIPTOR));
        assertThrows(IllegalArgumentException.class, () -> Strategies.register(RegularizedEvolution.DESCRIPTOR));
        assertThrows(IllegalArgumentException.class, () -> Strategies.register(StrategyDescriptor.oneShot("shot")));
    }
}
