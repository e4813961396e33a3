package dev.nasflow.activity;

import dev.nasflow.api.TrainingActivities;
import dev.nasflow.model.EpochReport;
import dev.nasflow.model.ResumePoint;
import dev.nasflow.model.Constraint;
import dev.nasflow.model.Objective;
import dev.nasflow.model.Outcome;
import dev.nasflow.model.CandidateResult;
import dev.nasflow.model.CandidateTask;
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
 * <p>Events are sent without waiting ({@link TrainingEvents#epochAsync}, {@link TrainingEvents#candidateAsync}) and
 * every event sent so far is awaited (acknowledged by Kafka) before any heartbeat and before the activity returns: an
 * epoch metric is thus durable before the heartbeat that records its epoch (the stopper and the de-duplication rely on
 * it), and a candidate's finish event before its result, while the start event, the epoch and the finish event of a
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
        Objective primary = task.spec().objectives().get(0);
        Outbox outbox = new Outbox();
        long t0 = System.currentTimeMillis();
        // decisions posted before this activity was first scheduled belong to an earlier run under the same ids
        long notBefore = Math.min(t0, ctx.getInfo().getScheduledTimestamp());
        String cid = task.candidateId();
        observer.started(task);
        try (TrainingSession session = trainer.open(task, resume)) {
            Map<String, Double> staticMetrics = session.staticMetrics();
            String violation = violatedConstraint(task, staticMetrics);
            if (violation != null) {
                observer.finished(task, Outcome.INFEASIBLE, 0);
                outbox.add(events.candidateAsync(task, "CANDIDATE_FINISHED",
                        Map.of("outcome", "INFEASIBLE", "reason", violation)));
                outbox.awaitAll();
                return result(task, 0, Outcome.INFEASIBLE, staticMetrics, violation, 0, t0, 0, attempt);
            }
            int resumedFrom = session.epochsDone();
            if (resumedFrom == 0) {
                // the cost model's figures (params, flops, latencyMs) travel with the start: the multi-objective
                // stopping rule compares candidates on them before any epoch is trained
                outbox.add(events.candidateAsync(task, "CANDIDATE_STARTED",
                        Map.of("epochs", task.epochs(), "attempt", attempt, "staticMetrics", staticMetrics)));
            } else {
                log.info("{}: attempt {} resumes at epoch {}", task.candidateId(), attempt, resumedFrom);
                outbox.add(events.candidateAsync(task, "CANDIDATE_RESUMED",
                        Map.of("fromEpoch", resumedFrom, "attempt", attempt, "staticMetrics", staticMetrics)));
            }
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
                    return stoppedBy(task, done, last, sim, t0, resumedFrom, attempt, stop.decision, outbox);
                } catch (ActivityCompletionException cancelled) {
                    return stopped(task, done, last, sim, t0, resumedFrom, attempt, cancelled, outbox);
                }
                done = rep.epoch();
                sim += rep.simSeconds();
                last = new LinkedHashMap<>(staticMetrics);
                last.putAll(rep.metrics());
                last.put("epochs", (double) done);
                observer.epoch(task, rep);
                if (diverged(rep)) {
                    String why = "loss is not finite at epoch " + done;
                    observer.finished(task, Outcome.DIVERGED, done);
                    outbox.add(events.candidateAsync(task, "CANDIDATE_FINISHED",
                            Map.of("outcome", "DIVERGED", "reason", why)));
                    outbox.awaitAll();
                    return result(task, done, Outcome.DIVERGED, last, why, sim, t0, resumedFrom, attempt);
                }
                double v = rep.metric(primary.metric());
                if (!Double.isNaN(v) && (Double.isNaN(best) || primary.direction().better(v, best))) {
                    best = v;
                }
                String ckpt = session.checkpoint();
                outbox.add(events.epochAsync(task, rep, sim));
                point[0] = new ResumePoint(done, ckpt, best, last, sim);
                if (done >= task.epochs() && rep.wallMillis() < FINAL_HEARTBEAT_MIN_MILLIS) {
                    // the result follows at once: a heartbeat here would only save redoing this (cheap) epoch
                    // after a crash in the next few milliseconds, at the price of a server write per candidate; its
                    // metric is awaited with the finish event below
                    continue;
                }
                try {
                    heartbeat.onStep();
                } catch (StopNow stop) {
                    if (done < task.epochs()) {
                        return stoppedBy(task, done, last, sim, t0, resumedFrom, attempt, stop.decision, outbox);
                    }
                    // the stop came with the last epoch already trained: the candidate completed
                } catch (ActivityCompletionException cancelled) {
                    return stopped(task, done, last, sim, t0, resumedFrom, attempt, cancelled, outbox);
                }
            }
            observer.finished(task, Outcome.COMPLETED, done);
            outbox.add(events.candidateAsync(task, "CANDIDATE_FINISHED",
                    Map.of("outcome", "COMPLETED", "metrics", last)));
            outbox.awaitAll();
            stops.forget(cid);
            return result(task, done, Outcome.COMPLETED, last, "", sim, t0, resumedFrom, attempt);
        } catch (NonRetryableTrainingException e) {
            observer.finished(task, Outcome.FAILED, 0);
            stops.forget(cid);
            throw ApplicationFailure.newNonRetryableFailureWithCause(e.getMessage(), "InvalidData", e);
        } catch (ActivityCompletionException | ApplicationFailure e) {
            throw e;
        } catch (Exception e) {
            throw Activity.wrap(e);
        }
    }

    private CandidateResult stopped(CandidateTask task, int done, Map<String, Double> last, double sim, long t0,
                                    int resumedFrom, int attempt, ActivityCompletionException why, Outbox outbox) {
        if (!isStopRequest(why)) {
            // this attempt is over (heartbeat timed out, activity gone or reset): another attempt resumes from the
            // last heartbeat, so this one must not report the candidate as finished
            log.info("{}: attempt {} abandoned after epoch {} ({})", task.candidateId(), attempt, done,
                    why.getClass().getSimpleName());
            throw why;
        }
        log.info("{}: cancellation seen after epoch {} ({})", task.candidateId(), done, why.getClass().getSimpleName());
        observer.cancelled(task, done);
        observer.finished(task, Outcome.STOPPED_EARLY, done);
        outbox.add(events.candidateAsync(task, "CANDIDATE_FINISHED", Map.of("outcome", "STOPPED_EARLY", "epoch", done,
                "cancelSeenAtMs", System.currentTimeMillis())));
        outbox.awaitAll();
        return result(task, done, Outcome.STOPPED_EARLY, last, "", sim, t0, resumedFrom, attempt);
    }

    /** Ends the candidate STOPPED_EARLY because a stop decision reached this worker (the normal way a stop lands). */
    private CandidateResult stoppedBy(CandidateTask task, int done, Map<String, Double> last, double sim, long t0,
                                      int resumedFrom, int attempt, StopBoard.Posted decision, Outbox outbox) {
        log.debug("{}: stop seen after epoch {} ({})", task.candidateId(), done, decision.describe());
        observer.cancelled(task, done);
        observer.finished(task, Outcome.STOPPED_EARLY, done);
        outbox.add(events.candidateAsync(task, "CANDIDATE_FINISHED", Map.of("outcome", "STOPPED_EARLY", "epoch", done,
                "rule", decision.rule(), "cancelSeenAtMs", System.currentTimeMillis())));
        outbox.awaitAll();
        stops.forget(task.candidateId());
        return result(task, done, Outcome.STOPPED_EARLY, last, decision.describe(), sim, t0, resumedFrom, attempt);
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

    private static CandidateResult result(CandidateTask t, int epochs, Outcome o, Map<String, Double> metrics,
                                          String reason, double sim, long t0, int resumedFrom, int attempt) {
        return new CandidateResult(t.candidateId(), t.generation(), t.index(), t.genome(), t.arch(), t.archHash(),
                t.epochs(), epochs, o, metrics, reason, sim, System.currentTimeMillis() - t0, resumedFrom, attempt);
    }
}
