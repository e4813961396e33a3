package dev.nasflow.activity;

import dev.nasflow.api.TrainingActivities;
import dev.nasflow.model.EpochReport;
import dev.nasflow.model.ResumePoint;
import dev.nasflow.bench.SearchRun;
import dev.nasflow.train.TableCandidateTrainer;
import dev.nasflow.space.CellSpace;
import dev.nasflow.space.Genome;
import dev.nasflow.space.SearchSpace;
import dev.nasflow.spec.SpecValidation;
import dev.nasflow.spec.SpecValidator;
import dev.nasflow.model.SearchEventType;
import dev.nasflow.model.Outcome;
import dev.nasflow.model.CandidateResult;
import dev.nasflow.model.CandidateTask;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestActivityEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The training activity sends its events without waiting but never heartbeats an epoch, nor returns, before the
 * events sent so far are acknowledged (the stopper and the exactly-once de-duplication rely on it).
 */
class EventAckOrderTest {
    private final List<String> log = new CopyOnWriteArrayList<>();
    private TestActivityEnvironment env;

    /** Logs "sent X" when an event is handed over and "acked X" when its acknowledgement is awaited. */
    private final class RecordingEvents implements TrainingEvents {
        private final String failAck;

        RecordingEvents(String failAck) {
            this.failAck = failAck;
        }

        @Override
        public void epoch(CandidateTask task, EpochReport report, double simSecondsTotal) {
            epochAsync(task, report, simSecondsTotal).await();
        }

        @Override
        public void candidate(CandidateTask task, SearchSpace space, SearchEventType type,
                              Map<String, Object> payload) {
            candidateAsync(task, space, type, payload).await();
        }

        @Override
        public Pending epochAsync(CandidateTask task, EpochReport report, double simSecondsTotal) {
            return send("epoch" + report.epoch());
        }

        @Override
        public Pending candidateAsync(CandidateTask task, SearchSpace space, SearchEventType type,
                                      Map<String, Object> payload) {
            return send(type.name());
        }

        private Pending send(String what) {
            log.add("sent " + what);
            AtomicBoolean acked = new AtomicBoolean();
            return () -> {
                if (what.equals(failAck)) {
                    throw new IllegalStateException("Kafka did not acknowledge " + what);
                }
                if (acked.compareAndSet(false, true)) {
                    log.add("acked " + what);
                }
            };
        }
    }

    /**
     * The table trainer with checkpoints, as DJL's: its sessions log "checkpoint N" where a DJL session would write
     * epoch N's state to disk (which a retry resumes from, newest first, whatever the last heartbeat says).
     */
    private final class CheckpointingTrainer implements CandidateTrainer {
        private final TableCandidateTrainer table = new TableCandidateTrainer();

        @Override
        public String type() {
            return table.type();
        }

        @Override
        public TrainingSession open(CandidateTask task, ResumePoint resume) throws Exception {
            TrainingSession s = table.open(task, resume);
            return new TrainingSession() {
                @Override
                public int epochsDone() {
                    return s.epochsDone();
                }

                @Override
                public EpochReport trainEpoch(StepListener steps) throws Exception {
                    return s.trainEpoch(steps);
                }

                @Override
                public String checkpoint() {
                    log.add("checkpoint " + s.epochsDone());
                    return "ckpt-" + s.epochsDone();
                }

                @Override
                public Map<String, Double> staticMetrics() {
                    return s.staticMetrics();
                }

                @Override
                public void close() {
                    s.close();
                }
            };
        }
    }

    private TrainingActivities activities(String failAck) {
        return activities(failAck, new TableCandidateTrainer());
    }

    private TrainingActivities activities(String failAck, CandidateTrainer trainer) {
        env = TestActivityEnvironment.newInstance();
        env.registerActivitiesImplementations(new TrainingActivitiesImpl(List.of(trainer),
                new RecordingEvents(failAck), TrainingObserver.NONE));
        env.setActivityHeartbeatListener(ResumePoint.class, p -> log.add("heartbeat " + p.epoch()));
        return env.newActivityStub(TrainingActivities.class, ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofMinutes(1))
                .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                .build());
    }

    @AfterEach
    void tearDown() {
        if (env != null) {
            env.close();
        }
    }

    private static CandidateTask task(int epochs, int pacing) {
        SpecValidation v = new SpecValidator().validate(
                SearchRun.spec("ack-test", 10, 1, 1, epochs, pacing, 1, "nasflow").toString(), "test");
        assertTrue(v.ok(), v::report);
        CellSpace space = CellSpace.nb201();
        Genome g = space.random(new java.util.Random(3));
        return new CandidateTask("ack-test", "ack-test-g0-c0", 0, 0, g, space.canonical(g), space.hash(g), epochs, 1,
                v.effective());
    }

    @Test
    void aShortCandidatesEventsShareOneAcknowledgementWait() {
        CandidateResult r = activities(null).train(task(1, 0));
        assertEquals(Outcome.COMPLETED, r.outcome());
        assertEquals(List.of("sent CANDIDATE_STARTED", "sent epoch1", "sent CANDIDATE_FINISHED",
                "acked CANDIDATE_STARTED", "acked epoch1", "acked CANDIDATE_FINISHED"), log);
    }

    @Test
    void everyHeartbeatFollowsTheAcknowledgementOfItsEpoch() {
        CandidateResult r = activities(null).train(task(3, 120));
        assertEquals(Outcome.COMPLETED, r.outcome());
        int beats = 0;
        for (int i = 0; i < log.size(); i++) {
            String e = log.get(i);
            if (!e.startsWith("heartbeat ")) {
                continue;
            }
            beats++;
            int epoch = Integer.parseInt(e.substring("heartbeat ".length()));
            List<String> before = log.subList(0, i);
            assertTrue(before.contains("acked CANDIDATE_STARTED"), "start event acknowledged before " + e + ": " + log);
            for (int k = 1; k <= epoch; k++) {
                assertTrue(before.contains("acked epoch" + k), "epoch " + k + " acknowledged before " + e + ": " + log);
            }
        }
        assertTrue(beats > 0, log.toString());
        for (String e : log) {
            if (e.startsWith("sent ")) {
                assertTrue(log.contains("acked " + e.substring(5)), "acknowledged before the result: " + e);
            }
        }
        assertEquals("acked CANDIDATE_FINISHED", log.get(log.size() - 1));
    }

    @Test
    void noCheckpointIsWrittenBeforeItsEpochIsAcknowledged() {
        // fast epochs (no pacing): the final one is not heartbeaten, yet its checkpoint still waits for its metrics
        CandidateResult r = activities(null, new CheckpointingTrainer()).train(task(3, 0));
        assertEquals(Outcome.COMPLETED, r.outcome());
        int checkpoints = 0;
        for (int i = 0; i < log.size(); i++) {
            String e = log.get(i);
            if (e.startsWith("checkpoint ")) {
                checkpoints++;
                int epoch = Integer.parseInt(e.substring("checkpoint ".length()));
                assertTrue(log.subList(0, i).contains("acked epoch" + epoch),
                        "epoch " + epoch + " acknowledged before its checkpoint: " + log);
            }
        }
        assertEquals(3, checkpoints, log.toString());
    }

    @Test
    void aMissingAcknowledgementWritesNoCheckpointOfTheEpoch() {
        TrainingActivities a = activities("epoch1", new CheckpointingTrainer());
        assertThrows(RuntimeException.class, () -> a.train(task(2, 0)));
        assertTrue(log.contains("sent epoch1"), log.toString());
        assertTrue(log.stream().noneMatch(e -> e.startsWith("checkpoint ")), log.toString());
    }

    @Test
    void aMissingAcknowledgementFailsTheAttemptWithoutHeartbeatingTheEpoch() {
        TrainingActivities a = activities("epoch1");
        assertThrows(RuntimeException.class, () -> a.train(task(2, 120)));
        assertTrue(log.contains("sent epoch1"), log.toString());
        assertTrue(log.stream().noneMatch(e -> e.equals("heartbeat 1") || e.equals("heartbeat 2")), log.toString());
        assertTrue(log.stream().noneMatch(e -> e.startsWith("sent CANDIDATE_FINISHED")), log.toString());
    }
}
