package dev.nasflow.workflow;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.module.paramnames.ParameterNamesModule;
import io.temporal.common.converter.JacksonJsonPayloadConverter;

/**
 * The JSON mapping of nasflow's data converter (Temporal's default mapper with parameter names), for workflow inputs
 * that the workflow reads itself: pure and deterministic (no I/O).
 */
final class WorkflowJson {
    static final ObjectMapper MAPPER = JacksonJsonPayloadConverter.newDefaultObjectMapper()
            .registerModule(new ParameterNamesModule());

    private WorkflowJson() {
    }
}
