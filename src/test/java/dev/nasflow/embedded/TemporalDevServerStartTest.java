package dev.nasflow.embedded;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The dev server's start-up faults: the process exits while starting (as it did in CI with a Go panic when another
 * process took one of the internal ports it had picked), and the free-port choice that made that likely.
 */
class TemporalDevServerStartTest {

    static Path script(Path dir, String name, String body) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    static final String PANIC = "echo 'time=2026-12-06T12:28:40 level=ERROR msg=\"Failed to start gRPC listener\" "
            + "error=\"listen tcp 127.0.0.1:40001: bind: address already in use\"'\n"
            + "echo 'panic: listen tcp 127.0.0.1:40001: bind: address already in use'\n"
            + "echo ''\necho 'goroutine 1 [running]:'\n"
            + "for i in $(seq 1 200); do echo \"go.uber.org/dig.paramList.BuildList(...) frame $i\"; done\n"
            + "exit 2";

    @Test
    void aServerThatKeepsExitingWhileStartingIsReportedWithItsPanicLineNotItsStackTrace(@TempDir Path dir)
            throws IOException {
        Path fake = script(dir, "temporal", PANIC);
        TemporalDevServer server = TemporalDevServer.builder().binary(fake).workDir(dir.resolve("work"))
                .startTimeout(Duration.ofSeconds(20)).build();
        IllegalStateException e = assertThrows(IllegalStateException.class, server::start);
        String m = e.getMessage();
        assertTrue(m.startsWith("temporal dev server exited with code 2 while starting on 127.0.0.1:"), m);
        assertTrue(m.contains("panic: listen tcp 127.0.0.1:40001: bind: address already in use"), m);
        assertTrue(m.contains("Failed to start gRPC listener"), m);
        assertTrue(m.contains("(attempt " + TemporalDevServer.START_ATTEMPTS + " of "
                + TemporalDevServer.START_ATTEMPTS + ")"), m);
        String log = Files.readString(dir.resolve("work").resolve("temporal-dev-" + server.port() + ".log"));
        assertEquals(TemporalDevServer.START_ATTEMPTS, log.split("\n---- ", -1).length, "one launch per attempt");
        assertTrue(!server.isRunning());
        server.close();
    }

    @Test
    void aServerThatExitsOnceWhileStartingIsStartedAgain(@TempDir Path dir) throws Exception {
        Path real = TemporalDevServer.findBinary().orElse(null);
        assumeTrue(real != null, "no temporal binary: run bash ops/scripts/setup-python.sh");
        Path count = dir.resolve("launches");
        Path wrapper = script(dir, "temporal-flaky",
                "n=$(cat " + count + " 2>/dev/null || echo 0); n=$((n+1)); echo $n > " + count + "\n"
                        + "if [ \"$n\" -le 2 ]; then\n" + PANIC + "\nfi\nexec " + real + " \"$@\"");
        try (TemporalDevServer server = TemporalDevServer.builder().binary(wrapper).workDir(dir.resolve("work"))
                .start()) {
            assertTrue(server.isRunning());
            assertEquals("3", Files.readString(count).strip(), "two early exits, then a server that answered");
            server.kill();
            server.start(); // a restart after a crash still works (fourth launch, same port and db)
            assertEquals("4", Files.readString(count).strip());
        }
    }

    @Test
    void theExitReasonIsTheErrorOrPanicLine() {
        assertEquals("Error: can't set frontend port 5: listen tcp 127.0.0.1:5: bind: address already in use",
                TemporalDevServer.exitReasonOf("---- temporal server start-dev\n"
                        + "Error: can't set frontend port 5: listen tcp 127.0.0.1:5: bind: address already in use\n"));
        assertEquals("panic: boom", TemporalDevServer.exitReasonOf("hello\npanic: boom\n\ngoroutine 1\npanic: later"));
        assertEquals("no error line in its log", TemporalDevServer.exitReasonOf("started\nstopping\n"));
    }

    @Test
    void aReservedPortIsNotHandedOutByBindZeroButCanBeBoundExplicitly() throws IOException {
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        int port = FreePorts.reserve(lo);
        for (int i = 0; i < 3000; i++) {
            try (ServerSocket s = new ServerSocket(0, 1, lo)) {
                assertTrue(s.getLocalPort() != port, "bind(0) handed out the reserved port " + port);
            }
        }
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(lo, port));
            assertEquals(port, s.getLocalPort());
        }
    }
}
