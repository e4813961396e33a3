package dev.nasflow.train;

import java.util.concurrent.locks.ReentrantLock;

/**
 * DJL's PyTorch engine allows one gradient collection per JVM at a time. Every training step (forward, backward,
 * optimizer step) and every latency measurement holds this lock, so several sessions in one worker (slots &gt; 1)
 * interleave step by step instead of failing; real parallelism comes from more worker processes.
 */
final class TrainLock {
    static final ReentrantLock LOCK = new ReentrantLock(true);

    private TrainLock() {
    }
}
