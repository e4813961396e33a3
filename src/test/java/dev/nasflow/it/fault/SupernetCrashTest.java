package dev.nasflow.it.fault;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nasflow.wiring.DevStack;
import dev.nasflow.embedded.TemporalClients;
import dev.nasflow.space.SearchSpace;
import dev.nasflow.space.Spaces;
import dev.nasflow.testing.Slow;
import dev.nasflow.train.SupernetFixtures;
import dev.nasflow.model.SupernetEpoch;
import dev.nasflow.model.SupernetResult;
import dev.nasflow.api.SupernetWorkflow;
import dev.nasflow.workflow.SupernetWorkflowImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Killing the supernet worker mid-run: the DARTS supernet trains on a separate {@code nasflow worker} process, which
 * is killed with SIGKILL ({@code destroyForcibly}) in the middle of an epoch; a fresh worker process picks the epoch up
 * after the heartbeat timeout and resumes from the last epoch's checkpoint on disk, not from zero. The workflow runs
 * on a worker in this JVM (as in {@link WorkerCrashTest}).
 */
@Slow
class SupernetCrashTest {
    static final String WF_QUEUE = "sn-wf";
    static final String TRAIN_QUEUE = "sn-train";

    @Test
    void supernetWorkerKilledMidEpochResumesAtTheLastCheckpointedEpoch(@TempDir Path dir) throws Exception {
        String name = "sn-crash";
        SupernetFixtures.clean(name);
        Path logs = Path.of("target", "reliability", "logs", "supernet-crash");
        List<NasflowProcess> workers = new ArrayList<>();
        try (DevStack stack = DevStack.builder(dir).workerSlots(0).stopper(false).surrogate(false).start()) {
            Fault.startWorkflowWorker(stack, WF_QUEUE, SupernetWorkflowImpl.class, null);
            java.util.function.Supplier<NasflowProcess> newWorker = Fault.workerProcesses("worker", logs, stack,
                    dir, TRAIN_QUEUE, "--slots", "1");
            NasflowProcess first = newWorker.get();
            workers.add(first);
            first.awaitLog("nasflow worker: serving", Duration.ofSeconds(120));

            ObjectNode spec = (ObjectNode) TemporalClients.objectMapper().readTree(SupernetFixtures.json(name, "darts",
                    "\"supernetEpochs\": 3, \"retrainEpochs\": 0"));
            spec.put("taskQueue", TRAIN_QUEUE);
            String id = "sn-crash-" + Long.toHexString(System.nanoTime());
            WorkflowClient client = stack.client();
            SupernetWorkflow search = client.newWorkflowStub(SupernetWorkflow.class,
                    WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(WF_QUEUE).build());
            WorkflowClient.start(search::run, spec);

            Path supernet = Path.of("target", "supernet-tests", name, id, "supernet");
            long deadline = System.currentTimeMillis() + 240_000;
            while (!Files.isRegularFile(supernet.resolve("epoch-1/state.json"))) {
                assertTrue(System.currentTimeMillis() < deadline, "epoch 1 checkpoint within 4 min: "
                        + first.tail(2000));
                Thread.sleep(100);
            }
            // inside epoch 2: once its activity has started on this worker (an epoch takes 1-5 s on 2 cores, under
            // 2.5 s on an idle machine, so a fixed wait could land after it)
            long epoch1Written = Files.getLastModifiedTime(supernet.resolve("epoch-1/state.json")).toMillis();
            while (!epochActivityStarted(client, id, epoch1Written)) {
                assertTrue(System.currentTimeMillis() < deadline, "epoch 2 started within 4 min");
                Thread.sleep(20);
            }
            Thread.sleep(200);
            assertFalse(Files.exists(supernet.resolve("epoch-2")), "the kill lands inside epoch 2");
            first.kill();
            long gone = System.currentTimeMillis() + 30_000;
            while (first.isAlive() && System.currentTimeMillis() < gone) {
                Thread.sleep(50);
            }
            assertFalse(first.isAlive(), "the worker is dead");
            assertFalse(Files.exists(supernet.resolve("epoch-2/state.json")), "epoch 2 was not finished");
            NasflowProcess second = newWorker.get();
            workers.add(second);

            SupernetResult r = client.newUntypedWorkflowStub(id).getResult(6, TimeUnit.MINUTES, SupernetResult.class);
            List<SupernetEpoch> epochs = r.status().epochs();
            assertEquals(3, epochs.size());
            assertEquals(List.of(0, 1, 2), epochs.stream().map(SupernetEpoch::resumedFrom).toList(),
                    "every epoch started from the previous one's checkpoint");
            assertEquals(List.of(1, 2, 1), epochs.stream().map(SupernetEpoch::attempt).toList(),
                    "epoch 2 needed a second attempt, on the fresh worker");
            assertTrue(second.logText().contains("supernet resumed from"), second.tail(3000));
            assertTrue(second.logText().contains("epoch-1 (epoch 1)"), "the new worker loaded epoch 1's checkpoint");
            assertFalse(second.logText().contains("supernet (darts) epoch 1:"), "epoch 1 was not trained again");
            SearchSpace space = Spaces.create(SupernetFixtures.spec(name, "darts", "").space());
            assertTrue(space.isValid(r.derivation().genome()));
            System.out.println("supernet crash: killed worker pid " + first.pid() + " inside epoch 2; epochs "
                    + epochs + "; derived " + r.derivation().arch());
        } finally {
            workers.forEach(NasflowProcess::close);
        }
    }

    /** An epoch activity started on a worker after {@code afterMs} (i.e. the next epoch's) is running. */
    static boolean epochActivityStarted(WorkflowClient client, String id, long afterMs) {
        return client.newUntypedWorkflowStub(id).describe().getRawDescription().getPendingActivitiesList().stream()
                .anyMatch(a -> a.getState() == io.temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED
                        && a.getLastStartedTime().getSeconds() * 1000 + a.getLastStartedTime().getNanos() / 1_000_000
                        > afterMs);
    }
}
