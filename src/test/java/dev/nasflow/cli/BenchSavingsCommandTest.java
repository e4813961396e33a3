package dev.nasflow.cli;

import dev.nasflow.testing.Slow;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code nasflow bench savings}: the JSON contract on a small run on the running stack (no speed asserted here). */
class BenchSavingsCommandTest {
    @TempDir
    Path dir;

    @Test
    @Slow
    void printsOneJsonObjectWithARowPerRuleAndModeAndTheSavings() throws Exception {
        BenchStopLatencyCommandTest.Result r = BenchStopLatencyCommandTest.run("bench", "savings", "--candidates",
                "10", "--slots", "3", "--population", "3", "--epochs", "6", "--pacing-ms", "15", "--rules",
                "none,asha", "--modes", "async,generational", "--seeds", "1", "--work-dir", dir.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        String text = r.out().trim();
        assertFalse(text.contains("\n"), "one line on stdout: " + text);
        JsonNode root = new ObjectMapper().readTree(text);
        System.out.println("small savings run: " + text);
        assertEquals(4, root.get("rows").size(), text);
        for (JsonNode row : root.get("rows")) {
            assertEquals(1, row.get("runs").asInt(), text);
            assertTrue(row.get("wallSeconds").asDouble() > 0, text);
            double util = row.get("utilization").asDouble();
            assertTrue(util > 0 && util <= 1.05, "utilization is busy slot-seconds over slots x wall: " + text);
            assertTrue(row.get("pickTest200").asDouble() > 40, text);
            if (row.get("rule").asText().equals("none")) {
                assertEquals(60.0, row.get("epochs").asDouble(), 1e-9, "10 candidates x 6 epochs: " + text);
                assertEquals(1.0, row.get("epochSaving").asDouble(), 1e-9);
            } else {
                assertTrue(row.get("epochs").asDouble() < 60, "asha trains fewer epochs: " + text);
            }
        }
    }

    @Test
    void badOptionsAreUsageErrorsNamingTheOption() {
        BenchStopLatencyCommandTest.Result r = BenchStopLatencyCommandTest.run("bench", "savings", "--rules",
                "asha,none");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--rules"), r.err());
        BenchStopLatencyCommandTest.Result m = BenchStopLatencyCommandTest.run("bench", "savings", "--modes", "sync");
        assertEquals(2, m.code());
        assertTrue(m.err().contains("--modes"), m.err());
        BenchStopLatencyCommandTest.Result u = BenchStopLatencyCommandTest.run("bench", "savings", "--rules", "nope");
        assertEquals(2, u.code());
        assertTrue(u.err().contains("unknown rule 'nope'"), u.err());
    }
}
