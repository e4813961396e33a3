package dev.nasflow.metrics;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Finding and running the external programs the ops tests use (prometheus, promtool, docker-compose, chromium). */
public final class ExternalTools {
    private ExternalTools() {
    }

    /** The program from env {@code envVar} or the PATH, or empty. */
    public static Optional<Path> find(String envVar, String... names) {
        String given = System.getenv(envVar);
        if (given != null && !given.isBlank() && Files.isExecutable(Path.of(given))) {
            return Optional.of(Path.of(given));
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String name : names) {
            for (String dir : path.split(File.pathSeparator)) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p) && !Files.isDirectory(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    /** The program, or the test is skipped with a loud message saying how to install it. */
    public static Path require(String envVar, String install, String... names) {
        Optional<Path> p = find(envVar, names);
        if (p.isEmpty()) {
            String msg = "SKIPPED: '" + names[0] + "' not found on PATH (or $" + envVar + "): " + install
                    + " (bash ops/scripts/install-test-deps.sh does it)";
            System.err.println("*".repeat(100));
            System.err.println("* " + msg);
            System.err.println("*".repeat(100));
            Assumptions.abort(msg);
        }
        return p.get();
    }

    /** Result of a finished program. */
    public record Run(int exitCode, String output) {
    }

    /** Runs a program to its end (stdout and stderr together), failing after {@code timeoutSeconds}. */
    public static Run run(Path dir, long timeoutSeconds, String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(command));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        Path log = Files.createTempFile("nasflow-tool", ".log");
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", cmd) + " did not finish within " + timeoutSeconds + " s:\n"
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** A port that was free a moment ago on 127.0.0.1. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }
}
