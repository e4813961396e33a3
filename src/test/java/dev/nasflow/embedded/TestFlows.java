package dev.nasflow.embedded;

import dev.nasflow.space.Genome;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.ActivityCompletionException;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Test-only workflows and activities that prove the Temporal plumbing (not nasflow's search workflow). */
public final class TestFlows {
    private TestFlows() {
    }

    /** Workflow input: records, a Genome, Optional, maps and lists all travel through nasflow's data converter. */
    public record Job(String name, int steps, long timerMillis, Genome genome, Optional<String> note,
               Map<String, Double> metrics, List<Integer> xs) {
    }

    public record JobResult(String name, int stepsDone, Genome genome, Map<String, Double> metrics, String worker) {
    }

    @WorkflowInterface
    public interface EchoWorkflow {
        @WorkflowMethod
        JobResult run(Job job);
    }

    @ActivityInterface
    public interface StepActivities {
        @ActivityMethod
        JobResult work(Job job);
    }

    public static class EchoWorkflowImpl implements EchoWorkflow {
        private final StepActivities steps = Workflow.newActivityStub(StepActivities.class,
                ActivityOptions.newBuilder()
                        .setStartToCloseTimeout(Duration.ofSeconds(30))
                        .setRetryOptions(RetryOptions.newBuilder().setInitialInterval(Duration.ofMillis(200))
                                .setBackoffCoefficient(1.0).build())
                        .build());

        @Override
        public JobResult run(Job job) {
            if (job.timerMillis() > 0) {
                Workflow.sleep(Duration.ofMillis(job.timerMillis()));
            }
            return steps.work(job);
        }
    }

    public static final class StepActivitiesImpl implements StepActivities {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public JobResult work(Job job) {
            calls.incrementAndGet();
            double sum = job.xs().stream().mapToInt(Integer::intValue).sum();
            Map<String, Double> m = new java.util.TreeMap<>(job.metrics());
            m.put("sum", sum);
            return new JobResult(job.name(), job.steps(), job.genome(), m, Activity.getExecutionContext()
                    .getInfo().getActivityType());
        }
    }

    // ---- cancellation ----

    @WorkflowInterface
    public interface CancelWorkflow {
        /** Runs a heartbeating activity in a cancellation scope until {@link #cancelNow()}; returns what it saw. */
        @WorkflowMethod
        String run(long heartbeatEveryMillis);

        @SignalMethod
        void cancelNow();
    }

    @ActivityInterface
    public interface LoopActivities {
        @ActivityMethod
        String loop(long heartbeatEveryMillis);
    }

    public static class CancelWorkflowImpl implements CancelWorkflow {
        private final LoopActivities loop = Workflow.newActivityStub(LoopActivities.class,
                ActivityOptions.newBuilder()
                        .setStartToCloseTimeout(Duration.ofMinutes(2))
                        .setHeartbeatTimeout(Duration.ofSeconds(5))
                        .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
                        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                        .build());
        private boolean cancel;

        @Override
        public String run(long heartbeatEveryMillis) {
            Promise<String>[] result = new Promise[1];
            CancellationScope scope = Workflow.newCancellationScope(
                    () -> result[0] = io.temporal.workflow.Async.function(loop::loop, heartbeatEveryMillis));
            scope.run();
            Workflow.await(() -> cancel);
            scope.cancel("stopCandidate");
            try {
                return "completed:" + result[0].get();
            } catch (ActivityFailure e) {
                return "activityFailure:" + e.getCause().getClass().getSimpleName();
            } catch (CanceledFailure e) {
                return "canceled";
            }
        }

        @Override
        public void cancelNow() {
            cancel = true;
        }
    }

    /** Heartbeats every N ms; records when it saw the cancellation. */
    public static final class LoopActivitiesImpl implements LoopActivities {
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch sawCancel = new CountDownLatch(1);
        final AtomicLong sawCancelNanos = new AtomicLong();
        final AtomicInteger heartbeats = new AtomicInteger();
        volatile Class<?> cancelType;
        /** Return a value after seeing the cancellation instead of rethrowing it. */
        volatile boolean returnOnCancel;

        @Override
        public String loop(long every) {
            ActivityExecutionContext ctx = Activity.getExecutionContext();
            started.countDown();
            int i = 0;
            try {
                while (true) {
                    ctx.heartbeat(i++);
                    heartbeats.incrementAndGet();
                    TimeUnit.MILLISECONDS.sleep(every);
                }
            } catch (ActivityCompletionException e) {
                sawCancelNanos.set(System.nanoTime());
                cancelType = e.getClass();
                sawCancel.countDown();
                if (returnOnCancel) {
                    return "stopped after " + i + " heartbeats";
                }
                throw e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw Activity.wrap(e);
            }
        }
    }
}
