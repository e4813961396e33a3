package dev.nasflow.bench;

import dev.nasflow.nb201.Nb201Table;
import dev.nasflow.stopping.StoppingSimulator;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StoppingBenchTest {
    private static final StoppingBench BENCH = new StoppingBench(Nb201Table.cifar10());

    @Test
    void populationCurvesHitTheTabulatedFigures() {
        List<StoppingSimulator.Candidate> pop = BENCH.population(5, 200, 3);
        assertEquals(5, pop.size());
        Nb201Table t = Nb201Table.cifar10();
        for (StoppingSimulator.Candidate c : pop) {
            int idx = Integer.parseInt(c.archHash());
            assertEquals(t.valid12(idx), c.curve()[11], 1e-9);
            assertEquals(t.valid200(idx), c.curve()[199], 1e-9);
        }
        assertEquals(pop.get(0).archHash(), BENCH.population(5, 200, 3).get(0).archHash(), "seeded");
    }

    @Test
    @SuppressWarnings("unchecked")
    void noneIsTheReferenceAndAshaSavesEpochs() {
        Map<String, Object> r = BENCH.run(new StoppingBench.Config(30, 200, 4, 2, 1, StoppingBench.defaultRules()));
        Map<String, Map<String, Object>> rules = (Map<String, Map<String, Object>>) r.get("rules");
        assertEquals(List.of("none", "asha", "median", "asha12", "medianAvg", "median25"),
                List.copyOf(rules.keySet()));
        Map<String, Object> none = rules.get("none");
        assertEquals(6000.0, none.get("epochsSpentMean"));
        assertEquals(1.0, none.get("fewerEpochsFactor"));
        assertEquals(0.0, none.get("pickGapToNoneMean"));
        Map<String, Object> asha = rules.get("asha");
        assertTrue((Double) asha.get("fewerEpochsFactor") > 2, asha.toString());
        assertTrue(asha.containsKey("equalEpochsNonePickMean"));
        // like compared with like, and a higher bar, both stop more than the lenient default median rule
        double median = (Double) rules.get("median").get("fewerEpochsFactor");
        assertTrue((Double) rules.get("medianAvg").get("fewerEpochsFactor") > median, rules.toString());
        assertTrue((Double) rules.get("median25").get("fewerEpochsFactor") > median, rules.toString());
        assertEquals(Map.of("compare", "average"), rules.get("medianAvg").get("params"));
    }

    @Test
    void configChecks() {
        assertThrows(IllegalArgumentException.class, () -> new StoppingBench.Config(30, 200, 4, 2, 1,
                List.of(new StoppingBench.RuleConfig("asha", "asha", null))));
        assertThrows(IllegalArgumentException.class, () -> new StoppingBench.RuleConfig("x", "asha",
                Map.of("eta", 1)));
        assertThrows(IllegalArgumentException.class, () -> new StoppingBench.Config(30, 201, 4, 2, 1,
                StoppingBench.defaultRules()));
    }
}
