package dev.nasflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nasflow.spec.SpecJson;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code nasflow retrain}: trains one architecture, checkpoints, resumes when run again, rejects bad input. */
class RetrainCommandTest {
    static final String ARCH = "sepconv/k3/w32/relu/noskip|conv/k3/w32/gelu/skip|conv/k3/w32/relu/skip"
            + "|sepconv/k3/w32/gelu/noskip";
    static final Path DIR = Path.of("artifacts/quickstart-djl/quickstart-djl-retrain/retrain-test");

    record Out(int exit, String stdout, String stderr) {
    }

    static Out run(String... args) {
        PrintStream so = System.out;
        PrintStream se = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int exit = Main.commandLine().execute(args);
            return new Out(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(so);
            System.setErr(se);
        }
    }

    @AfterAll
    static void clean() throws IOException {
        if (Files.exists(DIR)) {
            try (Stream<Path> s = Files.walk(DIR)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void trainsCheckpointsAndResumes() throws Exception {
        Out first = run("retrain", "--spec", "workflows/quickstart-djl.json", "--arch", ARCH, "--epochs", "2",
                "--data-fraction", "0.03", "--id", "retrain-test", "--fresh", "--json");
        assertEquals(0, first.exit(), first.stderr());
        JsonNode r = SpecJson.mapper().readTree(first.stdout().strip().lines().reduce((a, b) -> b).orElseThrow());
        assertEquals(ARCH, r.path("arch").asText());
        assertEquals(0, r.path("resumedAfterEpoch").asInt());
        assertTrue(r.path("metrics").path("testAccuracy").asDouble() > 10, r.toString());   // above chance
        assertTrue(Files.isDirectory(DIR.resolve("epoch-2")), "checkpoint of epoch 2");

        // the same command again: both epochs are checkpointed, nothing is trained again
        Out again = run("retrain", "--spec", "workflows/quickstart-djl.json", "--arch", ARCH, "--epochs", "2",
                "--data-fraction", "0.03", "--id", "retrain-test", "--json");
        assertEquals(0, again.exit(), again.stderr());
        JsonNode r2 = SpecJson.mapper().readTree(again.stdout().strip().lines().reduce((a, b) -> b).orElseThrow());
        assertEquals(2, r2.path("resumedAfterEpoch").asInt(), r2.toString());
        assertTrue(!again.stderr().contains("epoch 1/2"), again.stderr());
    }

    @Test
    void badInputNamesTheOptionAndTheFix() {
        Out arch = run("retrain", "--spec", "workflows/quickstart-djl.json", "--arch", "conv/k9/w1", "--json");
        assertEquals(ExitCodes.USAGE, arch.exit());
        assertTrue(arch.stderr().contains("--arch") && arch.stderr().contains("leaderboard"), arch.stderr());
        Out frac = run("retrain", "--spec", "workflows/quickstart-djl.json", "--arch", ARCH, "--data-fraction", "1.5");
        assertEquals(ExitCodes.USAGE, frac.exit());
        assertTrue(frac.stderr().contains("--data-fraction"), frac.stderr());
        Out table = run("retrain", "--spec", "workflows/quickstart.json", "--arch", "x");
        assertEquals(ExitCodes.USAGE, table.exit());
        assertTrue(table.stderr().contains("djl"), table.stderr());
        Out recipe = run("retrain", "--spec", "workflows/quickstart-djl.json", "--arch", ARCH, "--recipe",
                "../../etc/passwd");
        assertEquals(ExitCodes.USAGE, recipe.exit());
        assertTrue(recipe.stderr().contains("--recipe"), recipe.stderr());
        Out id = run("retrain", "--spec", "workflows/quickstart-djl.json", "--arch", ARCH, "--id", "../escape");
        assertEquals(ExitCodes.USAGE, id.exit());
        assertTrue(id.stderr().contains("--id"), id.stderr());
    }
}
