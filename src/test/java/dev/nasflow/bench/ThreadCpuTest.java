package dev.nasflow.bench;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ThreadCpuTest {
    @Test
    void groupsThreadsByName() {
        assertEquals("kafkaClients", ThreadCpu.group("kafka-producer-network-thread | nasflow-worker-1a2b3c"));
        assertEquals("kafkaBroker", ThreadCpu.group("data-plane-kafka-request-handler-0"));
        assertEquals("kafkaBroker", ThreadCpu.group("kafka-1-raft-io-thread"));
        assertEquals("kafkaBroker", ThreadCpu.group("quorum-controller-1-event-handler"));
        assertEquals("grpc", ThreadCpu.group("grpc-default-worker-ELG-1-2"));
        assertEquals("temporalWorker", ThreadCpu.group("Activity Executor taskQueue=\"nasflow\", namespace=\"default\": 3"));
        assertEquals("temporalWorker", ThreadCpu.group("workflow-method-search-1"));
        assertEquals("main", ThreadCpu.group("main"));
        assertEquals("other", ThreadCpu.group("pool-3-thread-1"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void breakdownCoversEveryGroupAndCountsThisThreadsWork() throws Exception {
        ThreadCpu before = ThreadCpu.snapshot();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread worker = new Thread(() -> {
            long x = 0;
            while (!stop.get()) {
                x += Long.numberOfTrailingZeros(System.nanoTime());
            }
            if (x == 42) {
                System.out.print("");
            }
        }, "grpc-default-worker-ELG-test");
        worker.start();
        var mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (mx.getThreadCpuTime(worker.getId()) < 2_000_000L && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        Map<String, Object> m = ThreadCpu.snapshot().since(before, 10);   // the worker is alive and has spun
        stop.set(true);
        worker.join();
        assertTrue(m.keySet().containsAll(List.of(ThreadCpu.GROUPS)), m.toString());
        assertTrue(m.containsKey("gcMillis"), m.toString());
        for (String g : ThreadCpu.GROUPS) {
            assertTrue(((Number) m.get(g)).doubleValue() >= 0, g + " " + m);
        }
        assertTrue(((Number) m.get("grpc")).doubleValue() > 0, "the busy test thread counts as grpc: " + m);
    }
}
