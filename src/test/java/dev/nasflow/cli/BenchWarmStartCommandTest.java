package dev.nasflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code nasflow bench warm-start}: its JSON report and its usage errors. */
class BenchWarmStartCommandTest {
    @Test
    void reportsColdAndWarmPerFraction() throws Exception {
        CliRun r = CliRun.of("bench", "warm-start", "--runs", "3", "--strategies", "rea,random", "--datasets",
                "cifar100", "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(2, j.path("results").size());
        JsonNode rea = j.path("results").get(0);
        assertEquals("cifar100-val", rea.path("searchColumn").asText());
        assertEquals("cifar100-test", rea.path("scoreColumn").asText());
        assertEquals(3, rea.path("warm").size());
        assertTrue(rea.path("warm").get(0).path("mean").asDouble() > rea.path("cold").get(0).path("mean").asDouble(),
                "priors of the CIFAR-10 search help at 25 % of the budget: " + rea);
        assertTrue(rea.has("warmAtHalfReachesColdAtFull"));
        // the verdict is the seed-paired difference's sign
        assertEquals(rea.path("warmHalfMinusColdFull").asDouble() >= 0,
                rea.path("warmAtHalfReachesColdAtFull").asBoolean(), rea.toString());
        assertTrue(rea.path("warmHalfMinusColdFullSe").asDouble() >= 0, rea.toString());
    }

    @Test
    void badOptionsAreUsageErrors() {
        CliRun r = CliRun.of("bench", "warm-start", "--datasets", "cifar10");
        assertEquals(ExitCodes.USAGE, r.exit(), r.err());
        assertTrue(r.err().contains("--datasets"), r.err());
        CliRun s = CliRun.of("bench", "warm-start", "--strategies", "nope");
        assertEquals(ExitCodes.USAGE, s.exit(), s.err());
        assertTrue(s.err().contains("strategy.type"), s.err());
    }
}
