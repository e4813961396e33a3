package dev.nasflow.stopping;

import dev.nasflow.model.ParamDef;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StoppingRulesTest {
    @Test
    void createsEveryRuleWithDefaults() {
        assertEquals("median(gracePeriod=4, minTrials=3, completedOnly=false, percentile=50, compare=best)",
                StoppingRules.create("median", null).toString());
        assertEquals("asha(minEpochs=1, eta=3, minTrials=3)", StoppingRules.create("asha", Map.of()).toString());
        assertEquals("curve(gracePeriod=4, minTrials=1, threshold=0.95)",
                StoppingRules.create("curve", Map.of()).toString());
        assertEquals("surrogate(gracePeriod=1, minTrials=1, threshold=1.0, confidence=0.9, no rungs, "
                + "runningReferences, coldRungs=10)",
                StoppingRules.create("surrogate", Map.of(), h -> Optional.empty()).toString());
        assertSame(NoStopping.INSTANCE, StoppingRules.create("none", Map.of()));
        assertEquals("asha", StoppingRules.create(" ASHA ", Map.of()).name());
    }

    @Test
    void takesParametersAsJsonWouldGiveThem() {
        StoppingRule r = StoppingRules.create("asha", Map.of("eta", 2, "minEpochs", 3L, "minTrials", 5.0));
        assertEquals("asha(minEpochs=3, eta=2, minTrials=5)", r.toString());
        assertInstanceOf(MedianStoppingRule.class, StoppingRules.create("median",
                Map.of("gracePeriod", "2", "completedOnly", "true")));
        assertEquals("curve(gracePeriod=4, minTrials=1, threshold=0.9)",
                StoppingRules.create("curve", Map.of("threshold", 0.9)).toString());
        assertEquals("median(gracePeriod=4, minTrials=3, completedOnly=false, percentile=25, compare=average)",
                StoppingRules.create("median", Map.of("percentile", 25, "compare", " Average ")).toString());
    }

    @Test
    void badInputNamesTheField() {
        assertMessage("stopping.rule: unknown rule 'hyperband'; use one of median, asha, curve, surrogate, pareto, none",
                () -> StoppingRules.create("hyperband", Map.of()));
        assertMessage("stopping.rule: missing", () -> StoppingRules.create(null, Map.of()));
        assertMessage("stopping.eta: not a parameter of rule 'median' (its parameters: gracePeriod, minTrials, "
                + "completedOnly, percentile, compare)", () -> StoppingRules.create("median", Map.of("eta", 3)));
        assertMessage("stopping.grace: not a parameter", () -> StoppingRules.create("curve", Map.of("grace", 3)));
        assertMessage("stopping.eta: must be between 2 and 100, got 1",
                () -> StoppingRules.create("asha", Map.of("eta", 1)));
        assertMessage("stopping.gracePeriod: must be an integer, got 2.5",
                () -> StoppingRules.create("median", Map.of("gracePeriod", 2.5)));
        assertMessage("stopping.threshold: must be between 0.01 and 1.0, got 1.5",
                () -> StoppingRules.create("curve", Map.of("threshold", 1.5)));
        assertMessage("stopping.completedOnly: must be true or false",
                () -> StoppingRules.create("median", Map.of("completedOnly", 1)));
        assertMessage("stopping.minTrials: must be a number, got 'many'",
                () -> StoppingRules.create("asha", Map.of("minTrials", "many")));
        assertMessage("stopping.rule: surrogate needs a PredictionSource",
                () -> StoppingRules.create("surrogate", Map.of()));
        assertMessage("stopping.gracePeriod: not a parameter of rule 'none' (its parameters: none)",
                () -> StoppingRules.create("none", Map.of("gracePeriod", 1)));
        assertMessage("stopping.threshold: must be between", () -> StoppingRules.validate("surrogate",
                Map.of("threshold", 0)));
        StoppingRules.validate("surrogate", Map.of("threshold", 0.9));   // no source needed to validate
        assertMessage("stopping.percentile: must be between 0.0 and 100.0, got 150",
                () -> StoppingRules.create("median", Map.of("percentile", 150)));
        assertMessage("stopping.compare: must be one of best, average, got 'last'",
                () -> StoppingRules.create("median", Map.of("compare", "last")));
        assertMessage("stopping.compare: must be one of best, average, got 1",
                () -> StoppingRules.validate("median", Map.of("compare", 1)));
        assertMessage("stopping.percentile: not a parameter of rule 'asha'",
                () -> StoppingRules.validate("asha", Map.of("percentile", 25)));
    }

    @Test
    void documentsParameters() {
        assertEquals(5, StoppingRules.params("median").size());
        ParamDef eta = StoppingRules.params("asha").get(1);
        assertEquals("eta", eta.name());
        assertEquals(3, eta.defaultValue());
        assertTrue(StoppingRules.params("none").isEmpty());
        assertTrue(StoppingRules.describeDefaults().startsWith("median(gracePeriod=4, minTrials=3"));
    }

    private static void assertMessage(String prefix, org.junit.jupiter.api.function.Executable ex) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, ex);
        assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
    }
}
