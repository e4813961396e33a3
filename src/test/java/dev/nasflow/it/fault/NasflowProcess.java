package dev.nasflow.it.fault;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code nasflow} command ({@code dev.nasflow.cli.Main}) in its own JVM, on this JVM's class path (target/classes
 * and the dependencies), output appended to a log file. {@link #kill()} is {@code kill -9}: no shutdown hook, no
 * graceful close of Temporal or Kafka clients.
 */
final class NasflowProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path log;
    /** Where this process's part of the (appended) log file begins: earlier runs' lines are not its output. */
    private final long logOffset;
    private final long startedNanos = System.nanoTime();

    private NasflowProcess(String name, Process process, Path log, long logOffset) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.logOffset = logOffset;
    }

    /** Starts {@code nasflow args...}; output goes to {@code logDir/name.log}. */
    static NasflowProcess start(String name, Path logDir, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // small, fast-starting JVMs: several run at once on a 2-core machine
        cmd.addAll(List.of("-Xmx256m", "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-XX:CICompilerCount=1", "-Xshare:auto"));
        cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=info");
        cmd.add("-cp");
        cmd.add(classPath());
        cmd.add("dev.nasflow.cli.Main");
        cmd.addAll(args);
        try {
            Files.createDirectories(logDir);
            Path log = logDir.resolve(name + ".log");
            long offset = Files.exists(log) ? Files.size(log) : 0;
            Files.writeString(log, "---- " + String.join(" ", args) + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().keySet().removeIf(k -> k.startsWith("TEMPORAL_") || k.startsWith("KAFKA_")
                    || k.startsWith("NASFLOW_KAFKA"));
            return new NasflowProcess(name, pb.start(), log, offset);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start nasflow " + args, e);
        }
    }

    /** This JVM's class path: under Surefire, the test class path (target/classes + every dependency). */
    static String classPath() {
        String cp = System.getProperty("java.class.path");
        String extra = System.getProperty("surefire.test.class.path");
        if (extra != null && !extra.isBlank() && !cp.contains("target" + File.separator + "classes")) {
            cp = extra;
        }
        return cp;
    }

    long pid() {
        return process.pid();
    }

    String name() {
        return name;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    Path log() {
        return log;
    }

    /** Waits until the log contains {@code text} (e.g. the "serving" line); fails with the log tail otherwise. */
    NasflowProcess awaitLog(String text, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (logText().contains(text)) {
                return this;
            }
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + " before printing '" + text
                        + "':\n" + tail(3000));
            }
            Fault.sleep(50);
        }
        throw new AssertionError(name + " did not print '" + text + "' within " + timeout + ":\n" + tail(3000));
    }

    /** The exit status, waiting up to {@code timeout} for the process to end; fails if it is still running. */
    int exitCode(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(name + " still running after " + timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return process.exitValue();
    }

    /** How many times {@code text} occurs in the log so far. */
    int count(String text) {
        String s = logText();
        int n = 0;
        for (int i = s.indexOf(text); i >= 0; i = s.indexOf(text, i + text.length())) {
            n++;
        }
        return n;
    }

    double upSeconds() {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    /** This process's output so far (the log file from where this process started appending). */
    String logText() {
        try {
            byte[] all = Files.readAllBytes(log);
            int from = (int) Math.min(logOffset, all.length);
            return new String(all, from, all.length - from, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    String tail(int chars) {
        String s = logText();
        return s.length() <= chars ? s : s.substring(s.length() - chars);
    }

    /** SIGKILL: the process dies at once, mid-whatever. */
    void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new AssertionError(name + " (pid " + pid() + ") survived SIGKILL for 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGTERM and wait (graceful shutdown), SIGKILL after 20 s. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
        }
    }
}
