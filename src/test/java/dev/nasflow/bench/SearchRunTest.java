package dev.nasflow.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nasflow.spec.SpecValidation;
import dev.nasflow.spec.SpecValidator;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SearchRunTest {
    @Test
    void noWorkSpecIsValid() {
        ObjectNode s = SearchRun.spec("overhead-inprocess-x1", 1000, 50, 50, 1, 0, 7, "nasflow");
        SpecValidation v = new SpecValidator().validate(s.toString(), "bench spec");
        assertTrue(v.ok(), v::report);
        assertEquals(1, v.effective().fidelity().epochs());
        assertEquals(0, v.effective().trainer().pacingMillisPerEpoch());
        assertEquals(1000, v.effective().budget().evaluations());
        assertEquals("none", v.effective().stopping().rule());
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> SearchRun.spec("x", 0, 1, 1, 1, 0, 1, "q"));
        assertThrows(IllegalArgumentException.class, () -> SearchRun.spec("x", 1, 1, 1, 1, -1, 1, "q"));
    }

    @Test
    void measurementRates() {
        SearchRun.Measurement m = new SearchRun.Measurement(500, 10, 2.0, 1700, 0);
        assertEquals(250, m.candidatesPerSecond(), 1e-9);
        assertEquals(0.004, m.secondsPerCandidate(), 1e-12);
        assertEquals(0.2, m.secondsPerGeneration(), 1e-12);
        assertEquals(4.0, m.toJson().get("msPerCandidate"));
    }
}
