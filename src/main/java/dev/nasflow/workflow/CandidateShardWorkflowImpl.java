package dev.nasflow.workflow;

import dev.nasflow.api.CandidateShardWorkflow;
import dev.nasflow.api.SearchWorkflow;
import dev.nasflow.model.CandidateResult;
import dev.nasflow.model.CandidateTask;
import dev.nasflow.model.ShardInput;
import dev.nasflow.model.ShardReport;
import dev.nasflow.model.ShardSummary;
import dev.nasflow.api.TrainingActivities;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.SignalExternalWorkflowException;
import io.temporal.workflow.Workflow;
import org.slf4j.Logger;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Trains its batch of candidates and reports results to the search as they finish (see {@link CandidateShardWorkflow}). */
public class CandidateShardWorkflowImpl implements CandidateShardWorkflow {
    private static final Logger log = Workflow.getLogger(CandidateShardWorkflowImpl.class);

    private record Out(CandidateTask task, Promise<CandidateResult> promise) {
    }

    @Override
    public ShardSummary run(ShardInput input) {
        TrainingActivities training = Workflow.newActivityStub(TrainingActivities.class,
                SearchWorkflowImpl.trainingOptions(input.spec()));
        SearchWorkflow search = Workflow.newExternalWorkflowStub(SearchWorkflow.class, input.searchId());
        Map<String, Out> out = new LinkedHashMap<>();
        for (CandidateTask t : input.tasks()) {
            CandidateTask task = new CandidateTask(t.searchId(), t.candidateId(), t.generation(), t.index(),
                    t.genome(), t.arch(), t.archHash(), t.epochs(), t.seed(), input.spec());
            out.put(task.candidateId(), new Out(task, Async.function(training::train, task)));
        }
        int reported = 0;
        int reports = 0;
        int lost = 0;
        while (!out.isEmpty()) {
            Workflow.await(() -> anyDone(out));
            List<CandidateResult> batch = new ArrayList<>();
            for (Iterator<Out> it = out.values().iterator(); it.hasNext(); ) {
                Out o = it.next();
                if (o.promise().isCompleted()) {
                    it.remove();
                    batch.add(resultOf(o));
                }
            }
            if (lost > 0) {
                lost += batch.size();
                continue;
            }
            try {
                // blocks until the search has the signal: the results of this wait gather into the next report
                search.shardResults(new ShardReport(input.shardId(), batch));
                reported += batch.size();
                reports++;
            } catch (SignalExternalWorkflowException gone) {
                // the search has closed (terminated, or its run ended): nobody to report to
                log.warn("{}: search {} cannot be told {} result(s): {}", input.shardId(), input.searchId(),
                        batch.size(), gone.getMessage());
                lost += batch.size();
            }
        }
        return new ShardSummary(input.shardId(), reported, reports, lost);
    }

    private static boolean anyDone(Map<String, Out> out) {
        for (Out o : out.values()) {
            if (o.promise().isCompleted()) {
                return true;
            }
        }
        return false;
    }

    private static CandidateResult resultOf(Out o) {
        try {
            return o.promise().get();
        } catch (ActivityFailure f) {
            return SearchWorkflowImpl.failedResult(o.task(), f);
        }
    }
}
