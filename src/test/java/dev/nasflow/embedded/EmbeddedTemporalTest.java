package dev.nasflow.embedded;

import dev.nasflow.embedded.TestFlows.CancelWorkflow;
import dev.nasflow.embedded.TestFlows.CancelWorkflowImpl;
import dev.nasflow.embedded.TestFlows.EchoWorkflow;
import dev.nasflow.embedded.TestFlows.EchoWorkflowImpl;
import dev.nasflow.embedded.TestFlows.Job;
import dev.nasflow.embedded.TestFlows.JobResult;
import dev.nasflow.embedded.TestFlows.LoopActivitiesImpl;
import dev.nasflow.embedded.TestFlows.StepActivitiesImpl;
import dev.nasflow.space.Genome;
import io.temporal.client.ActivityCanceledException;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmbeddedTemporalTest {
    static final Genome GENOME = new Genome("nb201", new int[]{1, 2, 3, 4, 0, 1});

    static Job job(String name, long timerMillis) {
        return new Job(name, 3, timerMillis, GENOME, Optional.of("hi"), Map.of("validAccuracy", 91.5),
                List.of(1, 2, 3));
    }

    @Test
    void workflowCompletesOnWorkerFromFactory() {
        try (EmbeddedTemporal temporal = EmbeddedTemporal.startInProcess()) {
            assertTrue(temporal.isInProcess());
            assertTrue(temporal.address().startsWith("127.0.0.1:"), temporal.address());
            WorkerFactory factory = temporal.newWorkerFactory();
            Worker worker = TemporalClients.newWorker(factory, "tq-echo", 4);
            worker.registerWorkflowImplementationTypes(EchoWorkflowImpl.class);
            StepActivitiesImpl acts = new StepActivitiesImpl();
            worker.registerActivitiesImplementations(acts);
            factory.start();

            EchoWorkflow wf = temporal.client().newWorkflowStub(EchoWorkflow.class,
                    WorkflowOptions.newBuilder().setTaskQueue("tq-echo").setWorkflowId("echo-1").build());
            JobResult r = wf.run(job("echo", 0));
            assertEquals("echo", r.name());
            assertEquals(GENOME, r.genome());
            assertEquals(6.0, r.metrics().get("sum"));
            assertEquals(91.5, r.metrics().get("validAccuracy"));
            assertEquals("Work", r.worker());
            assertEquals(1, acts.calls.get());
            assertEquals(4, worker.getWorkerOptions().getMaxConcurrentActivityExecutionSize());
            assertEquals(TemporalClients.HEARTBEAT_THROTTLE, worker.getWorkerOptions().getMaxHeartbeatThrottleInterval());
        }
    }

    @Test
    void clientInAnotherProcessReachesTheServerByAddress() {
        try (EmbeddedTemporal temporal = EmbeddedTemporal.startInProcess()) {
            // a second, independent client (as a worker JVM would build it) from the advertised settings
            TemporalSettings remote = TemporalSettings.of(temporal.address());
            try (EmbeddedTemporal other = EmbeddedTemporal.start(remote)) {
                assertFalse(other.isInProcess());
                WorkerFactory factory = other.newWorkerFactory();
                Worker worker = TemporalClients.newWorker(factory, "tq-remote", 2);
                worker.registerWorkflowImplementationTypes(EchoWorkflowImpl.class);
                worker.registerActivitiesImplementations(new StepActivitiesImpl());
                factory.start();
                EchoWorkflow wf = temporal.client().newWorkflowStub(EchoWorkflow.class,
                        WorkflowOptions.newBuilder().setTaskQueue("tq-remote").build());
                assertEquals(GENOME, wf.run(job("remote", 50)).genome());
            }
        }
    }

    @Test
    void activityCancellationLandsFastWithTheThrottle() throws Exception {
        try (EmbeddedTemporal temporal = EmbeddedTemporal.startInProcess()) {
            WorkerFactory factory = temporal.newWorkerFactory();
            Worker worker = TemporalClients.newWorker(factory, "tq-cancel", 4);
            worker.registerWorkflowImplementationTypes(CancelWorkflowImpl.class);
            LoopActivitiesImpl loop = new LoopActivitiesImpl();
            worker.registerActivitiesImplementations(loop);
            factory.start();

            CancelWorkflow wf = temporal.client().newWorkflowStub(CancelWorkflow.class,
                    WorkflowOptions.newBuilder().setTaskQueue("tq-cancel").setWorkflowId("cancel-1").build());
            WorkflowClient.start(wf::run, 20L);
            assertTrue(loop.started.await(20, TimeUnit.SECONDS), "activity never started");
            Thread.sleep(300); // let it heartbeat a while
            long t0 = System.nanoTime();
            wf.cancelNow();
            assertTrue(loop.sawCancel.await(10, TimeUnit.SECONDS), "activity never saw the cancellation");
            long ms = TimeUnit.NANOSECONDS.toMillis(loop.sawCancelNanos.get() - t0);
            String outcome = temporal.client().newUntypedWorkflowStub("cancel-1").getResult(String.class);
            System.out.printf("cancellation latency (signal sent -> activity saw %s): %d ms after %d heartbeats; "
                    + "workflow saw: %s%n", loop.cancelType.getSimpleName(), ms, loop.heartbeats.get(), outcome);
            assertEquals(ActivityCanceledException.class, loop.cancelType);
            assertTrue(ms < 3000, "cancellation took " + ms + " ms");
            assertTrue(outcome.startsWith("activityFailure:CanceledFailure") || outcome.equals("canceled"), outcome);
        }
    }

    /**
     * Documents SDK behaviour the search workflow can rely on: with {@code WAIT_CANCELLATION_COMPLETED}, an activity
     * that catches the cancellation (seen on a heartbeat) and returns normally completes, and the workflow's promise
     * gets that value even though its scope was cancelled. So a stopped candidate can report STOPPED_EARLY with its
     * last metrics as an ordinary result.
     */
    @Test
    void valueReturnedAfterCancellationReachesTheWorkflow() throws Exception {
        try (EmbeddedTemporal temporal = EmbeddedTemporal.startInProcess()) {
            WorkerFactory factory = temporal.newWorkerFactory();
            Worker worker = TemporalClients.newWorker(factory, "tq-cancel-return", 4);
            worker.registerWorkflowImplementationTypes(CancelWorkflowImpl.class);
            LoopActivitiesImpl loop = new LoopActivitiesImpl();
            loop.returnOnCancel = true;
            worker.registerActivitiesImplementations(loop);
            factory.start();
            CancelWorkflow wf = temporal.client().newWorkflowStub(CancelWorkflow.class,
                    WorkflowOptions.newBuilder().setTaskQueue("tq-cancel-return").setWorkflowId("cancel-2").build());
            WorkflowClient.start(wf::run, 20L);
            assertTrue(loop.started.await(20, TimeUnit.SECONDS));
            wf.cancelNow();
            assertTrue(loop.sawCancel.await(10, TimeUnit.SECONDS));
            String outcome = temporal.client().newUntypedWorkflowStub("cancel-2").getResult(String.class);
            System.out.println("activity returned a value after cancellation; workflow saw: " + outcome);
            assertTrue(outcome.startsWith("completed:stopped after "), outcome);
        }
    }

    @Test
    void closeLeaksNoThreadsAndFreesThePort() throws Exception {
        Set<Thread> before = nonDaemonThreads();
        int port;
        try (EmbeddedTemporal temporal = EmbeddedTemporal.startInProcess()) {
            port = temporal.port();
            WorkerFactory factory = temporal.newWorkerFactory();
            Worker worker = TemporalClients.newWorker(factory, "tq-leak", 2);
            worker.registerWorkflowImplementationTypes(EchoWorkflowImpl.class);
            worker.registerActivitiesImplementations(new StepActivitiesImpl());
            factory.start();
            temporal.client().newWorkflowStub(EchoWorkflow.class,
                    WorkflowOptions.newBuilder().setTaskQueue("tq-leak").build()).run(job("leak", 10));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Set<Thread> leaked;
        do {
            leaked = nonDaemonThreads();
            leaked.removeAll(before);
            if (leaked.isEmpty()) {
                break;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        assertTrue(leaked.isEmpty(), "non-daemon threads left: "
                + leaked.stream().map(Thread::getName).collect(Collectors.toList()));
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", port)); // the port is free again
        }
    }

    @Test
    void startWithoutAddressRunsInProcessAndExternalSettingsConnect() {
        try (EmbeddedTemporal a = EmbeddedTemporal.start(TemporalSettings.embedded())) {
            assertTrue(a.isInProcess());
            assertEquals("default", a.namespace());
            WorkflowServiceStubs stubs = TemporalClients.connect(a.settings(), Duration.ofSeconds(5));
            stubs.shutdownNow();
            TemporalClients.newWorker(a.newWorkerFactory(), "never-started", 1); // close() copes with it
        }
    }

    @Test
    void noServerAtTheAddressIsAClearError() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        TemporalSettings nowhere = TemporalSettings.of("127.0.0.1:" + port);
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> EmbeddedTemporal.connect(nowhere, Duration.ofMillis(800)));
        assertTrue(e.getMessage().contains("127.0.0.1:" + port + " did not answer within 800 ms"), e.getMessage());
        assertTrue(e.getMessage().contains("--temporal / TEMPORAL_ADDRESS"), e.getMessage());
    }

    private static Set<Thread> nonDaemonThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !t.isDaemon())
                .collect(Collectors.toSet());
    }
}
