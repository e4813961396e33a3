package dev.nasflow.cli;

import dev.nasflow.embedded.TemporalSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TemporalOptionsTest {
    @Command(name = "probe")
    static final class Probe implements Runnable {
        @Mixin
        TemporalOptions temporal;
        TemporalSettings seen;
        Map<String, String> env = Map.of();

        @Override
        public void run() {
            seen = temporal.settings(env);
        }
    }

    private static Probe run(Map<String, String> env, String... args) {
        Probe p = new Probe();
        p.env = env;
        assertEquals(0, new CommandLine(p).execute(args));
        return p;
    }

    @Test
    void noOptionsNoEnvMeansInProcess() {
        assertFalse(run(Map.of()).seen.isExternal());
    }

    @Test
    void optionsOverrideTheEnvironment(@TempDir Path dir) throws Exception {
        Path keyFile = dir.resolve("key");
        Files.writeString(keyFile, "  from-file\n");
        Probe p = run(Map.of("TEMPORAL_ADDRESS", "env:1", "TEMPORAL_NAMESPACE", "envns", "TEMPORAL_API_KEY", "env-key"),
                "--temporal", "cli:7233", "--tls-ca-path", "/ca.pem", "--tls-server-name", "t.example",
                "--api-key-file", keyFile.toString());
        assertEquals("cli:7233", p.seen.address().orElseThrow());
        assertEquals("envns", p.seen.namespace());
        assertEquals(Path.of("/ca.pem"), p.seen.tlsCaPath().orElseThrow());
        assertEquals("from-file", p.seen.apiKey().orElseThrow());
        assertTrue(p.seen.tlsEnabled());

        Probe q = run(Map.of("TEMPORAL_API_KEY", "k", "TEMPORAL_ADDRESS", "h:1"), "--tls=false", "--namespace", "x");
        assertFalse(q.seen.tlsEnabled());
        assertEquals("x", q.seen.namespace());
        assertTrue(run(Map.of(), "--temporal", "h:1", "--tls").seen.tlsEnabled());
    }

    @Test
    void badValueIsAUsageErrorNamingTheOption() {
        Probe p = new Probe();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(p);
        cl.setErr(new PrintWriter(err));
        int code = cl.execute("--temporal", "nohost");
        assertEquals(2, code);
        assertTrue(err.toString().contains("has no port"), err.toString());
        assertTrue(err.toString().contains("--temporal"), err.toString());
    }
}
