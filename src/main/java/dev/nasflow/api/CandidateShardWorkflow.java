package dev.nasflow.api;

import dev.nasflow.model.ShardInput;
import dev.nasflow.model.ShardSummary;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One shard of a large search: a child workflow that trains a batch of the search's candidates as its own activities
 * and signals their results back to the search ({@link SearchWorkflow#shardResults}) as they finish, a batch per
 * workflow task. A search runs its candidates in shards when more than {@code budget.shardSize} are in flight, so that
 * no execution holds more than Temporal's 2,000 pending activities and the search's own history grows per batch of
 * results, not per candidate. Stops need nothing from the shard: the worker reads them from
 * {@code nasflow.stop-decisions} and the search records them.
 */
@WorkflowInterface
public interface CandidateShardWorkflow {
    String TYPE = "CandidateShard";

    @WorkflowMethod(name = TYPE)
    ShardSummary run(ShardInput input);
}
