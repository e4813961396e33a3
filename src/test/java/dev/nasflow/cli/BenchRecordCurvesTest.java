package dev.nasflow.cli;

import dev.nasflow.bench.RecordedCurves;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

    /**
     * Running the same command again continues the file instead of starting it over: an interrupted recording
     * (here: its last curve cut off mid-line, as a kill while writing leaves it) trains only what is missing, a larger
     * --archs adds architectures, a third identical run trains nothing, other settings or a damaged file are refused
     * with the fix and the file left as it was, and --overwrite starts over.
     */
    @Test
    void anInterruptedRecordingContinuesWhereItStopped() throws Exception {
        Path out = dir.resolve("curves.jsonl");
        String[] base = {"bench", "record-curves", "--out", out.toString(), "--epochs", "2", "--data-fraction",
                "0.02", "--seed", "3"};
        CliRun r = CliRun.of(concat(base, "--archs", "2"));
        assertEquals(0, r.exit(), r.err());
        List<String> full = Files.readAllLines(out);
        assertEquals(3, full.size());
        // killed while writing the second curve: half of its line is on disk, no newline
        Files.writeString(out, full.get(0) + "\n" + full.get(1) + "\n" + full.get(2).substring(0, 40));

        r = CliRun.of(concat(base, "--archs", "3"));
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("continuing " + out + ": 1 of 3 curves already recorded (a partly written last "
                + "line dropped)"), r.err());
        assertTrue(r.out().contains("wrote 2 curves x 2 epochs") && r.out().contains("1 kept from before: 3 in all"),
                r.out());
        List<String> now = Files.readAllLines(out);
        assertEquals(4, now.size());
        assertEquals(full.get(1), now.get(1), "the kept curve is kept as it was (its wall seconds too)");
        RecordedCurves f = RecordedCurves.read(out);
        assertEquals(3, f.curves().size());
        assertEquals(3, f.header().get("archs").asInt());
        assertEquals(full.get(0).substring(0, 60), now.get(0).substring(0, 60), "the original header stays");
        assertEquals(2, f.header().get("resumed").get(0).get("fromCurve").asInt(), f.header().toString());
        assertTrue(f.header().get("resumed").get(0).get("command").asText().contains("--archs 3"));
        // the same architectures in the same order as one uninterrupted run draws them
        for (int i = 0; i < 2; i++) {
            assertEquals(f.curves().get(i).archHash(), new com.fasterxml.jackson.databind.ObjectMapper().readTree(full.get(i + 1))
                    .get("archHash").asText());
        }
        long modified = Files.getLastModifiedTime(out).toMillis();
        String before = Files.readString(out);

        r = CliRun.of(concat(base, "--archs", "3"));
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("nothing to train: " + out + " already holds the 3 curves"), r.out());
        assertEquals(before, Files.readString(out));
        assertEquals(modified, Files.getLastModifiedTime(out).toMillis());

        CliRun other = CliRun.of("bench", "record-curves", "--out", out.toString(), "--epochs", "2",
                "--data-fraction", "0.02", "--seed", "4", "--archs", "3");
        assertEquals(2, other.exit());
        assertTrue(other.err().contains("the file holds curves recorded with other settings (seed 3 there, 4 here)")
                && other.err().contains("--overwrite"), other.err());
        other = CliRun.of("bench", "record-curves", "--out", out.toString(), "--epochs", "3",
                "--data-fraction", "0.02", "--seed", "3", "--archs", "3");
        assertEquals(2, other.exit());
        assertTrue(other.err().contains("epochs 2 there, 3 here"), other.err());
        assertEquals(before, Files.readString(out), "a refused run leaves the file as it was");

        List<String> lines = Files.readAllLines(out);
        Files.writeString(out, lines.get(0) + "\n" + "{oops\n" + lines.get(2) + "\n");
        other = CliRun.of(concat(base, "--archs", "3"));
        assertEquals(2, other.exit());
        assertTrue(other.err().contains("line 2: not JSON: the file is damaged"), other.err());
        Files.writeString(out, "some notes\n");
        other = CliRun.of(concat(base, "--archs", "3"));
        assertEquals(2, other.exit());
        assertTrue(other.err().contains("is not a curves file"), other.err());
        assertEquals("some notes\n", Files.readString(out));
        assertTrue(CliRun.withoutLibraryLogs(other.err()).lines().noneMatch(l -> l.startsWith("\tat ")),
                other.err());

        r = CliRun.of(concat(base, "--archs", "2", "--overwrite"));
        assertEquals(0, r.exit(), r.err());
        assertEquals(2, RecordedCurves.read(out).curves().size());
        assertTrue(!RecordedCurves.read(out).header().has("resumed"));
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /**
     * Data that is not there: the training error is the message (with its fix), not an "unexpected error"; the file
     * it leaves holds only a header, and the run with the data path corrected starts it over instead of refusing it
     * as a file of other settings.
     */
    @Test
    void missingDataIsAClearErrorAndTheCorrectedRunStartsOver() throws Exception {
        String spec = Files.readString(Path.of("workflows/quickstart-djl.json"));
        String good = spec.substring(spec.indexOf("\"path\": \"") + 9);
        good = good.substring(0, good.indexOf('"'));
        Path specFile = dir.resolve("nodata.json");
        Files.writeString(specFile, spec.replace(good, "activities/data/no-such-data"));
        Path out = dir.resolve("curves.jsonl");
        String[] args = {"bench", "record-curves", "--spec", specFile.toString(), "--out", out.toString(), "--archs",
                "2", "--epochs", "2", "--data-fraction", "0.02"};
        CliRun r = CliRun.of(args);
        assertEquals(ExitCodes.FAILED, r.exit(), r.toString());
        assertTrue(r.ownErr().contains("training cannot run: data.path ")
                && r.ownErr().contains("no-such-data does not exist") && r.ownErr().contains("fix: point data.path at it"), r.toString());
        assertTrue(!r.ownErr().contains("unexpected error") && r.noStackTrace(), r.toString());

        Files.writeString(specFile, spec);
        r = CliRun.of(args);
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.err().contains("holds no curve yet (only a header of other settings): starting it over"),
                r.err());
        assertEquals(2, RecordedCurves.read(out).curves().size());
    }
}
