package dev.nasflow.cli;

import dev.nasflow.activity.CandidateTrainer;
import dev.nasflow.train.TableCandidateTrainer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What the long-running commands share: the trainer backends a worker serves and the work directory. */
final class Services {
    private Services() {
    }

    /** Training backends available in this build: the NAS-Bench-201 table (and DJL when it is on the classpath). */
    static List<CandidateTrainer> trainers() {
        List<CandidateTrainer> out = new ArrayList<>();
        out.add(new TableCandidateTrainer());
        out.add(new dev.nasflow.train.DjlCandidateTrainer());
        return out;
    }

    static Path workDir(Path given, String name) {
        if (given != null) {
            return given;
        }
        String home = System.getenv("NASFLOW_HOME");
        return Path.of(home == null ? "." : home).resolve("work").resolve(name);
    }

    /** Blocks until the JVM is asked to stop (Ctrl-C / SIGTERM), then closes {@code resource}. */
    static void runUntilStopped(AutoCloseable resource) throws InterruptedException {
        java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopped.countDown();
            try {
                closed.await(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "nasflow-shutdown"));
        try {
            stopped.await();
        } finally {
            try {
                resource.close();
            } catch (Exception e) {
                System.err.println("nasflow: error while stopping: " + e);
            }
            closed.countDown();
        }
    }

    /** Deletes a scratch directory and everything in it, best effort (a leftover is only disk space). */
    static void deleteTree(java.nio.file.Path dir) {
        if (!java.nio.file.Files.exists(dir)) {
            return;
        }
        try (java.util.stream.Stream<java.nio.file.Path> s = java.nio.file.Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            // best effort
        }
    }
}
