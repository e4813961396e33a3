package dev.nasflow.cli;

import dev.nasflow.testing.Slow;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code nasflow bench stop-latency}: the JSON contract on a small run (no speed is asserted here). */
class BenchStopLatencyCommandTest {
    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    @Slow
    void printsExactlyOneJsonObjectWithThePercentilesAndTheDecisionCount() throws Exception {
        Result r = run("bench", "stop-latency", "--candidates", "8", "--epochs", "8", "--pacing-ms", "150",
                "--grace-period", "2", "--min-trials", "2", "--work-dir", dir.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        String text = r.out().trim();
        assertFalse(text.contains("\n"), "one line, nothing else on stdout: " + text);
        JsonNode root = new ObjectMapper().readTree(text);
        System.out.println("small stop-latency run: " + text);
        assertTrue(root.get("p50Ms").isIntegralNumber() && root.get("p99Ms").isIntegralNumber(), text);
        int decisions = root.get("decisions").asInt();
        assertTrue(decisions >= 1, text);
        assertTrue(root.get("p50Ms").asLong() > 0 && root.get("p50Ms").asLong() <= root.get("p99Ms").asLong(), text);
        assertTrue(root.get("decideP50Ms").asLong() <= root.get("p99Ms").asLong(), text);
        assertEquals(8, root.get("candidates").asInt());
        assertTrue(root.get("stoppedEarly").asInt() >= decisions, text);
    }

    @Test
    void badOptionsAreUsageErrorsNamingTheOption() {
        Result r = run("bench", "stop-latency", "--candidates", "1", "--json");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--candidates"), r.err());
        assertEquals("", r.out());
        Result g = run("bench", "stop-latency", "--grace-period", "12", "--epochs", "12");
        assertEquals(2, g.code());
        assertTrue(g.err().contains("--grace-period"), g.err());
    }
}
