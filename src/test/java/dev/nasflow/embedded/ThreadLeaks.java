package dev.nasflow.embedded;

import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

/** Compares live threads before and after something ran. */
public final class ThreadLeaks {
    private ThreadLeaks() {
    }

    /** The threads alive now. */
    public static Set<Thread> snapshot() {
        return Set.copyOf(Thread.getAllStackTraces().keySet());
    }

    /** Threads alive now that were not in {@code before}. */
    public static Set<Thread> newThreads(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !before.contains(t))
                .collect(Collectors.toSet());
    }

    /**
     * Waits up to {@code grace} for every non-daemon thread started since {@code before} to end; returns the names of
     * those still alive (empty = no leak).
     */
    public static Set<String> leakedNonDaemon(Set<Thread> before, Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        Set<Thread> left;
        do {
            left = newThreads(before).stream().filter(t -> !t.isDaemon()).collect(Collectors.toSet());
            if (left.isEmpty()) {
                return Set.of();
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        } while (System.nanoTime() < deadline);
        return left.stream().map(Thread::getName).collect(Collectors.toSet());
    }
}
