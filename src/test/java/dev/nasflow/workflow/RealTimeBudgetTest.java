package dev.nasflow.workflow;

import dev.nasflow.api.SearchWorkflow;
import dev.nasflow.api.SearchResult;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nasflow.activity.SearchActivitiesImpl;
import dev.nasflow.activity.TrainingActivitiesImpl;
import dev.nasflow.activity.TrainingEvents;
import dev.nasflow.train.TableCandidateTrainer;
import dev.nasflow.embedded.EmbeddedTemporal;
import dev.nasflow.embedded.TemporalClients;
import dev.nasflow.spec.SpecValidator;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real-time budget that runs out while candidates of the generation are still queued: the running ones finish,
 * the queued ones are dropped, and the workflow waits for the running ones instead of spinning (which the SDK's
 * deadlock detector turns into failed workflow tasks).
 */
class RealTimeBudgetTest {
    @Test
    void realSecondsRunningOutWithQueuedCandidatesEndsTheSearch() throws Exception {
        try (EmbeddedTemporal temporal = EmbeddedTemporal.startInProcess()) {
            WorkerFactory factory = temporal.newWorkerFactory();
            Worker w = factory.newWorker("rt-budget", TemporalClients.workerOptions(2));
            w.registerWorkflowImplementationTypes(SearchWorkflowImpl.class);
            w.registerActivitiesImplementations(new TrainingActivitiesImpl(List.of(new TableCandidateTrainer()),
                    TrainingEvents.NONE, null), new SearchActivitiesImpl(new SpecValidator(), null, null));
            factory.start();
            ObjectNode s = TemporalClients.objectMapper().createObjectNode();
            s.put("name", "rt-budget");
            s.put("seed", 3);
            s.putObject("space").put("type", "nb201");
            s.putObject("strategy").put("type", "random");
            s.putObject("budget").put("realSeconds", 1.5).put("populationSize", 12).put("maxConcurrent", 2);
            s.putObject("fidelity").put("epochs", 12);
            s.putObject("trainer").put("type", "nb201").put("pacingMillisPerEpoch", 60);
            s.put("taskQueue", "rt-budget");
            WorkflowClient client = temporal.client();
            SearchWorkflow wf = client.newWorkflowStub(SearchWorkflow.class,
                    WorkflowOptions.newBuilder().setWorkflowId("rt").setTaskQueue("rt-budget").build());
            WorkflowClient.start(wf::run, s, null);
            SearchResult r = client.newUntypedWorkflowStub("rt").getResult(60, TimeUnit.SECONDS, SearchResult.class);
            assertEquals("COMPLETED", r.status().phase());
            assertTrue(r.status().evaluations() >= 2 && r.status().evaluations() < 12, r.status().toString());
            assertEquals(r.status().evaluations(), r.status().completed(), "running candidates finished");
            long failedTasks = client.fetchHistory("rt").getHistory().getEventsList().stream()
                    .filter(e -> e.getEventType() == io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED)
                    .count();
            assertEquals(0, failedTasks, "no workflow task failed (a spinning workflow thread trips the deadlock "
                    + "detector)");
        }
    }
}
