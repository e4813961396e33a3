package dev.nasflow.activity;

import dev.nasflow.api.TrainingActivities;
import dev.nasflow.model.ResumePoint;
import dev.nasflow.bench.SearchRun;
import dev.nasflow.train.TableCandidateTrainer;
import dev.nasflow.space.CellSpace;
import dev.nasflow.space.Genome;
import dev.nasflow.model.SearchSpec;
import dev.nasflow.spec.SpecValidation;
import dev.nasflow.spec.SpecValidator;
import dev.nasflow.model.Outcome;
import dev.nasflow.model.CandidateResult;
import dev.nasflow.model.CandidateTask;
import io.temporal.testing.TestActivityEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which heartbeats the training activity sends (each one is a server write on a real Temporal server). */
class TrainingHeartbeatTest {
    private TestActivityEnvironment env;
    private final List<ResumePoint> beats = new CopyOnWriteArrayList<>();
    private TrainingActivities activities;

    @BeforeEach
    void setUp() {
        env = TestActivityEnvironment.newInstance();
        env.registerActivitiesImplementations(new TrainingActivitiesImpl(List.of(new TableCandidateTrainer()),
                TrainingEvents.NONE, TrainingObserver.NONE));
        env.setActivityHeartbeatListener(ResumePoint.class, beats::add);
        activities = env.newActivityStub(TrainingActivities.class);
    }

    @AfterEach
    void tearDown() {
        env.close();
    }

    private static CandidateTask task(int epochs, int pacing) {
        SpecValidation v = new SpecValidator().validate(
                SearchRun.spec("hb-test", 10, 1, 1, epochs, pacing, 1, "nasflow").toString(), "test");
        assertTrue(v.ok(), v::report);
        SearchSpec spec = v.effective();
        CellSpace space = CellSpace.nb201();
        Genome g = space.random(new java.util.Random(3));
        return new CandidateTask("hb-test", "hb-test-g0-c0", 0, 0, g, space.canonical(g), space.hash(g), epochs, 1,
                spec);
    }

    @Test
    void unpacedSingleEpochCandidateSendsNoHeartbeat() {
        CandidateResult r = activities.train(task(1, 0));
        assertEquals(Outcome.COMPLETED, r.outcome());
        assertEquals(1, r.epochsTrained());
        assertEquals(List.of(), beats);
    }

    @Test
    void unpacedCandidateRecordsItsFirstEpoch() {
        // sent heartbeats (the SDK throttles the rest): the first one, after epoch 1, goes out at once
        CandidateResult r = activities.train(task(3, 0));
        assertEquals(Outcome.COMPLETED, r.outcome());
        assertEquals(List.of(1), beats.stream().map(ResumePoint::epoch).toList());
    }

    @Test
    void pacedEpochHeartbeatsWhileItRuns() {
        CandidateResult r = activities.train(task(1, 150));
        assertEquals(Outcome.COMPLETED, r.outcome());
        assertTrue(!beats.isEmpty(), "a paced epoch steps (heartbeats) so cancellation can land");
        assertEquals(0, beats.get(0).epoch());
    }
}
