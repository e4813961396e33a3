package dev.nasflow.model;


import java.util.List;

/**
 * What a shard trains: the search's spec once, and its candidates without the spec (each task's {@code spec} is null
 * here; the shard puts the spec back before training), so a shard of 1,000 candidates stays far under the 2 MB payload
 * limit.
 *
 * @param searchId the search (parent workflow id) the results go back to
 * @param shardId  this shard's workflow id
 */
public record ShardInput(String searchId, String shardId, SearchSpec spec, List<CandidateTask> tasks) {
    public ShardInput {
        tasks = tasks == null ? List.of() : List.copyOf(tasks);
    }
}
