package dev.nasflow.activity;

import dev.nasflow.spec.SearchSpec;
import dev.nasflow.workflow.GenerationRecord;

import java.util.List;

/** Ask a strategy that needs the surrogate for proposals: the spec, the finished generations, and how many. */
public record ProposeRequest(String searchId, SearchSpec spec, List<GenerationRecord> history, int requested) {
    public ProposeRequest {
        history = List.copyOf(history);
    }
}
