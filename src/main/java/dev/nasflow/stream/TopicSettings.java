package dev.nasflow.stream;

/**
 * How the nasflow topics are created: partitions and replication factor (the same for every topic).
 *
 * @param partitions        partitions per topic (at least 1); more partitions let more stopper or surrogate
 *                          instances share the load of one consumer group
 * @param replicationFactor replicas per partition (at least 1, at most the number of brokers)
 */
public record TopicSettings(int partitions, short replicationFactor) {
    public static final int DEFAULT_PARTITIONS = 3;
    public static final short DEFAULT_REPLICATION_FACTOR = 1;

    public TopicSettings {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replicationFactor must be at least 1, got " + replicationFactor);
        }
    }

    /** 3 partitions, replication factor 1 (a single local broker). */
    public static TopicSettings defaults() {
        return new TopicSettings(DEFAULT_PARTITIONS, DEFAULT_REPLICATION_FACTOR);
    }

    /** {@code min.insync.replicas} matching the replication factor: 1 for 1 or 2 replicas, else replicas - 1. */
    public int minInSyncReplicas() {
        return replicationFactor <= 2 ? 1 : replicationFactor - 1;
    }
}
