package dev.nasflow.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nasflow.cli.Main;
import dev.nasflow.api.SearchResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HtmlReportTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode embeddedData(String html) throws Exception {
        Matcher m = Pattern.compile("<script type=\"application/json\" id=\"nasflow-data\">(.*?)</script>",
                Pattern.DOTALL).matcher(html);
        assertTrue(m.find(), "embedded data block");
        return JSON.readTree(m.group(1));
    }

    @Test
    void theReportIsOneSelfContainedFile() {
        String html = HtmlReport.render(ReportFixtures.search("rep-1", ReportFixtures.ONE_OBJECTIVE).report(true));
        String lower = html.toLowerCase();
        assertFalse(lower.contains("<link"), "no stylesheet links");
        assertFalse(lower.contains("<script src") || lower.matches("(?s).*<script[^>]*\\ssrc=.*"), "no script files");
        assertFalse(lower.contains("<img"), "no images");
        assertFalse(lower.contains("@import") || lower.contains("url("), "no CSS fetches");
        String withoutSvgNamespace = html.replace("http://www.w3.org/2000/svg", "");
        assertFalse(withoutSvgNamespace.contains("http://") || withoutSvgNamespace.contains("https://"),
                "no network address at all");
        for (String id : List.of("chart-best-evals", "chart-best-time", "chart-curves", "chart-generations",
                "chart-pareto", "leaderboard")) {
            assertTrue(html.contains("id=\"" + id + "\""), id);
        }
    }

    @Test
    void theEmbeddedDataHasEveryCandidateCurveAndMetric() throws Exception {
        ReportFixtures.Fixture f = ReportFixtures.search("rep-2", ReportFixtures.ONE_OBJECTIVE);
        JsonNode d = embeddedData(HtmlReport.render(f.report(true)));
        assertEquals("rep-2", d.path("searchId").asText());
        assertEquals(32, d.path("candidates").size());
        assertEquals(f.result().leaderboard().get(0).candidateId(), d.path("candidates").get(0).path("id").asText(),
                "leaderboard order, best first");
        assertEquals(f.result().status().best().candidateId(), d.path("bestId").asText());
        assertEquals(1, d.path("withoutMetrics").asInt(), "the failed candidate is counted");
        assertEquals(32, d.path("curves").size());
        JsonNode c0 = d.path("candidates").get(0);
        assertTrue(c0.path("genome").asText().startsWith("nb201["), c0.toString());
        assertTrue(c0.path("arch").asText().startsWith("|"), c0.toString());
        assertTrue(c0.path("metrics").has("validAccuracy") && c0.path("metrics").has("params"));
        assertTrue(c0.has("finishedAt"), "finish time from the curve");
        assertEquals("maximize", d.path("objectives").get(0).path("direction").asText());
        assertEquals(0, d.path("notes").size());
    }

    @Test
    void withoutKafkaTheReportSaysItDrawsFinalPointsOnly() throws Exception {
        JsonNode d = embeddedData(HtmlReport.render(ReportFixtures.search("rep-3", ReportFixtures.ONE_OBJECTIVE)
                .report(false)));
        assertEquals(0, d.path("curves").size());
        assertTrue(d.path("notes").get(0).asText().contains("--kafka"), d.path("notes").toString());
        assertTrue(d.path("candidates").get(0).path("finishedAt").isMissingNode());
    }

    @Test
    void twoObjectivesGiveTheSearchsParetoFront() throws Exception {
        ReportFixtures.Fixture f = ReportFixtures.search("rep-4", ReportFixtures.TWO_OBJECTIVES);
        JsonNode d = embeddedData(HtmlReport.render(f.report(true)));
        assertEquals("params", d.path("objectives").get(1).path("metric").asText());
        assertEquals("minimize", d.path("objectives").get(1).path("direction").asText());
        assertTrue(d.path("paretoIds").size() >= 2, d.path("paretoIds").toString());
        assertEquals(f.result().paretoFront().size(), d.path("paretoIds").size());
    }

    @Test
    void aSearchWithoutResultsYetStillRenders() throws Exception {
        SearchResult full = ReportFixtures.search("rep-empty", ReportFixtures.ONE_OBJECTIVE).result();
        dev.nasflow.api.SearchStatus s = full.status();
        dev.nasflow.api.SearchStatus running = new dev.nasflow.api.SearchStatus(s.searchId(), "RUNNING", 0,
                0, 0, 0, 0, 0, 0, List.of("rep-empty-g0-c0"), null, 0, 1200, 0, 12, s.spec());
        String html = HtmlReport.render(new SearchReport(new SearchResult(running, List.of(), List.of()), null,
                null, "test", null));
        JsonNode d = embeddedData(html);
        assertEquals(0, d.path("candidates").size());
        assertTrue(d.path("bestId").isNull());
        assertEquals("RUNNING", d.path("phase").asText());
    }

    @Test
    void markupInIdsAndNamesCannotBreakOutOfTheDataBlock() throws Exception {
        ReportFixtures.Fixture f = ReportFixtures.search("x</script><script>alert(1)</script>",
                ReportFixtures.ONE_OBJECTIVE);
        String html = HtmlReport.render(f.report(true));
        assertFalse(html.contains("<script>alert"), "escaped");
        assertTrue(html.contains("<title>nasflow report: x&lt;/script&gt;"));
        assertEquals("x</script><script>alert(1)</script>", embeddedData(html).path("searchId").asText());
    }

    @Test
    void savedResultsRoundTripAndBadFilesAreClearErrors(@TempDir Path tmp) throws Exception {
        SearchResult r = ReportFixtures.search("rep-5", ReportFixtures.ONE_OBJECTIVE).result();
        Path file = tmp.resolve("saved/result.json");
        ReportSources.save(r, file);
        SearchResult back = ReportSources.fromJson(file);
        assertEquals(r.leaderboard(), back.leaderboard());
        assertEquals(r.status().spec(), back.status().spec());
        Files.writeString(tmp.resolve("bad.json"), "{\"not\": \"a result\"}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ReportSources.fromJson(tmp.resolve("bad.json")));
        assertTrue(e.getMessage().contains("--save-json"), e.getMessage());
        Files.writeString(tmp.resolve("garbage.json"), "{{{");
        assertThrows(IllegalArgumentException.class, () -> ReportSources.fromJson(tmp.resolve("garbage.json")));
    }

    @Test
    void theCommandWritesAReportFromASavedResultOffline(@TempDir Path tmp) throws Exception {
        SearchResult r = ReportFixtures.search("rep-6", ReportFixtures.ONE_OBJECTIVE).result();
        Path saved = tmp.resolve("r.json");
        ReportSources.save(r, saved);
        Path out = tmp.resolve("out/report.html");
        int code = run("report", "--from-json", saved.toString(), "--out", out.toString());
        assertEquals(0, code);
        JsonNode d = embeddedData(Files.readString(out));
        assertEquals("rep-6", d.path("searchId").asText());
        assertTrue(d.path("source").asText().contains("r.json"));
        assertTrue(d.path("notes").get(0).asText().contains("final point"));
        assertNotEquals(0, run("report", "--from-json", saved.toString(), "other-id", "--out", out.toString()));
    }

    @Test
    void theCommandExplainsWhatItNeeds() {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err));
        assertEquals(2, cl.execute("report"));
        assertTrue(err.toString().contains("--from-json"), err.toString());
        err.getBuffer().setLength(0);
        cl = Main.commandLine();
        cl.setErr(new PrintWriter(err));
        assertEquals(2, cl.execute("report", "some-id"), err.toString());
        assertTrue(err.toString().contains("--temporal") || err.toString().contains("TEMPORAL_ADDRESS"),
                err.toString());
    }

    private static int run(String... args) {
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(new StringWriter()));
        return cl.execute(args);
    }
}
