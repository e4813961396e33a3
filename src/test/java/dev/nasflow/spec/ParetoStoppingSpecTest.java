package dev.nasflow.spec;

import dev.nasflow.model.SearchSpec;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The validator's errors for the multi-objective stopping rule name the field and the fix. */
class ParetoStoppingSpecTest {
    static SpecValidation validate(Consumer<ObjectNode> edit) throws Exception {
        ObjectNode s = (ObjectNode) SpecJson.mapper().readTree(Path.of("workflows/nb201-nsga2-pareto.json").toFile());
        edit.accept(s);
        return new SpecValidator().validate(SpecJson.pretty(s), "test");
    }

    static SpecError only(SpecValidation v) {
        assertFalse(v.ok(), "expected an error");
        assertEquals(1, v.errors().size(), v.report());
        return v.errors().get(0);
    }

    @Test
    void theExampleIsValid() throws Exception {
        assertTrue(validate(s -> { }).ok());
    }

    @Test
    void oneObjectiveIsAnErrorAtTheRule() throws Exception {
        SpecError e = only(validate(s -> s.withArray("objectives").remove(1)));
        assertEquals("/stopping/rule", e.pointer());
        assertTrue(e.message().contains("add a cost objective (params, flops or latencyMs)"), e.message());
    }

    @Test
    void anObjectiveKnownOnlyAfterTrainingIsAnErrorAtTheObjectives() throws Exception {
        SpecError e = only(validate(s -> s.withArray("objectives").addObject().put("metric", "testAccuracy")
                .put("direction", "maximize")));
        assertEquals("/objectives", e.pointer());
        assertTrue(e.message().contains("'testAccuracy' is only known when training ends"), e.message());
    }

    @Test
    void aWatchedMetricThatIsNoObjectiveIsAnErrorAtTheMetric() throws Exception {
        SpecError e = only(validate(s -> ((ObjectNode) s.get("stopping")).put("metric", "trainAccuracy")));
        assertEquals("/stopping/metric", e.pointer());
        assertTrue(e.message().contains("'trainAccuracy' is not one of the objectives"), e.message());
    }

    @Test
    void marginIsBoundedAndBelongsToPareto() throws Exception {
        assertEquals("/stopping/margin", only(validate(s -> ((ObjectNode) s.get("stopping")).put("margin", 0.7)))
                .pointer());
        SpecError e = only(validate(s -> s.putObject("stopping").put("rule", "median").put("margin", 0.1)));
        assertEquals("/stopping/margin", e.pointer());
    }

    @Test
    void confidenceIsBoundedAndBelongsToPareto() throws Exception {
        SpecError e = only(validate(s -> ((ObjectNode) s.get("stopping")).put("confidence", 0.3)));
        assertEquals("/stopping/confidence", e.pointer());
        e = only(validate(s -> ((ObjectNode) s.get("stopping")).put("confidence", 1.5)));
        assertEquals("/stopping/confidence", e.pointer());
        e = only(validate(s -> s.putObject("stopping").put("rule", "curve").put("confidence", 0.9)));
        assertEquals("/stopping/confidence", e.pointer());
        assertTrue(e.message().contains("confidence"), e.message());
    }

    @Test
    void runningReferencesIsABooleanOfPareto() throws Exception {
        assertTrue(validate(s -> ((ObjectNode) s.get("stopping")).put("runningReferences", false)).ok());
        assertEquals("/stopping/runningReferences", only(validate(s -> ((ObjectNode) s.get("stopping"))
                .put("runningReferences", "yes"))).pointer());
        assertEquals("/stopping/runningReferences", only(validate(s -> s.putObject("stopping").put("rule", "median")
                .put("runningReferences", true))).pointer());
    }

    @Test
    void minRankTauIsBoundedAndBelongsToPareto() throws Exception {
        assertTrue(validate(s -> ((ObjectNode) s.get("stopping")).put("minRankTau", 0)).ok());
        assertTrue(validate(s -> ((ObjectNode) s.get("stopping")).put("minRankTau", 0.5)).ok());
        assertEquals("/stopping/minRankTau", only(validate(s -> ((ObjectNode) s.get("stopping"))
                .put("minRankTau", 1.5))).pointer());
        assertEquals("/stopping/minRankTau", only(validate(s -> ((ObjectNode) s.get("stopping"))
                .put("minRankTau", -0.1))).pointer());
        SpecError e = only(validate(s -> s.putObject("stopping").put("rule", "median").put("minRankTau", 0.3)));
        assertEquals("/stopping/minRankTau", e.pointer());
        assertTrue(e.message().contains("minRankTau"), e.message());
    }

    @Test
    void theDefaultsAreTheDocumentedOnes() throws Exception {
        SearchSpec s = validate(s2 -> s2.putObject("stopping").put("rule", "pareto")).effective();
        assertEquals(0.0, s.stopping().margin());
        assertEquals(0.9, s.stopping().confidence());
        assertEquals(Boolean.TRUE, s.stopping().runningReferences());
        assertEquals(3, s.stopping().gracePeriod());
        assertEquals(5, s.stopping().minTrials());
        assertEquals(0.3, s.stopping().minRankTau());
    }
}
