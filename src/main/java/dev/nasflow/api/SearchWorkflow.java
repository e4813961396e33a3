package dev.nasflow.api;

import dev.nasflow.model.CandidateResult;
import dev.nasflow.model.ShardReport;
import dev.nasflow.model.StopRequest;
import dev.nasflow.model.StopperAttach;
import com.fasterxml.jackson.databind.JsonNode;
import dev.nasflow.model.BudgetSpec;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

import java.util.List;

/**
 * A neural architecture search. Started with the raw spec JSON (so {@code temporal workflow start --input-file
 * workflows/x.json} works); the spec is validated first and an invalid one fails the workflow at once with every
 * error. The workflow id is the search id.
 */
@WorkflowInterface
public interface SearchWorkflow {
    String TYPE = "SearchWorkflow";

    /**
     * @param spec    the search spec as JSON
     * @param carried state carried over by continue-as-new (null on a fresh start, or
     *                {@link SearchState#json(SearchState)} of {@link SearchState#withHistoryLimit(long)} to tune
     *                continue-as-new), as JSON: it is read inside the workflow, so a malformed one fails the search at
     *                once with an error naming the field instead of failing every workflow task
     */
    @WorkflowMethod(name = TYPE)
    SearchResult run(JsonNode spec, JsonNode carried);

    @QueryMethod
    SearchStatus status();

    /** Best first; completed full-fidelity results rank above partial ones. */
    @QueryMethod
    List<CandidateResult> leaderboard();

    @QueryMethod
    List<CandidateResult> paretoFront();

    /**
     * Status, leaderboard and Pareto front in one answer, as the search would return them now. Its leaderboard
     * travels compact above {@link SearchResult#INLINE_LIMIT} results, so it stays under the 2 MB payload limit for
     * every budget the spec allows, where {@link #leaderboard()} (about 530 bytes per result) passes it above about
     * 3,500 results.
     */
    @QueryMethod
    SearchResult snapshot();

    /** Launch no new candidates until {@link #resume()}; running ones continue. */
    @SignalMethod
    void pause();

    @SignalMethod
    void resume();

    /** Finish gracefully: no new candidates, running ones finish, then the search completes. */
    @SignalMethod
    void stop();

    /** Replace the budget (validated: every field must be positive, at least one limit set). */
    @UpdateMethod
    BudgetSpec setBudget(BudgetSpec budget);

    @UpdateValidatorMethod(updateName = "setBudget")
    void validateSetBudget(BudgetSpec budget);

    /**
     * An early-stopping service announces that it watches this search (again after its restart): the status then
     * says "stopper: live (rule R, N decisions)".
     */
    @SignalMethod
    void stopperAttached(StopperAttach attach);

    /**
     * The early-stopping service's durable record of a decision it already published on {@code nasflow.stop-decisions}
     * (where the worker reads it and ends the candidate at its next step): the same effect as {@link #stopCandidate}
     * without an answer. A signal, not an update: the stopper needs no answer (a decision for a finished candidate is
     * a no-op either way), and signals replay robustly on every server, where the in-process test server (SDK 1.38)
     * can fail to replay a history holding updates that completed within their workflow task.
     */
    @SignalMethod
    void recordStop(StopRequest request);

    /**
     * Record a decision to stop a running candidate early. The activity is never cancelled: the worker learns of the
     * stop from {@code nasflow.stop-decisions} (published here when {@link StopRequest#announced()} is false) and
     * ends the candidate STOPPED_EARLY at its next step. A decision for a candidate that already finished is
     * recorded as a no-op ("already finished"), never an error.
     */
    @UpdateMethod
    String stopCandidate(StopRequest request);

    @UpdateValidatorMethod(updateName = "stopCandidate")
    void validateStopCandidate(StopRequest request);

    /**
     * Results from one of this search's shards ({@link CandidateShardWorkflow}, used above {@code budget.shardSize}
     * candidates in flight). Results for candidates the search does not wait for are ignored.
     */
    @SignalMethod
    void shardResults(ShardReport report);
}
