package dev.nasflow.cli;

import dev.nasflow.wiring.WorkerSupervisor;
import com.fasterxml.jackson.databind.JsonNode;
import dev.nasflow.embedded.TemporalClients;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code nasflow quickstart --table --json} end to end, as a user runs it: its own JVM through {@link Main#main} (so
 * the logging set-up of the CLI applies), stdout and stderr captured apart. It exits 0, its last line is the JSON
 * summary with at least one stop decision, and the terminal shows no library log line: they are in the log file,
 * whose path the terminal names once.
 */
class QuickstartEndToEndTest {
    /** An slf4j-simple line ("12:34:56.789 [thread] INFO logger - ..."), a JUL/console line, or SLF4J's own notes. */
    static final Pattern LIBRARY_LOG = Pattern.compile(
            "^(\\d\\d:\\d\\d:\\d\\d\\.\\d{3} \\[.*|.*\\b(INFO|WARN|WARNING|ERROR|DEBUG|SEVERE)\\b[: ].*|SLF4J.*"
                    + "|\\s+at [\\w.$]+\\(.*)$");

    @Test
    void tableQuickstartIsQuietAndEndsWithItsJsonLine() throws Exception {
        Path work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "quickstart-e2e");
        List<String> cmd = new ArrayList<>(WorkerSupervisor.javaCommand(List.of("-Xmx1g"), 1));
        cmd.addAll(List.of("quickstart", "--table", "--json", "--work-dir", work.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectOutput(work.resolve("stdout.txt").toFile())
                .redirectError(work.resolve("stderr.txt").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().remove("TEMPORAL_ADDRESS");
        pb.environment().remove("KAFKA_BOOTSTRAP_SERVERS");
        pb.environment().put("NASFLOW_HOME", Path.of("").toAbsolutePath().toString());
        long t0 = System.nanoTime();
        Process p = pb.start();
        boolean ended = p.waitFor(300, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly();
        }
        String out = Files.readString(work.resolve("stdout.txt"), StandardCharsets.UTF_8);
        String err = Files.readString(work.resolve("stderr.txt"), StandardCharsets.UTF_8);
        String both = "--- stdout\n" + out + "--- stderr\n" + err;
        System.out.printf("quickstart --table --json: %.1f s%n%s%n", (System.nanoTime() - t0) / 1e9, both);
        assertTrue(ended, "quickstart did not end in 300 s\n" + both);
        assertEquals(0, p.exitValue(), both);

        for (String line : (out + err).split("\n")) {
            assertFalse(LIBRARY_LOG.matcher(line).matches(), "library log line on the terminal: " + line);
        }
        Path log = work.resolve("nasflow.log");
        assertTrue(err.contains("nasflow: library logs go to " + log), err);
        assertEquals(1, err.split(Pattern.quote("library logs go to"), -1).length - 1, "named more than once");
        assertTrue(Files.size(log) > 0, "empty log file");
        assertTrue(Files.readString(log).contains("INFO"), "no library logging in the file");

        List<String> lines = out.lines().filter(l -> !l.isBlank()).toList();
        JsonNode last = TemporalClients.objectMapper().readTree(lines.get(lines.size() - 1));
        assertTrue(last.get("searchId").asText().startsWith("quickstart"), last.toString());
        assertEquals("nb201", last.get("trainer").asText());
        assertEquals(30, last.get("candidates").asInt(), last.toString());
        assertTrue(last.get("stoppedEarly").asInt() >= 1, last.toString());
        assertTrue(last.get("stopDecisions").asInt() >= 1, last.toString());
        JsonNode best = last.get("best");
        assertNotNull(best.get("candidateId"), last.toString());
        assertFalse(best.get("arch").asText().isEmpty(), last.toString());
        assertTrue(best.get("metrics").get("validAccuracy").asDouble() > 0, last.toString());
        assertTrue(out.contains("nasflow.stop-decisions: "), out);
        assertTrue(err.contains("evaluated"), "no progress bar: " + err);
    }
}
