package dev.nasflow.train;

import dev.nasflow.model.ResumePoint;
import dev.nasflow.api.TrainingActivities;
import dev.nasflow.activity.TrainingActivitiesImpl;
import dev.nasflow.activity.TrainingEvents;
import dev.nasflow.activity.TrainingObserver;
import dev.nasflow.activity.StepListener;
import dev.nasflow.model.Constraint;
import dev.nasflow.model.SearchSpec;
import dev.nasflow.model.Outcome;
import dev.nasflow.model.CandidateResult;
import dev.nasflow.model.CandidateTask;
import io.temporal.testing.TestActivityEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The training activity with the djl backend: a retry after a crash resumes at the checkpointed epoch. */
class DjlActivityTest {
    TestActivityEnvironment env;
    TrainingActivities activity;

    @BeforeAll
    static void data() throws Exception {
        DjlTrainerTest.data();
    }

    @BeforeEach
    void setUp() {
        env = TestActivityEnvironment.newInstance();
        env.registerActivitiesImplementations(new TrainingActivitiesImpl(
                List.of(new DjlCandidateTrainer(DjlTrainerTest.PATHS)), TrainingEvents.NONE, TrainingObserver.NONE));
        activity = env.newActivityStub(TrainingActivities.class);
    }

    @AfterEach
    void tearDown() {
        env.close();
    }

    @Test
    void retryAfterACrashResumesFromTheLastCheckpointNotFromZero() throws Exception {
        SearchSpec spec = DjlTrainerTest.spec("activity", "");
        CandidateTask task = DjlTrainerTest.task(spec, "c9", 2, 9);
        String ckpt;
        // the first attempt: trains epoch 1, checkpoints, then its worker dies (nothing more happens)
        try (DjlSession s = (DjlSession) new DjlCandidateTrainer(DjlTrainerTest.PATHS).open(task, null)) {
            CheckpointStore.deleteTree(s.checkpoints().dir());
            s.trainEpoch(StepListener.NONE);
            ckpt = s.checkpoint();
        }
        // the retry gets the last heartbeat's details
        env.setHeartbeatDetails(new ResumePoint(1, ckpt, 50.0, Map.of("validAccuracy", 50.0), 1.0));
        CandidateResult r = activity.train(task);
        assertEquals(Outcome.COMPLETED, r.outcome());
        assertEquals(1, r.resumedFromEpoch(), "resumed at the checkpoint, not from zero");
        assertEquals(2, r.epochsTrained());
        assertTrue(r.metric("validAccuracy") > 0);
        assertTrue(r.metric("latencyMs") > 0 && r.metric("params") > 0, r.metrics().toString());
    }

    @Test
    void infeasibleCandidateNeverTrains() {
        SearchSpec ok = DjlTrainerTest.spec("infeasible", "");
        SearchSpec spec = new SearchSpec(ok.name(), ok.seed(), ok.space(), ok.strategy(), ok.budget(),
                ok.objectives(), List.of(new Constraint("params", 10.0, null)), ok.fidelity(), ok.stopping(),
                ok.trainer(), ok.data(), ok.taskQueue(), ok.artifacts());
        CandidateResult r = activity.train(DjlTrainerTest.task(spec, "c10", 2, 10));
        assertEquals(Outcome.INFEASIBLE, r.outcome());
        assertEquals(0, r.epochsTrained());
        assertTrue(r.reason().contains("params"), r.reason());
    }
}
