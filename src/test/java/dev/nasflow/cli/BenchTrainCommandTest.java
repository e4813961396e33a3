package dev.nasflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nasflow.spec.SpecJson;
import dev.nasflow.train.TorchPython;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code nasflow bench train --json}: one JSON object with DJL's images/s and, where a Python with PyTorch is found
 * (always in CI: ops/scripts/test.sh installs it), the bench/pytorch_train.py counterpart and the ratio. Tiny
 * step counts: this checks the harness works, not the speed (speed lives in docs/BENCHMARKS.md).
 */
@Tag("torch")
class BenchTrainCommandTest {
    @Test
    void printsDjlAndPytorchThroughputAndTheRatio() throws Exception {
        RetrainCommandTest.Out out = RetrainCommandTest.run("bench", "train", "--rounds", "1", "--steps", "2",
                "--warmup", "1", "--batch", "16", "--json");
        assertEquals(0, out.exit(), out.stderr());
        JsonNode r = SpecJson.mapper().readTree(out.stdout().strip().lines().reduce((a, b) -> b).orElseThrow());
        assertEquals("train", r.path("benchmark").asText());
        assertEquals(61050, r.path("params").asLong());
        assertTrue(r.path("djl").path("imagesPerSecond").asDouble() > 0, out.stdout());
        boolean torch = TorchPython.find(Path.of("").toAbsolutePath()).isPresent();
        if (torch || "1".equals(System.getenv("NASFLOW_REQUIRE_TORCH"))) {
            assertNotNull(r.get("pytorch"), out.stdout());
            assertTrue(r.path("pytorch").path("imagesPerSecond").asDouble() > 0, out.stdout());
            assertTrue(r.path("ratio").asDouble() > 0, out.stdout());
        } else {
            assertTrue(r.path("pytorchSkipped").asText().contains("setup-torch"), out.stdout());
        }
    }
}
