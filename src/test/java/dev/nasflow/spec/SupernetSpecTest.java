package dev.nasflow.spec;

import dev.nasflow.strategy.OneShot;
import dev.nasflow.model.ParamDef;
import dev.nasflow.strategy.Strategies;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one-shot strategy types darts and spos in the spec: vocabulary, defaults, and errors naming field and fix. */
class SupernetSpecTest {
    static String spec(String strategy, String space, String trainer) {
        return """
                {"name": "t", "seed": 1, "space": %s, "strategy": %s, "budget": {"evaluations": 1},
                 "trainer": %s, "data": {"format": "idx", "path": "activities/data/fashion-mnist-small"}}
                """.formatted(space, strategy, trainer);
    }

    static final String DARTS_SPACE = "{\"type\": \"darts\", \"nodes\": 2, \"channels\": 4, \"cellsPerStage\": 1,"
            + " \"stages\": 2}";
    static final String DJL = "{\"type\": \"djl\"}";

    static SpecValidation validate(String json) {
        return new SpecValidator().validate(json, "t");
    }

    static SpecError only(SpecValidation v) {
        assertFalse(v.ok());
        assertEquals(1, v.errors().size(), v.report());
        return v.errors().get(0);
    }

    @Test
    void oneShotTypesAreInTheVocabularyAfterTheStrategies() {
        assertEquals(List.of("darts", "spos"), SpecVocabulary.ONE_SHOT_STRATEGIES);
        assertEquals(SpecVocabulary.STRATEGY_TYPES.subList(0, Strategies.types().size()), Strategies.types());
        assertEquals(SpecVocabulary.ONE_SHOT_STRATEGIES, SpecVocabulary.STRATEGY_TYPES.subList(
                Strategies.types().size(), SpecVocabulary.STRATEGY_TYPES.size()));
        assertEquals(List.copyOf(OneShot.paramDefs().keySet()), SpecVocabulary.ONE_SHOT_STRATEGIES);
        for (List<ParamDef> defs : OneShot.paramDefs().values()) {
            assertTrue(defs.stream().anyMatch(d -> d.name().equals("supernetEpochs")));
            assertTrue(defs.stream().anyMatch(d -> d.name().equals("retrainEpochs")));
        }
    }

    @Test
    void defaultsAreFilledIn() {
        SpecValidation v = validate(spec("{\"type\": \"darts\"}", DARTS_SPACE, DJL));
        assertTrue(v.ok(), v.report());
        Map<String, Object> p = v.effective().strategy().params();
        assertEquals(10, ((Number) p.get("supernetEpochs")).intValue());
        assertEquals(3e-4, ((Number) p.get("alphaLearningRate")).doubleValue(), 1e-12);
        assertEquals(10, ((Number) p.get("retrainEpochs")).intValue());
        SpecValidation s = validate(spec("{\"type\": \"spos\", \"params\": {\"candidates\": 5}}", DARTS_SPACE, DJL));
        assertTrue(s.ok(), s.report());
        assertEquals(5, ((Number) s.effective().strategy().params().get("candidates")).intValue());
        assertEquals(4, ((Number) s.effective().strategy().params().get("calibrationBatches")).intValue());
        assertEquals(Map.of("supernetEpochs", 10, "candidates", 5, "calibrationBatches", 4, "retrainEpochs", 10),
                OneShot.resolve("spos", Map.of("candidates", 5)));
    }

    @Test
    void outOfRangeParameterNamesTheFieldAndTheRange() {
        SpecError e = only(validate(spec("{\"type\": \"darts\", \"params\": {\"supernetEpochs\": 0}}", DARTS_SPACE,
                DJL)));
        assertEquals("/strategy/params/supernetEpochs", e.pointer());
        assertTrue(e.toString().contains("1"), e.toString());
        SpecError lr = only(validate(spec("{\"type\": \"darts\", \"params\": {\"alphaLearningRate\": 5}}",
                DARTS_SPACE, DJL)));
        assertEquals("/strategy/params/alphaLearningRate", lr.pointer());
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
                () -> OneShot.resolve("spos", Map.of("candidates", 0)));
        assertTrue(x.getMessage().startsWith("strategy.params.candidates"), x.getMessage());
    }

    @Test
    void parameterOfTheOtherMethodIsUnknown() {
        SpecError e = only(validate(spec("{\"type\": \"spos\", \"params\": {\"alphaLearningRate\": 0.001}}",
                DARTS_SPACE, DJL)));
        assertEquals("/strategy/params/alphaLearningRate", e.pointer());
        assertTrue(e.toString().contains("candidates"), "lists the known parameters: " + e);
    }

    @Test
    void oneShotNeedsADartsSpaceAndTheDjlTrainer() {
        String chain = "{\"type\": \"chain\", \"layers\": 2, \"ops\": [\"conv\"], \"kernels\": [3], \"widths\": [8],"
                + " \"activations\": [\"relu\"], \"channels\": 8, \"stages\": 1}";
        SpecError space = only(validate(spec("{\"type\": \"darts\"}", chain, DJL)));
        assertEquals("/space/type", space.pointer());
        assertTrue(space.hint().contains("darts"), space.toString());

        String nb201 = """
                {"name": "t", "seed": 1, "space": %s, "strategy": {"type": "spos"}, "budget": {"evaluations": 1},
                 "trainer": {"type": "nb201", "dataset": "cifar10"}}
                """.formatted(DARTS_SPACE);
        SpecValidation v = validate(nb201);
        assertFalse(v.ok());
        assertTrue(v.errors().stream().anyMatch(e -> e.pointer().equals("/trainer/type")
                && e.hint().contains("djl")), v.report());
    }

    @Test
    void unknownStrategyStillListsEveryType() {
        SpecValidation v = validate(spec("{\"type\": \"dart\"}", DARTS_SPACE, DJL));
        assertFalse(v.ok());
        assertTrue(v.report().contains("darts"), v.report());
    }
}
