package dev.nasflow.spec;

import dev.nasflow.model.TrainerSpec;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code trainer.heartbeatTimeoutSeconds}: optional, bounded, the backend's default when absent. */
class HeartbeatTimeoutSpecTest {
    private static SpecValidation validate(String trainerExtra) {
        return new SpecValidator().validate("""
                {"name": "hb", "space": {"type": "nb201"}, "strategy": {"type": "random"},
                 "budget": {"evaluations": 4},
                 "trainer": {"type": "nb201"%s}}
                """.formatted(trainerExtra), "hb");
    }

    @Test
    void absentMeansTheBackendDefault() {
        SpecValidation v = validate("");
        assertTrue(v.ok(), v.report());
        assertEquals(TrainerSpec.DEFAULT_TABLE_HEARTBEAT_SECONDS, v.effective().trainer().heartbeatSeconds());
        assertEquals(TrainerSpec.DEFAULT_DJL_HEARTBEAT_SECONDS,
                new TrainerSpec("djl", null, null, null, "cpu").heartbeatSeconds());
    }

    @Test
    void givenValueIsKeptThroughDefaults() {
        SpecValidation v = validate(", \"heartbeatTimeoutSeconds\": 7");
        assertTrue(v.ok(), v.report());
        assertEquals(7, v.effective().trainer().heartbeatTimeoutSeconds());
        assertEquals(7, v.effective().trainer().heartbeatSeconds());
        assertEquals(v.effective(), Defaults.apply(v.effective()));
    }

    @Test
    void outOfRangeIsRejectedNamingTheField() {
        for (String bad : new String[]{"1", "0", "3601", "\"ten\""}) {
            SpecValidation v = validate(", \"heartbeatTimeoutSeconds\": " + bad);
            assertFalse(v.ok(), bad);
            assertTrue(v.report().contains("heartbeatTimeoutSeconds"), v.report());
        }
    }
}
