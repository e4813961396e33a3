package dev.nasflow.model;

/**
 * A shard's result once every candidate has reported.
 *
 * @param reported results sent to the search
 * @param reports  signals sent (batches)
 * @param lost     results the search could not be told (it had closed)
 */
public record ShardSummary(String shardId, int reported, int reports, int lost) {
}
