package dev.nasflow.cli;

import dev.nasflow.bench.RecordedCurves;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code nasflow bench record-curves} at a tiny scale (2 architectures x 2 epochs on 2 % of the bundled
 * Fashion-MNIST subset, real DJL training), then the file replays in {@code nasflow bench stopping --curves}.
 */
class BenchRecordCurvesTest {
    @TempDir
    Path dir;

    @Test
    void recordsRealCurvesThatReplay() throws Exception {
        Path out = dir.resolve("curves.jsonl");
        CliRun r = CliRun.of("bench", "record-curves", "--out", out.toString(), "--archs", "2", "--epochs", "2",
                "--data-fraction", "0.02", "--seed", "3");
        assertEquals(0, r.exit(), r.err());
        RecordedCurves f = RecordedCurves.read(out);
        assertEquals(2, f.curves().size());
        assertEquals(2, f.minEpochs());
        assertTrue(f.header().get("command").asText().startsWith("nasflow bench record-curves --out "),
                f.header().toString());
        assertTrue(f.header().get("machine").get("cores").asInt() >= 1, f.header().toString());
        assertEquals(3, f.header().get("seed").asLong());
        assertTrue(f.header().get("space").get("type").asText().equals("chain"), f.header().toString());
        assertTrue(f.header().has("recipe") && f.header().has("data"), f.header().toString());
        for (RecordedCurves.Curve c : f.curves()) {
            assertTrue(c.encoding().length > 0, c.arch());
            for (Map<String, Double> e : c.epochs()) {
                for (String m : new String[] {"trainLoss", "trainAccuracy", "validLoss", "validAccuracy",
                        "wallSeconds"}) {
                    assertTrue(e.containsKey(m) && Double.isFinite(e.get(m)), m + " in " + e);
                }
                assertTrue(e.get("wallSeconds") > 0);
            }
        }
        CliRun replay = CliRun.of("bench", "stopping", "--curves", out.toString(), "--runs", "1", "--json");
        assertEquals(0, replay.exit(), replay.err());

        CliRun bad = CliRun.of("bench", "record-curves", "--out", out.toString(), "--archs", "1");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("--archs 1: must be >= 2"), bad.err());
        bad = CliRun.of("bench", "record-curves", "--out", out.toString(), "--spec", "workflows/quickstart.json");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("trainer.type 'djl'"), bad.err());
    }

    /**
     * The spec's fidelity settings other than the epochs (here the share of the training split trained on) are
     * kept, and recorded in the header: before, the command replaced the spec's whole fidelity block.
     */
    @Test
    void keepsTheSpecsOtherFidelitySettings() throws Exception {
        String spec = Files.readString(Path.of("workflows/quickstart-djl.json"))
                .replace("\"fidelity\": {\"epochs\": 3}", "\"fidelity\": {\"epochs\": 3, \"dataFraction\": 0.5}");
        assertTrue(spec.contains("\"dataFraction\": 0.5"), "the quickstart spec's fidelity line changed");
        Path specFile = dir.resolve("spec.json");
        Files.writeString(specFile, spec);
        Path out = dir.resolve("curves.jsonl");
        CliRun r = CliRun.of("bench", "record-curves", "--spec", specFile.toString(), "--out", out.toString(),
                "--archs", "2", "--epochs", "2", "--data-fraction", "0.02", "--seed", "3");
        assertEquals(0, r.exit(), r.err());
        RecordedCurves f = RecordedCurves.read(out);
        assertEquals(2, f.minEpochs());
        assertEquals(0.5, f.header().path("fidelity").path("dataFraction").asDouble(), f.header().toString());
        assertEquals(2, f.header().path("fidelity").path("epochs").asInt(), f.header().toString());
        assertEquals(0.02, f.header().path("data").path("dataFraction").asDouble(), f.header().toString());
    }
}
