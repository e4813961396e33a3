package dev.nasflow.api;

import dev.nasflow.model.SupernetResult;
import dev.nasflow.model.SupernetStatus;
import com.fasterxml.jackson.databind.JsonNode;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * A one-shot architecture search (strategy {@code darts} or {@code spos} over a darts space): trains the supernet one
 * epoch per activity call (each epoch checkpointed to the artifact directory, so a crashed worker's retry resumes at
 * the last finished epoch), derives the architecture (DARTS: discretized α; SPOS: best of the candidates ranked with
 * inherited weights) and retrains it from scratch with the training activity. Started with the raw spec JSON; the
 * workflow id is the search id.
 */
@WorkflowInterface
public interface SupernetWorkflow {
    String TYPE = "SupernetWorkflow";

    @WorkflowMethod(name = TYPE)
    SupernetResult run(JsonNode spec);

    @QueryMethod
    SupernetStatus status();
}
