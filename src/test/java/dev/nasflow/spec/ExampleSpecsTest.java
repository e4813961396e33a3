package dev.nasflow.spec;

import dev.nasflow.model.Direction;
import dev.nasflow.model.Objective;
import dev.nasflow.model.SearchSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every spec in {@code workflows/} is valid, with and without its defaults. */
class ExampleSpecsTest {
    static Stream<Path> examples() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("workflows"))) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void exampleIsValid(Path file) {
        SpecValidation v = BadSpecCorpusTest.VALIDATOR.validate(file);
        assertTrue(v.ok(), v.report());
        SearchSpec eff = v.effective();
        assertEquals(file.getFileName().toString().replace(".json", ""), eff.name(), "name matches the file");
        for (Object section : List.of(eff.seed(), eff.space(), eff.strategy(), eff.budget(), eff.objectives(),
                eff.constraints(), eff.fidelity(), eff.stopping(), eff.trainer(), eff.taskQueue(), eff.artifacts())) {
            assertNotNull(section);
        }
        assertEquals(eff.trainer().isDjl(), eff.data() != null, "data exactly for djl");
        assertTrue(new SpecValidator().validate(SpecJson.pretty(eff), "defaults").ok(), "defaults stay valid");
    }

    @Test
    void theDocumentedExamplesExist() throws IOException {
        Set<String> names = examples().map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        assertEquals(Set.of("quickstart.json", "nb201-random.json", "nb201-rea.json", "nb201-bananas.json",
                "nb201-nsga2.json", "nb201-asha.json", "chain-fmnist.json", "darts-fmnist.json", "quickstart-djl.json",
                "fmnist-evolution.json", "darts-fmnist-small.json", "nb201-warm-start.json",
                "nb201-nsga2-pareto.json", "nb201-surrogate.json", "nb201-nsga2-pareto-surrogate.json"),
                names);
    }

    @Test
    void quickstartIsASmallPacedReaSearchWithMedianStopping() {
        SearchSpec q = BadSpecCorpusTest.VALIDATOR.validate(Path.of("workflows/quickstart.json")).effective();
        assertEquals("nb201", q.space().type());
        assertEquals("rea", q.strategy().type());
        assertEquals("median", q.stopping().rule());
        assertEquals(30, q.budget().evaluations());
        assertEquals(6, q.budget().populationSize());
        assertTrue(q.trainer().pacingMillisPerEpoch() > 0);
    }

    @Test
    void nsga2HasTwoObjectives() {
        SearchSpec s = BadSpecCorpusTest.VALIDATOR.validate(Path.of("workflows/nb201-nsga2.json")).effective();
        assertEquals(List.of(new Objective("validAccuracy", Direction.MAXIMIZE),
                new Objective("params", Direction.MINIMIZE)), s.objectives());
    }

    @Test
    void surrogateExampleStopsOnThePredictionsWithTheRulesDefaults() {
        SearchSpec s = BadSpecCorpusTest.VALIDATOR.validate(Path.of("workflows/nb201-surrogate.json")).effective();
        assertEquals("surrogate", s.stopping().rule());
        assertEquals(1, s.stopping().gracePeriod());
        assertEquals(Boolean.FALSE, s.stopping().rungs());
        assertEquals(0.9, s.stopping().confidence());
        assertEquals("bananas", s.strategy().type());
    }

    @Test
    void paretoExampleStopsOnTwoObjectives() {
        SearchSpec s = BadSpecCorpusTest.VALIDATOR.validate(Path.of("workflows/nb201-nsga2-pareto.json")).effective();
        assertEquals("pareto", s.stopping().rule());
        assertEquals(0.0, s.stopping().margin());
        assertEquals(0.9, s.stopping().confidence());
        assertEquals(Boolean.TRUE, s.stopping().runningReferences());
        assertEquals(List.of(new Objective("validAccuracy", Direction.MAXIMIZE),
                new Objective("params", Direction.MINIMIZE)), s.objectives());
    }

    @Test
    void paretoSurrogateExampleJudgesByThePredictionsInGenerations() {
        SearchSpec s = BadSpecCorpusTest.VALIDATOR.validate(Path.of("workflows/nb201-nsga2-pareto-surrogate.json"))
                .effective();
        assertEquals("pareto", s.stopping().rule());
        assertEquals("surrogate", s.stopping().estimate());
        assertEquals("generational", s.budget().scheduling());
        assertEquals("nsga2", s.strategy().type());
        assertTrue(s.trainer().pacingMillisPerEpoch() > 0, "paced, so that the predictions come in time");
    }

    @Test
    void workflowInputRoundTripsThroughJackson() throws IOException {
        for (Path p : examples().toList()) {
            SearchSpec s = BadSpecCorpusTest.VALIDATOR.validate(p).orThrow();
            String json = SpecJson.mapper().writeValueAsString(s);
            assertEquals(s, SpecJson.mapper().readValue(json, SearchSpec.class), p.toString());
            assertEquals(Defaults.apply(s), Defaults.apply(SpecJson.mapper().readValue(SpecJson.pretty(Defaults.apply(s)),
                    SearchSpec.class)), p.toString());
        }
    }
}
