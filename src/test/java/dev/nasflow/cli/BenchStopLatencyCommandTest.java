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
        assertEquals("median", root.get("rule").asText(), text);
        assertFalse(root.has("predictions"), "no surrogate in the stack: " + text);
        assertTrue(root.get("stoppedEarly").asInt() >= decisions, text);
    }

    @Test
    @Slow
    void withTheSurrogateRuleItAlsoMeasuresMetricToPredictionOnTheStack() throws Exception {
        Result r = run("bench", "stop-latency", "--rule", "surrogate", "--candidates", "8", "--evaluations", "24",
                "--epochs", "6", "--pacing-ms", "100", "--work-dir", dir.toString(), "--json");
        String text = r.out().trim();
        System.out.println("small stop-latency run, rule surrogate: " + text);
        assertFalse(text.contains("\n"), "one line, nothing else on stdout: " + text);
        JsonNode root = new ObjectMapper().readTree(text);
        assertEquals("surrogate", root.get("rule").asText(), text);
        assertEquals(24, root.get("candidates").asInt(), "every candidate ran: " + text);
        // the first 8 finish before the service can predict (it learns from finished candidates); later ones are
        // predicted after every epoch from the grace period on
        assertTrue(root.get("predictions").asInt() >= 8, text);
        assertTrue(root.get("predictionP50Ms").asLong() >= 0
                && root.get("predictionP50Ms").asLong() <= root.get("predictionP99Ms").asLong()
                && root.get("predictionP99Ms").asLong() <= root.get("predictionMaxMs").asLong(), text);
        assertTrue(r.code() == 0 || root.get("decisions").asInt() == 0, "exit 0 unless no decision: " + r.err());
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
        Result rule = run("bench", "stop-latency", "--rule", "asha");
        assertEquals(2, rule.code());
        assertTrue(rule.err().contains("--rule must be median or surrogate, got 'asha'"), rule.err());
        Result ev = run("bench", "stop-latency", "--candidates", "8", "--evaluations", "4");
        assertEquals(2, ev.code());
        assertTrue(ev.err().contains("--evaluations must be at least --candidates (8), got 4"), ev.err());
        assertEquals("", ev.out());
    }
}
