package dev.nasflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nasflow.bench.RecordedCurves;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code nasflow bench stopping --curves FILE}: replays a (here synthetic) recorded-curves file with every rule. */
class BenchStoppingReplayTest {
    @TempDir
    Path dir;

    /** 40 architectures x 8 epochs of saturating curves a - b * t^-c with noise; the encoding carries a's sign. */
    static Path synthetic(Path dir) throws Exception {
        return synthetic(dir, "curves.jsonl", 3, "h", Map.of(), false);
    }

    /**
     * The same kind of file: {@code seed} draws the curves, hashes {@code prefix + i}, extra header fields; with
     * {@code archRanks} the early epochs rank the finals poorly (b in 20..100) and the encoding one-hot codes a in
     * four bands, so the architecture ranks them better than the first epochs do.
     */
    static Path synthetic(Path dir, String name, long seed, String prefix, Map<String, Object> extra,
                          boolean archRanks) throws Exception {
        Path f = dir.resolve(name);
        Random rnd = new Random(seed);
        List<String> lines = new ArrayList<>();
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("kind", "header");
        header.put("format", RecordedCurves.FORMAT);
        header.put("command", "synthetic (test)");
        header.put("epochs", 8);
        header.putAll(extra);
        lines.add(RecordedCurves.line(header));
        for (int i = 0; i < 40; i++) {
            double a = 60 + 30 * rnd.nextDouble();
            double b = 20 + (archRanks ? 80 : 20) * rnd.nextDouble();
            double c = 0.5 + rnd.nextDouble();
            List<Map<String, Object>> epochs = new ArrayList<>();
            for (int e = 1; e <= 8; e++) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("epoch", e);
                double acc = a - b * Math.pow(e, -c) + rnd.nextGaussian() * 0.3;
                m.put("trainLoss", 2.0 / e);
                m.put("trainAccuracy", acc + 2);
                m.put("validLoss", (100 - acc) / 40);
                m.put("validAccuracy", acc);
                m.put("wallSeconds", 1.5);
                epochs.add(m);
            }
            Map<String, Object> curve = new LinkedHashMap<>();
            curve.put("kind", "curve");
            curve.put("arch", "arch-" + i);
            curve.put("archHash", prefix + i);
            int band = (int) Math.min(3, (a - 60) / 7.5);
            curve.put("encoding", archRanks ? List.of(band == 0 ? 1.0 : 0.0, band == 1 ? 1.0 : 0.0,
                    band == 2 ? 1.0 : 0.0, band == 3 ? 1.0 : 0.0) : List.of(a > 75 ? 1.0 : 0.0, a > 75 ? 0.0 : 1.0,
                    c > 1 ? 1.0 : 0.0));
            curve.put("seed", 1);
            curve.put("epochs", epochs);
            lines.add(RecordedCurves.line(curve));
        }
        Files.write(f, lines);
        return f;
    }

    @Test
    void everyRuleOnRecordedCurvesWithKendallTauPerEpoch() throws Exception {
        Path f = synthetic(dir);
        CliRun r = CliRun.of("bench", "stopping", "--curves", f.toString(), "--runs", "3", "--concurrency", "4",
                "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out().trim().lines().reduce((a, b) -> b).orElseThrow());
        assertEquals(f.toString(), j.get("curves").asText());
        for (String rule : List.of("none", "asha", "ashaMin2", "median", "medianAvg", "median25", "curve", "surrogate",
                "surrogateRungs2")) {
            JsonNode x = j.get("rules").get(rule);
            assertTrue(x != null && x.has("fewerEpochsFactor") && x.has("regretMean"), rule + ": " + x);
        }
        assertEquals(320, j.get("rules").get("none").get("epochsFull").asLong());
        assertTrue(j.get("rules").get("surrogate").get("fewerEpochsFactor").asDouble() > 1,
                "the surrogate rule saves epochs: " + j.get("rules").get("surrogate"));
        JsonNode tau = j.get("kendallTau");
        assertTrue(tau.get("surrogate").get("1").isNumber(), tau.toString());
        assertTrue(tau.get("surrogate").get("4").asDouble() > 0.5, tau.toString());
        assertTrue(tau.get("curve").get("1").isNull() && tau.get("curve").get("2").isNull(),
                "the curve rule fits from 3 epochs on: " + tau);
        assertTrue(tau.get("curve").get("4").isNumber(), tau.toString());
        System.out.println("replay of a synthetic file: surrogate " + j.get("rules").get("surrogate")
                + "\ntau " + tau);
    }

    @Test
    void priorsOfTheSameTaskPreTrainTheSurrogate() throws Exception {
        Path f = synthetic(dir, "curves.jsonl", 3, "h", Map.of(), true);
        Path other = synthetic(dir, "earlier.jsonl", 11, "p", Map.of(), true);
        String[] base = {"bench", "stopping", "--curves", f.toString(), "--runs", "3", "--concurrency", "4", "--json",
                "--rule", "surrogate=surrogate"};
        JsonNode cold = json(CliRun.of(base));
        JsonNode warm = json(CliRun.of(concat(base, "--priors", other.toString())));
        assertFalse(cold.has("priors"), cold.toString());
        JsonNode pr = warm.get("priors");
        assertEquals(40, pr.get("used").asInt(), pr.toString());
        assertEquals(0, pr.get("leftOutSameArchitecture").asInt(), pr.toString());
        assertEquals(List.of(other.toString()), List.of(pr.get("files").get(0).asText()));
        // the architecture model is ready before the first candidate finishes: the encoding (a's band) ranks the
        // candidates from epoch 1 better than the model can cold
        double tauCold = cold.get("kendallTau").get("surrogate").get("1").asDouble();
        double tauWarm = warm.get("kendallTau").get("surrogate").get("1").asDouble();
        System.out.println("tau at epoch 1 of the synthetic file: warm " + tauWarm + ", cold " + tauCold);
        assertTrue(tauWarm > tauCold, "tau at epoch 1: warm " + tauWarm + " vs cold " + tauCold);
        // the replayed file's own architectures never count as priors: their finals would leak
        JsonNode self = json(CliRun.of(concat(base, "--priors", f.toString(), "--priors", other.toString())));
        assertEquals(40, self.get("priors").get("used").asInt(), self.get("priors").toString());
        assertEquals(40, self.get("priors").get("leftOutSameArchitecture").asInt());
        // the same run twice gives the same figures (priors are read afresh, nothing is carried over)
        assertEquals(warm.get("rules"), json(CliRun.of(concat(base, "--priors", other.toString()))).get("rules"));
    }

    @Test
    void priorsOfAnotherTaskOrWithoutCurvesAreRefused() throws Exception {
        Path f = synthetic(dir);
        Path otherData = synthetic(dir, "other-data.jsonl", 11, "p", Map.of("data", Map.of("path", "elsewhere")),
                false);
        CliRun r = CliRun.of("bench", "stopping", "--curves", f.toString(), "--priors", otherData.toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--priors " + otherData + ": recorded on another task")
                && r.err().contains("'data'") && r.err().contains("same-task"), r.err());
        r = CliRun.of("bench", "stopping", "--curves", f.toString(), "--priors", dir.resolve("none.jsonl").toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--priors " + dir.resolve("none.jsonl") + ": no such file"), r.err());
        r = CliRun.of("bench", "stopping", "--priors", f.toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--priors applies to --curves only"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    private static JsonNode json(CliRun r) throws Exception {
        assertEquals(0, r.exit(), r.err());
        return new ObjectMapper().readTree(r.out().trim().lines().reduce((a, b) -> b).orElseThrow());
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void badInputNamesTheFlagAndTheFix() throws Exception {
        Path f = synthetic(dir);
        CliRun r = CliRun.of("bench", "stopping", "--curves", dir.resolve("nope.jsonl").toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--curves") && r.err().contains("no such file")
                && r.err().contains("record-curves"), r.err());
        r = CliRun.of("bench", "stopping", "--curves", f.toString(), "--epochs", "9");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--epochs 9: the shortest curve") && r.err().contains("use --epochs 8"), r.err());
        r = CliRun.of("bench", "stopping", "--curves", f.toString(), "--metric", "testAccuracy");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--metric testAccuracy: not recorded"), r.err());
        Path bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, Files.readString(f) + "{\"kind\": \"curve\", \"arch\": \"x\", \"epochs\": "
                + "[{\"epoch\": 2}]}\n");
        r = CliRun.of("bench", "stopping", "--curves", bad.toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("line 42: epochs[0].epoch must be 1"), r.err());
        r = CliRun.of("bench", "stopping", "--metric", "validLoss");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--metric applies to --curves only"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }
}
