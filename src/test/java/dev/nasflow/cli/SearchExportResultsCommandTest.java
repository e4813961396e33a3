package dev.nasflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nasflow.activity.ResultsFile;
import dev.nasflow.train.TableCandidateTrainer;
import dev.nasflow.wiring.DevStack;
import dev.nasflow.space.CellSpace;
import dev.nasflow.model.CandidateResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code nasflow search export-results ID --out FILE} end to end, against the embedded stack (an in-process Temporal
 * server over gRPC, a table-trainer worker): a search started and finished through the CLI is exported, the file is
 * checked line by line against the search's leaderboard, and a second search warm-started from the file shows it in
 * {@code nasflow search status}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SearchExportResultsCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();
    Path dir;
    DevStack stack;
    String address;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory(Path.of("target"), "cli-export");
        stack = DevStack.builder(dir.resolve("stack")).workerSlots(4).trainers(List.of(new TableCandidateTrainer()))
                .stopper(false).surrogate(false).start();
        address = stack.temporal().address();
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    Path spec(String name, int evaluations) throws Exception {
        ObjectNode s = JSON.createObjectNode();
        s.put("name", name);
        s.put("seed", 3);
        s.putObject("space").put("type", "nb201");
        s.putObject("strategy").put("type", "rea").putObject("params").put("population", 6).put("sampleSize", 3);
        s.putObject("budget").put("evaluations", evaluations).put("maxConcurrent", 3);
        s.putArray("objectives").addObject().put("metric", "validAccuracy").put("direction", "maximize");
        s.putObject("fidelity").put("epochs", 12);
        s.putObject("trainer").put("type", "nb201").put("dataset", "cifar10");
        s.put("taskQueue", "nasflow");
        return write(name + ".json", s);
    }

    Path write(String file, JsonNode spec) throws Exception {
        Path p = dir.resolve(file);
        Files.writeString(p, JSON.writeValueAsString(spec));
        return p;
    }

    @Test
    void exportsAFinishedSearchBestFirstAndAWarmStartReadsIt() throws Exception {
        String id = "export-src-" + System.nanoTime();
        CliRun run = CliRun.of("search", "start", spec("export-src", 12).toString(), "--id", id, "--wait",
                "--temporal", address);
        assertEquals(0, run.exit(), run.toString());

        Path out = dir.resolve("warm/src.jsonl"); // the folder does not exist yet: export creates it
        CliRun export = CliRun.of("search", "export-results", id, "--out", out.toString(), "--temporal", address);
        assertEquals(0, export.exit(), export.toString());
        assertTrue(export.ownErr().contains("exported 12 results of " + id + " to " + out), export.toString());
        assertTrue(export.noStackTrace(), export.toString());

        List<String> lines = Files.readAllLines(out);
        assertEquals(13, lines.size(), "a header and one line per result");
        JsonNode header = JSON.readTree(lines.get(0));
        assertEquals(ResultsFile.FORMAT, header.get("nasflowResults").asInt());
        assertEquals(id, header.get("search").asText());
        assertEquals("nb201", header.get("spaceId").asText());
        assertEquals(12, header.get("results").asInt());
        assertEquals("cifar10", header.get("task").get("dataset").asText(), header.toString());

        // best first, the same candidates as the search's leaderboard
        CliRun board = CliRun.of("search", "leaderboard", id, "--top", "100", "--json", "--temporal", address);
        assertEquals(0, board.exit(), board.toString());
        List<String> boardIds = new ArrayList<>();
        JSON.readTree(board.out()).forEach(c -> boardIds.add(c.get("candidateId").asText()));
        List<String> fileIds = new ArrayList<>();
        double previous = Double.POSITIVE_INFINITY;
        for (String line : lines.subList(1, lines.size())) {
            JsonNode r = JSON.readTree(line);
            fileIds.add(r.get("candidateId").asText());
            assertTrue(r.get("candidateId").asText().startsWith(id + "-"), line);
            assertEquals("COMPLETED", r.get("outcome").asText(), line);
            double acc = r.get("metrics").get("validAccuracy").asDouble();
            assertTrue(acc <= previous, "best first: " + line);
            previous = acc;
        }
        assertEquals(boardIds, fileIds);
        ResultsFile.Contents read = ResultsFile.read(out, CellSpace.nb201());
        assertEquals(12, read.results().size());
        assertEquals(fileIds, read.results().stream().map(CandidateResult::candidateId).toList());

        // exported again over the same file (run twice in a row): replaced whole, the same lines, no file left beside
        CliRun again = CliRun.of("search", "export-results", id, "--out", out.toString(), "--temporal", address);
        assertEquals(0, again.exit(), again.toString());
        assertEquals(lines, Files.readAllLines(out));
        assertFalse(Files.exists(out.resolveSibling("src.jsonl.tmp")));

        // without --out: the same lines on standard output
        CliRun stdout = CliRun.of("search", "export-results", id, "--temporal", address);
        assertEquals(0, stdout.exit(), stdout.toString());
        assertEquals(lines, stdout.out().lines().filter(l -> l.startsWith("{")).toList());

        // a search warm-started from the file (same task: 12 priors, none transferred) says so in its status
        ObjectNode warm = (ObjectNode) JSON.readTree(Files.readString(spec("export-warm", 4)));
        warm.putObject("warmStart").putArray("files").add(out.toString());
        String warmId = "export-warm-" + System.nanoTime();
        CliRun warmRun = CliRun.of("search", "start", write("export-warm.json", warm).toString(), "--id", warmId,
                "--wait", "--temporal", address);
        assertEquals(0, warmRun.exit(), warmRun.toString());
        CliRun status = CliRun.of("search", "status", warmId, "--temporal", address);
        assertEquals(0, status.exit(), status.toString());
        assertTrue(status.out().contains("warm start: 12 priors (0 from another task)"), status.toString());
        CliRun statusJson = CliRun.of("search", "status", warmId, "--json", "--temporal", address);
        JsonNode ws = JSON.readTree(statusJson.out()).get("warmStart");
        assertEquals(12, ws.get("priors").asInt(), statusJson.toString());
        assertEquals(0, ws.get("transferred").asInt(), statusJson.toString());
        // the cold source shows no warm-start line
        CliRun srcStatus = CliRun.of("search", "status", id, "--temporal", address);
        assertFalse(srcStatus.out().contains("warm start:"), srcStatus.toString());
    }

    @Test
    void unknownSearchIsNotFound() {
        CliRun r = CliRun.of("search", "export-results", "no-such-search", "--out",
                dir.resolve("none.jsonl").toString(), "--temporal", address);
        assertEquals(ExitCodes.NOT_FOUND, r.exit(), r.toString());
        assertTrue(r.ownErr().contains("no search 'no-such-search'") && r.ownErr().contains("fix:"), r.toString());
        assertTrue(r.noStackTrace(), r.toString());
        assertFalse(Files.exists(dir.resolve("none.jsonl")));
    }

    /**
     * A warm start whose sources are wrong is refused by {@code search start} at once, every source's error on its own
     * line with its fix, and no search is started.
     */
    @Test
    void aBadWarmStartIsRefusedBeforeTheSearchStarts() throws Exception {
        Path damaged = dir.resolve("damaged.jsonl");
        Files.writeString(damaged, "{\"nasflowResults\": 1, \"results\": 3}\n{broken\n");
        ObjectNode warm = (ObjectNode) JSON.readTree(Files.readString(spec("bad-warm", 4)));
        ObjectNode ws = warm.putObject("warmStart");
        ws.putArray("files").add(damaged.toString());
        ws.putArray("searches").add("no-such-earlier-search");
        String id = "bad-warm-" + System.nanoTime();
        CliRun r = CliRun.of("search", "start", write("bad-warm.json", warm).toString(), "--id", id,
                "--temporal", address);
        assertEquals(ExitCodes.USAGE, r.exit(), r.toString());
        assertTrue(r.ownErr().contains("invalid warm start:"), r.toString());
        assertTrue(r.ownErr().contains("warmStart.searches[0]: no search 'no-such-earlier-search'"), r.toString());
        assertTrue(r.ownErr().contains("warmStart.files[0]: ") && r.ownErr().contains("line 1: the header has no "
                + "\"spaceId\""), r.toString());
        assertTrue(r.ownErr().contains("fix: correct the warmStart section"), r.toString());
        assertTrue(r.noStackTrace(), r.toString());
        CliRun status = CliRun.of("search", "status", id, "--temporal", address);
        assertEquals(ExitCodes.NOT_FOUND, status.exit(), "no search was started: " + status);
    }
}
