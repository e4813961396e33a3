package dev.nasflow.activity;

import dev.nasflow.api.TrainingActivities;
import dev.nasflow.model.EpochReport;
import dev.nasflow.model.ResumePoint;
import dev.nasflow.model.Constraint;
import dev.nasflow.model.Objective;
import dev.nasflow.model.Outcome;
import dev.nasflow.model.CandidateResult;
import dev.nasflow.model.CandidateTask;
import dev.nasflow.space.SearchSpace;
import dev.nasflow.space.Spaces;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCanceledException;
import io.temporal.client.ActivityCompletionException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TimeoutFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The training activity: checks hard constraints before any training, trains epoch by epoch through the spec's
 * backend, publishes every epoch, heartbeats every step with its resume point (except after a final epoch that took
 * under {@value #FINAL_HEARTBEAT_MIN_MILLIS} ms), and on cancellation returns
 * {@code STOPPED_EARLY} with its last metrics (its checkpoint stays). A retry resumes from the heartbeat details.
 *
 * <p>Events are sent without waiting ({@link TrainingEvents#startedAsync}, {@link TrainingEvents#epochAsync},
 * {@link TrainingEvents#finishedAsync}) and
 * every event sent so far is awaited (acknowledged by Kafka) before any heartbeat, before a checkpoint of a trainer that
 * keeps them ({@link TrainingSession#keepsCheckpoints()}) and before the activity returns: an epoch metric is thus
 * durable before the heartbeat or checkpoint that records its epoch (the stopper, the de-duplication and the resume
 * after a crash rely on it), and a candidate's finish event before its result, while the start event, the epoch and the finish event of a
 * short candidate share one acknowledgement round trip instead of costing one each.
 */
public class TrainingActivitiesImpl implements TrainingActivities {
    private static final Logger log = LoggerFactory.getLogger(TrainingActivitiesImpl.class);
    /**
     * The heartbeat after the final epoch (resume point = "all epochs done") is skipped when that epoch took less than
     * this: the activity completes right after it, and on the dev server / a real cluster every heartbeat is a
     * persistence write, which for sub-millisecond table epochs was about 30% of the server's work per candidate.
     */
    static final long FINAL_HEARTBEAT_MIN_MILLIS = 100;

    private final Map<String, CandidateTrainer> trainers = new LinkedHashMap<>();
    private final TrainingEvents events;
    private final TrainingObserver observer;
    private final StopBoard stops;

    public TrainingActivitiesImpl(List<CandidateTrainer> backends, TrainingEvents events, TrainingObserver observer) {
        this(backends, events, observer, StopBoard.PROCESS);
    }

    /** @param stops where this worker's stop decisions arrive (see {@link StopDecisionListener}) */
    public TrainingActivitiesImpl(List<CandidateTrainer> backends, TrainingEvents events, TrainingObserver observer,
                                  StopBoard stops) {
        for (CandidateTrainer t : backends) {
            trainers.put(t.type(), t);
        }
        this.events = events;
        this.observer = observer == null ? TrainingObserver.NONE : observer;
        this.stops = stops;
    }

    /** Thrown from a step when a stop decision for the candidate is on the board: ends the loop at once. */
    private static final class StopNow extends RuntimeException {
        final StopBoard.Posted decision;

        StopNow(StopBoard.Posted decision) {
            super(decision.describe(), null, false, false);
            this.decision = decision;
        }
    }

    @Override
    public CandidateResult train(CandidateTask task) {
        ActivityExecutionContext ctx = Activity.getExecutionContext();
        int attempt = ctx.getInfo().getAttempt();
        ResumePoint resume = ctx.getHeartbeatDetails(ResumePoint.class).orElse(null);
        String type = task.spec().trainer().type();
        CandidateTrainer trainer = trainers.get(type);
        if (trainer == null) {
            throw ApplicationFailure.newNonRetryableFailure("no trainer backend '" + type + "' on this worker "
                    + "(fix: start a worker that serves it; this one serves " + trainers.keySet() + ")",
                    "NonRetryable");
        }
        Outbox outbox = new Outbox();
        long t0 = System.currentTimeMillis();
        // decisions posted before this activity was first scheduled belong to an earlier run under the same ids
        long notBefore = Math.min(t0, ctx.getInfo().getScheduledTimestamp());
        observer.started(task);
        try (TrainingSession session = trainer.open(task, resume)) {
            // resolved once for every event of this attempt (Spaces caches by id)
            SearchSpace space = Spaces.byId(task.genome().space());
            Map<String, Double> staticMetrics = session.staticMetrics();
            String violation = violatedConstraint(task, staticMetrics);
            TrainingOutcome outcome = violation != null
                    ? TrainingOutcome.infeasible(staticMetrics, violation)
                    : trainEpochs(task, space, session, staticMetrics, resume, ctx, attempt, notBefore, outbox);
            return finish(task, space, outcome, outbox, t0, attempt);
        } catch (NonRetryableTrainingException e) {
            observer.finished(task, Outcome.FAILED, 0);
            stops.forget(task.candidateId());
            throw ApplicationFailure.newNonRetryableFailureWithCause(e.getMessage(), "InvalidData", e);
        } catch (ActivityCompletionException | ApplicationFailure e) {
            throw e;
        } catch (Exception e) {
            throw Activity.wrap(e);
        }
    }

    /**
     * Trains the remaining epochs, sending the start (or resume) event and every epoch, and heartbeating after each
     * step; returns how training ended (completed, diverged, stopped early). Throws when this attempt is abandoned
     * (a cancellation that is not a stop request): another attempt resumes from the last heartbeat.
     */
    private TrainingOutcome trainEpochs(CandidateTask task, SearchSpace space, TrainingSession session,
                                        Map<String, Double> staticMetrics, ResumePoint resume,
                                        ActivityExecutionContext ctx, int attempt, long notBefore, Outbox outbox)
            throws Exception {
        String cid = task.candidateId();
        Objective primary = task.spec().objectives().get(0);
        int resumedFrom = session.epochsDone();
        if (resumedFrom != 0) {
            log.info("{}: attempt {} resumes at epoch {}", cid, attempt, resumedFrom);
        }
        outbox.add(events.startedAsync(task, space, resumedFrom, attempt, staticMetrics));
        Map<String, Double> last = new LinkedHashMap<>(staticMetrics);
        if (resume != null) {
            last.putAll(resume.lastMetrics());
        }
        double sim = resume == null ? 0 : resume.simSeconds();
        double best = resume == null ? Double.NaN : resume.bestMetric();
        int done = session.epochsDone();
        ResumePoint[] point = {resume == null ? new ResumePoint(done, null, best, last, sim) : resume};
        StepListener heartbeat = () -> {
            stops.stopFor(cid, notBefore).ifPresent(d -> {
                throw new StopNow(d);
            });
            outbox.awaitAll();
            ctx.heartbeat(point[0]);
        };
        while (done < task.epochs()) {
            EpochReport rep;
            try {
                stops.stopFor(cid, notBefore).ifPresent(d -> {
                    throw new StopNow(d);
                });
                rep = session.trainEpoch(heartbeat);
            } catch (StopNow stop) {
                return stoppedBy(task, stop.decision, done, last, sim, resumedFrom);
            } catch (ActivityCompletionException cancelled) {
                return cancelled(task, cancelled, done, last, sim, resumedFrom, attempt);
            }
            done = rep.epoch();
            sim += rep.simSeconds();
            last = new LinkedHashMap<>(staticMetrics);
            last.putAll(rep.metrics());
            last.put("epochs", (double) done);
            observer.epoch(task, rep);
            if (diverged(rep)) {
                return TrainingOutcome.diverged(done, last, sim, resumedFrom);
            }
            double v = rep.metric(primary.metric());
            if (!Double.isNaN(v) && (Double.isNaN(best) || primary.direction().better(v, best))) {
                best = v;
            }
            outbox.add(events.epochAsync(task, rep, sim));
            if (session.keepsCheckpoints()) {
                // a retry resumes after the newest checkpoint on disk, which may postdate the last heartbeat: the
                // epoch's metrics must be on the topic before its checkpoint, or a crash between the two leaves a
                // hole in the candidate's curve
                outbox.awaitAll();
            }
            String ckpt = session.checkpoint();
            point[0] = new ResumePoint(done, ckpt, best, last, sim);
            if (done >= task.epochs() && rep.wallMillis() < FINAL_HEARTBEAT_MIN_MILLIS) {
                // the result follows at once: a heartbeat here would only save redoing this (cheap) epoch
                // after a crash in the next few milliseconds, at the price of a server write per candidate; its
                // metric is awaited with the finish event
                continue;
            }
            try {
                heartbeat.onStep();
            } catch (StopNow stop) {
                if (done < task.epochs()) {
                    return stoppedBy(task, stop.decision, done, last, sim, resumedFrom);
                }
                // the stop came with the last epoch already trained: the candidate completed
            } catch (ActivityCompletionException cancelled) {
                return cancelled(task, cancelled, done, last, sim, resumedFrom, attempt);
            }
        }
        return TrainingOutcome.completed(done, last, sim, resumedFrom);
    }

    /**
     * The one way an attempt that has an outcome ends: the observer hears of it, its finish event is sent and every
     * event of the attempt awaited, the stop board forgets the candidate where it should, and the result is built.
     */
    private CandidateResult finish(CandidateTask task, SearchSpace space, TrainingOutcome outcome, Outbox outbox,
                                   long t0, int attempt) {
        observer.ended(task, outcome);
        outbox.add(events.finishedAsync(task, space, outcome));
        outbox.awaitAll();
        if (outcome.forgetsStop()) {
            stops.forget(task.candidateId());
        }
        return outcome.result(task, System.currentTimeMillis() - t0, attempt);
    }

    /** A cancellation: STOPPED_EARLY when the workflow asked for it; otherwise this attempt is over (rethrown). */
    private static TrainingOutcome cancelled(CandidateTask task, ActivityCompletionException why, int done,
                                             Map<String, Double> last, double sim, int resumedFrom, int attempt) {
        if (!isStopRequest(why)) {
            // this attempt is over (heartbeat timed out, activity gone or reset): another attempt resumes from the
            // last heartbeat, so this one must not report the candidate as finished
            log.info("{}: attempt {} abandoned after epoch {} ({})", task.candidateId(), attempt, done,
                    why.getClass().getSimpleName());
            throw why;
        }
        log.info("{}: cancellation seen after epoch {} ({})", task.candidateId(), done, why.getClass().getSimpleName());
        return TrainingOutcome.cancelled(done, last, sim, resumedFrom, System.currentTimeMillis());
    }

    /** STOPPED_EARLY because a stop decision reached this worker (the normal way a stop lands). */
    private static TrainingOutcome stoppedBy(CandidateTask task, StopBoard.Posted decision, int done,
                                             Map<String, Double> last, double sim, int resumedFrom) {
        log.debug("{}: stop seen after epoch {} ({})", task.candidateId(), done, decision.describe());
        return TrainingOutcome.stoppedBy(decision, done, last, sim, resumedFrom, System.currentTimeMillis());
    }

    /** The events this attempt sent and has not yet seen acknowledged, in sending order. */
    private static final class Outbox {
        private final List<TrainingEvents.Pending> pending = new ArrayList<>();

        void add(TrainingEvents.Pending p) {
            pending.add(p);
        }

        /** Returns once every event added so far is durable; throws (failing this attempt) when one cannot be. */
        void awaitAll() {
            for (TrainingEvents.Pending p : pending) {
                p.await();
            }
            pending.clear();
        }
    }

    /** A cancellation requested by the workflow (stopCandidate), not a local heartbeat timeout. */
    private static boolean isStopRequest(ActivityCompletionException e) {
        return e instanceof ActivityCanceledException && !(e.getCause() instanceof TimeoutFailure);
    }

    private static boolean diverged(EpochReport rep) {
        for (String k : List.of("trainLoss", "validLoss")) {
            Double v = rep.metrics().get(k);
            if (v != null && (v.isNaN() || v.isInfinite())) {
                return true;
            }
        }
        return false;
    }

    static String violatedConstraint(CandidateTask task, Map<String, Double> known) {
        List<Constraint> constraints = task.spec().constraints();
        if (constraints == null) {
            return null;
        }
        for (Constraint c : constraints) {
            Double v = known.get(c.metric());
            if (v == null) {
                continue; // measured only during training (e.g. accuracy): not a pre-training check
            }
            if (c.max() != null && v > c.max()) {
                return c.metric() + " = " + fmt(v) + " exceeds the maximum " + fmt(c.max());
            }
            if (c.min() != null && v < c.min()) {
                return c.metric() + " = " + fmt(v) + " is below the minimum " + fmt(c.min());
            }
        }
        return null;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
