package dev.nasflow.workflow;

import dev.nasflow.api.SearchWorkflow;
import dev.nasflow.api.SupernetWorkflow;
import dev.nasflow.model.CandidateResult;
import dev.nasflow.model.SupernetDerivation;
import dev.nasflow.model.SupernetEpoch;
import dev.nasflow.model.SupernetResult;
import dev.nasflow.model.SupernetStatus;
import dev.nasflow.model.SupernetTask;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nasflow.activity.SearchActivitiesImpl;
import dev.nasflow.activity.StepListener;
import dev.nasflow.activity.SupernetActivitiesImpl;
import dev.nasflow.activity.SupernetTrainer;
import dev.nasflow.activity.TrainingActivitiesImpl;
import dev.nasflow.activity.TrainingEvents;
import dev.nasflow.embedded.TemporalClients;
import dev.nasflow.space.SearchSpace;
import dev.nasflow.space.Spaces;
import dev.nasflow.model.SearchSpec;
import dev.nasflow.spec.SpecValidator;
import dev.nasflow.model.Outcome;
import dev.nasflow.train.DjlCandidateTrainer;
import dev.nasflow.train.DjlSupernetTrainer;
import dev.nasflow.train.SupernetFixtures;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SupernetWorkflow end to end on TestWorkflowEnvironment with the real DJL backends on a few hundred Fashion-MNIST
 * images: DARTS to a retrained architecture, and an SPOS run whose epoch activity dies mid-epoch and is retried from
 * the last checkpoint.
 */
class SupernetWorkflowTest {
    static final String QUEUE = "nasflow";
    static final ObjectMapper JSON = TemporalClients.objectMapper();

    TestWorkflowEnvironment env;
    WorkflowClient client;
    /** Every epoch activity attempt: "epoch@attempt:from=resumedFrom" or "epoch@attempt:died". */
    final List<String> attempts = new CopyOnWriteArrayList<>();

    void start(SupernetTrainer supernet) {
        env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
                .setWorkflowClientOptions(WorkflowClientOptions.newBuilder()
                        .setDataConverter(TemporalClients.dataConverter()).build())
                .build());
        Worker w = env.newWorker(QUEUE, TemporalClients.workerOptions(2));
        w.registerWorkflowImplementationTypes(SupernetWorkflowImpl.class, SearchWorkflowImpl.class);
        w.registerActivitiesImplementations(
                new TrainingActivitiesImpl(List.of(new DjlCandidateTrainer(SupernetFixtures.PATHS)),
                        TrainingEvents.NONE, null),
                new SearchActivitiesImpl(new SpecValidator(), null, null),
                new SupernetActivitiesImpl(supernet));
        env.start();
        client = env.getWorkflowClient();
    }

    @AfterEach
    void tearDown() {
        if (env != null) {
            env.close();
        }
    }

    SupernetWorkflow stub(String id) {
        return client.newWorkflowStub(SupernetWorkflow.class,
                WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(QUEUE).build());
    }

    static JsonNode spec(String name, String method, String params) throws Exception {
        return JSON.readTree(SupernetFixtures.json(name, method, params));
    }

    @Test
    void dartsTrainsTheSupernetEpochByEpochDerivesAndRetrains() throws Exception {
        SupernetFixtures.clean("wf-darts");
        start(new DjlSupernetTrainer(SupernetFixtures.PATHS));
        SupernetWorkflow wf = stub("wf-darts");
        SupernetResult r = wf.run(spec("wf-darts", "darts", "\"supernetEpochs\": 2, \"retrainEpochs\": 1"));

        SupernetStatus st = r.status();
        assertEquals("COMPLETED", st.phase());
        assertEquals("darts", st.method());
        assertEquals(2, st.epochsDone());
        assertEquals(2, st.epochs().size());
        for (SupernetEpoch e : st.epochs()) {
            assertEquals(e.epoch() - 1, e.resumedFrom(), "each epoch call starts from the previous checkpoint");
            assertTrue(e.trained());
            assertTrue(e.checkpoint().endsWith("epoch-" + e.epoch()), e.checkpoint());
            assertNotNull(e.arch());
            assertTrue(e.metrics().containsKey("validAccuracy"));
        }
        SupernetDerivation d = r.derivation();
        SearchSpec effective = SupernetFixtures.spec("wf-darts", "darts", "");
        SearchSpace space = Spaces.create(effective.space());
        assertTrue(space.isValid(d.genome()), space.violations(d.genome()).toString());
        assertEquals(space.canonical(d.genome()), d.arch());
        assertEquals(10, d.alpha().size());
        assertTrue(d.ranking().isEmpty());
        CandidateResult retrain = r.retrain();
        assertNotNull(retrain);
        assertEquals(Outcome.COMPLETED, retrain.outcome());
        assertEquals(d.arch(), retrain.arch());
        assertEquals(1, retrain.epochsTrained());
        assertTrue(retrain.metrics().get("validAccuracy") > 10, retrain.metrics().toString());
        assertTrue(retrain.metrics().containsKey("params"));
        // the query answers after completion too
        SupernetStatus q = client.newWorkflowStub(SupernetWorkflow.class, "wf-darts").status();
        assertEquals(d.arch(), q.arch());
    }

    @Test
    void anEpochAttemptThatDiesMidEpochIsRetriedFromTheLastCheckpointNotFromZero() throws Exception {
        SupernetFixtures.clean("wf-spos-crash");
        DjlSupernetTrainer real = new DjlSupernetTrainer(SupernetFixtures.PATHS);
        start(new SupernetTrainer() {
            @Override
            public SupernetEpoch trainEpoch(SupernetTask task, int attempt, StepListener steps) throws Exception {
                StepListener s = steps;
                if (task.epoch() == 3 && attempt == 1) {
                    int[] n = {0};
                    s = () -> {
                        steps.onStep();
                        if (++n[0] == 5) {
                            attempts.add(task.epoch() + "@" + attempt + ":died");
                            throw new IllegalStateException("worker died in the middle of epoch 3");
                        }
                    };
                }
                SupernetEpoch r = real.trainEpoch(task, attempt, s);
                attempts.add(task.epoch() + "@" + attempt + ":from=" + r.resumedFrom());
                return r;
            }

            @Override
            public SupernetDerivation derive(SupernetTask task, StepListener steps) throws Exception {
                return real.derive(task, steps);
            }
        });
        SupernetResult r = stub("wf-spos-crash").run(spec("wf-spos-crash", "spos",
                "\"supernetEpochs\": 4, \"candidates\": 3, \"calibrationBatches\": 1, \"retrainEpochs\": 0"));
        assertEquals(List.of("1@1:from=0", "2@1:from=1", "3@1:died", "3@2:from=2", "4@1:from=3"), attempts);
        SupernetEpoch third = r.status().epochs().get(2);
        assertEquals(3, third.epoch());
        assertEquals(2, third.attempt());
        assertEquals(2, third.resumedFrom(), "the retry resumed at the last finished epoch");
        assertEquals(4, r.status().epochsDone());
        assertEquals(3, r.derivation().ranking().size());
        assertEquals(r.derivation().ranking().get(0).arch(), r.derivation().arch());
        assertTrue(r.derivation().alpha().isEmpty());
        assertNull(r.retrain());
    }

    @Test
    void specsThatAreNotOneShotAreRejectedAndOneShotSpecsAreNotSearchWorkflows() throws Exception {
        start(new DjlSupernetTrainer(SupernetFixtures.PATHS));
        JsonNode rea = JSON.readTree(SupernetFixtures.json("wf-rea", "darts", "").replace("\"darts\", \"params\"",
                "\"rea\", \"params\""));
        WorkflowFailedException f = assertThrows(WorkflowFailedException.class, () -> stub("wf-rea").run(rea));
        ApplicationFailure af = assertInstanceOf(ApplicationFailure.class, f.getCause());
        assertEquals("InvalidSearchSpec", af.getType());
        assertTrue(af.getOriginalMessage().contains("not a one-shot method"), af.getOriginalMessage());

        JsonNode darts = spec("wf-darts-as-search", "darts", "");
        SearchWorkflow search = client.newWorkflowStub(SearchWorkflow.class,
                WorkflowOptions.newBuilder().setWorkflowId("wf-darts-as-search").setTaskQueue(QUEUE).build());
        WorkflowFailedException g = assertThrows(WorkflowFailedException.class, () -> search.run(darts, null));
        ApplicationFailure ag = assertInstanceOf(ApplicationFailure.class, g.getCause());
        assertTrue(ag.getOriginalMessage().contains("SupernetWorkflow"), ag.getOriginalMessage());
        assertFalse(ag.getOriginalMessage().isBlank());
    }
}
