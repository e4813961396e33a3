package dev.nasflow.workflow;

import dev.nasflow.model.SearchEventType;
import dev.nasflow.api.SearchWorkflow;
import dev.nasflow.api.SupernetWorkflow;
import dev.nasflow.model.CandidateResult;
import dev.nasflow.model.CandidateTask;
import dev.nasflow.model.SupernetDerivation;
import dev.nasflow.model.SupernetEpoch;
import dev.nasflow.model.SupernetResult;
import dev.nasflow.model.SupernetStatus;
import dev.nasflow.model.SupernetTask;
import com.fasterxml.jackson.databind.JsonNode;
import dev.nasflow.api.SearchActivities;
import dev.nasflow.model.SpecCheck;
import dev.nasflow.api.SupernetActivities;
import dev.nasflow.api.TrainingActivities;
import dev.nasflow.space.SearchSpace;
import dev.nasflow.space.Spaces;
import dev.nasflow.model.SearchSpec;
import dev.nasflow.strategy.OneShot;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import org.slf4j.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Orchestration of a one-shot search (deterministic: no I/O, clocks or randomness; every effect is an activity). One
 * activity call per supernet epoch: its result is in the history, its state on disk; a retry of an epoch (worker
 * crash, heartbeat timeout) reopens the newest checkpoint, so it resumes at the last finished epoch.
 */
public class SupernetWorkflowImpl implements SupernetWorkflow {
    private static final Logger log = Workflow.getLogger(SupernetWorkflowImpl.class);
    /**
     * Heartbeat timeout of the supernet activities: they heartbeat when they start and after every step (a step is
     * well under a second to a few seconds), so a worker that died is noticed this long after its last heartbeat and
     * the epoch is retried (from the last checkpoint) on another worker.
     */
    static final Duration SUPERNET_HEARTBEAT_TIMEOUT = Duration.ofSeconds(30);

    private final SearchActivities local = Workflow.newLocalActivityStub(SearchActivities.class,
            LocalActivityOptions.newBuilder()
                    .setStartToCloseTimeout(Duration.ofSeconds(30))
                    .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(5).build())
                    .build());

    private String searchId;
    private String method;
    private String phase = "VALIDATING";
    private int supernetEpochs;
    private final List<SupernetEpoch> epochs = new ArrayList<>();
    private String arch;
    private CandidateResult retrain;

    @Override
    public SupernetResult run(JsonNode specJson) {
        searchId = Workflow.getInfo().getWorkflowId();
        SpecCheck check = local.validateSpec(specJson == null ? "null" : specJson.toString());
        if (!check.ok()) {
            phase = "FAILED";
            throw ApplicationFailure.newNonRetryableFailure("invalid search spec (" + check.errors().size()
                    + " error(s)):\n  " + String.join("\n  ", check.errors()), "InvalidSearchSpec");
        }
        SearchSpec spec = check.spec();
        method = spec.strategy().type();
        if (!OneShot.isOneShot(method)) {
            phase = "FAILED";
            throw ApplicationFailure.newNonRetryableFailure("strategy.type '" + method + "' is not a one-shot method"
                    + " (fix: use one of " + OneShot.paramDefs().keySet() + ", or start it as a "
                    + SearchWorkflow.TYPE + ")", "InvalidSearchSpec");
        }
        Map<String, Object> params = OneShot.resolve(method, spec.strategy().params());
        supernetEpochs = (Integer) params.get("supernetEpochs");
        int retrainEpochs = (Integer) params.get("retrainEpochs");
        event(SearchEventType.STARTED, Map.of("name", spec.name(), "strategy", method, "space", spec.space().type(),
                "supernetEpochs", supernetEpochs));

        SupernetActivities supernet = Workflow.newActivityStub(SupernetActivities.class, ActivityOptions.newBuilder()
                .setTaskQueue(spec.taskQueue())
                .setStartToCloseTimeout(Duration.ofHours(24))
                .setHeartbeatTimeout(SUPERNET_HEARTBEAT_TIMEOUT)
                .setRetryOptions(retry())
                .build());
        phase = "SUPERNET";
        for (int e = epochs.size() + 1; e <= supernetEpochs; e++) {
            SupernetEpoch r = supernet.trainEpoch(new SupernetTask(searchId, spec, e));
            epochs.add(r);
            if (r.arch() != null) {
                arch = r.arch();
            }
            log.info("{}: supernet epoch {}/{} done (resumed from {}, attempt {}): {}", searchId, r.epoch(),
                    supernetEpochs, r.resumedFrom(), r.attempt(), r.metrics());
        }
        phase = "DERIVING";
        SupernetDerivation derivation = supernet.derive(new SupernetTask(searchId, spec, supernetEpochs));
        arch = derivation.arch();
        if (retrainEpochs > 0) {
            phase = "RETRAINING";
            SearchSpace space = Spaces.create(spec.space());
            TrainingActivities training = Workflow.newActivityStub(TrainingActivities.class,
                    ActivityOptions.newBuilder()
                            .setTaskQueue(spec.taskQueue())
                            .setStartToCloseTimeout(Duration.ofHours(48))
                            .setHeartbeatTimeout(Duration.ofSeconds(120))
                            .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
                            .setRetryOptions(retry())
                            .build());
            retrain = training.train(new CandidateTask(searchId, searchId + "-retrain", 0, 0, derivation.genome(),
                    space.canonical(derivation.genome()), space.hash(derivation.genome()), retrainEpochs,
                    dev.nasflow.model.Seeds.retrain(spec.seed()), spec));
        }
        phase = "COMPLETED";
        Map<String, Object> done = new LinkedHashMap<>();
        done.put("phase", phase);
        done.put("strategy", method);
        done.put("supernetEpochs", supernetEpochs);
        done.put("bestArch", arch);
        if (retrain != null) {
            done.put("bestCandidate", retrain.candidateId());
            done.put("bestMetrics", retrain.metrics());
        }
        event(SearchEventType.COMPLETED, done);
        return new SupernetResult(status(), derivation, retrain);
    }

    private static RetryOptions retry() {
        return RetryOptions.newBuilder()
                .setInitialInterval(Duration.ofMillis(500))
                .setBackoffCoefficient(2.0)
                .setMaximumInterval(Duration.ofSeconds(30))
                .setMaximumAttempts(8)
                .setDoNotRetry("InvalidData", "NonRetryable", "InvalidSearchSpec")
                .build();
    }

    private void event(SearchEventType type, Map<String, Object> payload) {
        local.publishSearchEvent(searchId, type, payload);
    }

    @Override
    public SupernetStatus status() {
        SupernetEpoch last = epochs.isEmpty() ? null : epochs.get(epochs.size() - 1);
        return new SupernetStatus(searchId, method, phase, last == null ? 0 : last.epoch(), supernetEpochs,
                last == null ? Map.of() : last.metrics(), arch, epochs, retrain);
    }
}
