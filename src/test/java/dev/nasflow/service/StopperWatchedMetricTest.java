package dev.nasflow.service;

import dev.nasflow.model.Direction;
import dev.nasflow.model.Objective;
import dev.nasflow.model.SearchSpec;
import dev.nasflow.spec.SpecValidation;
import dev.nasflow.spec.SpecValidator;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The stopper watches {@code stopping.metric}, not the primary objective (which may be a cost no epoch reports). */
class StopperWatchedMetricTest {
    static SearchSpec spec(String objectives, String stopping) {
        String json = """
                {"name": "w", "space": {"type": "nb201"}, "strategy": {"type": "random"},
                 "budget": {"evaluations": 10, "populationSize": 5},
                 "objectives": %s, "fidelity": {"epochs": 12}, "stopping": %s,
                 "trainer": {"type": "nb201"}}""".formatted(objectives, stopping);
        SpecValidation v = new SpecValidator().validate(json, "test");
        assertTrue(v.ok(), v.report());
        return v.effective();
    }

    @Test
    void watchesTheStoppingMetricWithTheObjectivesDirection() {
        SearchSpec s = spec("[{\"metric\": \"params\", \"direction\": \"minimize\"},"
                + " {\"metric\": \"validAccuracy\", \"direction\": \"maximize\"}]", "{\"rule\": \"median\"}");
        assertEquals(new Objective("validAccuracy", Direction.MAXIMIZE), StopperService.watched(s));
    }

    @Test
    void primaryObjectiveWhenItIsTheStoppingMetric() {
        SearchSpec s = spec("[{\"metric\": \"validAccuracy\", \"direction\": \"maximize\"}]",
                "{\"rule\": \"asha\", \"metric\": \"validAccuracy\"}");
        assertEquals(new Objective("validAccuracy", Direction.MAXIMIZE), StopperService.watched(s));
    }
}
