package dev.nasflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nasflow.spec.BadSpecCorpus;
import dev.nasflow.spec.SpecJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpecCommandTest {
    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    static Stream<BadSpecCorpus.Case> badSpecs() {
        return BadSpecCorpus.cases().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSpecs")
    void validateExitsNonZeroOnEachBadSpec(BadSpecCorpus.Case c) {
        Run r = run("spec", "validate", c.file().toString());
        assertEquals(1, r.exit(), r.out() + r.err());
        String pointer = c.pointer().isEmpty() ? "/" : c.pointer();
        assertTrue(r.out().contains(c.file() + ": " + pointer + ": "), r.out());
        assertTrue(r.out().contains("(fix: "), r.out());
    }

    @Test
    void validatePrintsOkForEveryExampleAndExitsZero() throws Exception {
        List<String> args = new ArrayList<>(List.of("spec", "validate"));
        try (Stream<Path> s = Files.list(Path.of("workflows"))) {
            s.filter(p -> p.toString().endsWith(".json")).sorted().forEach(p -> args.add(p.toString()));
        }
        Run r = run(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.out());
        assertEquals(args.size() - 2, r.out().lines().filter(l -> l.endsWith(": ok")).count(), r.out());
    }

    @Test
    void oneBadFileAmongGoodOnesFailsTheRun() {
        Path bad = BadSpecCorpus.cases().get(0).file();
        Run r = run("spec", "validate", "workflows/quickstart.json", bad.toString());
        assertEquals(1, r.exit());
        assertTrue(r.out().contains("workflows/quickstart.json: ok"), r.out());
        assertTrue(r.out().contains(bad + ": /"), r.out());
    }

    @Test
    void jsonReportListsEveryError() throws Exception {
        Path bad = BadSpecCorpus.cases().get(0).file();
        Run r = run("spec", "validate", "--json", "workflows/quickstart.json", bad.toString());
        assertEquals(1, r.exit());
        JsonNode report = SpecJson.mapper().readTree(r.out());
        assertEquals(2, report.size());
        assertTrue(report.get(0).get("ok").asBoolean());
        assertTrue(!report.get(1).get("ok").asBoolean() && report.get(1).get("errors").size() > 0);
        assertTrue(report.get(1).get("errors").get(0).has("hint"));
    }

    @Test
    void missingFileIsAnError() {
        Run r = run("spec", "validate", "no/such/spec.json");
        assertEquals(1, r.exit());
        assertTrue(r.out().contains("no/such/spec.json: /: cannot read the file"), r.out());
    }

    @Test
    void validateWithoutFilesIsAUsageError() {
        Run r = run("spec", "validate");
        assertNotEquals(0, r.exit());
        assertTrue(r.err().contains("FILE"), r.err());
    }

    @Test
    void schemaPrintsTheJsonSchema() throws Exception {
        Run r = run("spec", "schema");
        assertEquals(0, r.exit());
        JsonNode schema = SpecJson.mapper().readTree(r.out());
        assertEquals("https://json-schema.org/draft/2020-12/schema", schema.get("$schema").asText());
        assertTrue(schema.get("properties").has("strategy"));
    }

    @Test
    void defaultsPrintsAValidCompleteSpec(@TempDir Path tmp) throws Exception {
        Run r = run("spec", "defaults", "workflows/nb201-random.json");
        assertEquals(0, r.exit(), r.out());
        JsonNode spec = SpecJson.mapper().readTree(r.out());
        assertEquals(12, spec.at("/fidelity/minEpochs").asInt());
        assertEquals("nasflow", spec.at("/taskQueue").asText());
        assertEquals("none", spec.at("/stopping/rule").asText());
        Path filled = tmp.resolve("filled.json");
        Files.writeString(filled, r.out());
        assertEquals(0, run("spec", "validate", filled.toString()).exit(), "defaults output validates");
    }

    @Test
    void defaultsOfABadSpecPrintsErrorsAndFails() {
        Path bad = BadSpecCorpus.cases().get(0).file();
        Run r = run("spec", "defaults", bad.toString());
        assertEquals(1, r.exit());
        assertTrue(r.out().contains("(fix: "), r.out());
    }

    @Test
    void specIsRegisteredInMain() {
        Run r = run("--help");
        assertTrue(r.out().contains("spec"), r.out());
        assertEquals(0, run("spec").exit());
    }
}
