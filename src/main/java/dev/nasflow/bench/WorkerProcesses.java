package dev.nasflow.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** {@code nasflow worker} processes for the benchmarks that run several: started until serving, stopped gracefully. */
final class WorkerProcesses {
    private WorkerProcesses() {
    }

    /**
     * Starts {@code java JVM_OPTIONS -cp CLASS_PATH dev.nasflow.cli.Main worker ARGS}, output to {@code log}, and
     * waits (at most 120 s) until it logs that it serves.
     */
    static Process start(String javaCommand, List<String> jvmOptions, String classPath, List<String> workerArgs,
                         Path log, String name, Consumer<String> progress) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaCommand);
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", classPath, "dev.nasflow.cli.Main", "worker"));
        cmd.addAll(workerArgs);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException(name + " exited with " + p.exitValue() + "; log " + log + ":\n"
                        + tail(log));
            }
            if (Files.exists(log)
                    && Files.readString(log, StandardCharsets.UTF_8).contains("nasflow worker: serving")) {
                progress.accept(name + " up (pid " + p.pid() + ")");
                return p;
            }
            Thread.sleep(100);
        }
        p.destroyForcibly();
        throw new IllegalStateException(name + " not serving after 120 s; log " + log + ":\n" + tail(log));
    }

    static String tail(Path log) {
        try {
            String s = Files.readString(log, StandardCharsets.UTF_8);
            return s.substring(Math.max(0, s.length() - 3000));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** SIGTERM (each worker's shutdown hook closes its stack), then SIGKILL whatever is left after 20 s. */
    static void stopAll(List<Process> procs) {
        for (Process p : procs) {
            p.destroy();
        }
        for (Process p : procs) {
            try {
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }
}
