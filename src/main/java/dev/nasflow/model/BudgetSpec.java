package dev.nasflow.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * How much a search may spend. The four limits ({@code evaluations}, {@code simulatedSeconds}, {@code realSeconds},
 * {@code generations}) are each optional (null = no such limit) but at least one must be set; the search ends at the
 * first limit reached. {@code populationSize} is the number of candidates proposed per generation and
 * {@code maxConcurrent} the number trained at the same time; both are always set after {@link Defaults}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"evaluations", "simulatedSeconds", "realSeconds", "generations", "populationSize",
        "maxConcurrent", "scheduling", "queueAhead", "shardSize"})
public record BudgetSpec(Integer evaluations, Double simulatedSeconds, Double realSeconds, Integer generations,
                         Integer populationSize, Integer maxConcurrent, String scheduling, Integer queueAhead,
                         Integer shardSize) {
    /**
     * Steady state: the moment a slot frees (finished, stopped, failed) the next candidate is proposed and launched;
     * every {@code populationSize} results form one durable generation record. The default for new searches.
     */
    public static final String ASYNC = "async";
    /** A generation waits for its slowest candidate before the next one is proposed. */
    public static final String GENERATIONAL = "generational";

    /** A budget with no scheduling given (the validator's defaults fill it in). */
    public BudgetSpec(Integer evaluations, Double simulatedSeconds, Double realSeconds, Integer generations,
                      Integer populationSize, Integer maxConcurrent) {
        this(evaluations, simulatedSeconds, realSeconds, generations, populationSize, maxConcurrent, null, null);
    }

    /** A budget with the default shard size. */
    public BudgetSpec(Integer evaluations, Double simulatedSeconds, Double realSeconds, Integer generations,
                      Integer populationSize, Integer maxConcurrent, String scheduling, Integer queueAhead) {
        this(evaluations, simulatedSeconds, realSeconds, generations, populationSize, maxConcurrent, scheduling,
                queueAhead, null);
    }

    /** A budget that queues nothing ahead. */
    public BudgetSpec(Integer evaluations, Double simulatedSeconds, Double realSeconds, Integer generations,
                      Integer populationSize, Integer maxConcurrent, String scheduling) {
        this(evaluations, simulatedSeconds, realSeconds, generations, populationSize, maxConcurrent, scheduling, null);
    }

    /**
     * Asynchronous scheduling: candidates proposed ahead and queued on the task queue beyond {@code maxConcurrent}, so
     * that a worker slot freed by a finished or stopped candidate starts the next one at once instead of waiting for
     * the workflow to record the result and propose (a round trip of tens of milliseconds, which matters when
     * candidates are short, e.g. ASHA's first rung). 0 (default) = none. The queued ones train as soon as a worker
     * slot is free: where the workers have more slots than {@code maxConcurrent}, up to {@code maxConcurrent +
     * queueAhead} train at once.
     */
    @JsonIgnore
    public int ahead() {
        return queueAhead == null ? 0 : queueAhead;
    }

    /** Default of {@code shardSize}: in-flight candidates above it are sharded over child workflows. */
    public static final int DEFAULT_SHARD_SIZE = 500;
    /** Most candidates one shard (child workflow) runs: half of Temporal's 2,000 pending activities per execution. */
    public static final int MAX_SHARD_SIZE = 1000;
    /** Least {@code shardSize}. */
    public static final int MIN_SHARD_SIZE = 10;
    /**
     * Most shards a search keeps open at once: Temporal's default limit of pending child workflows per execution is
     * 2,000; half of it leaves room.
     */
    public static final int MAX_OPEN_SHARDS = 1000;
    /** Most candidates in flight in one search ({@code maxConcurrent + queueAhead}). */
    public static final int MAX_IN_FLIGHT = 100_000;

    /**
     * Candidates per shard: when more than this many candidates are in flight ({@code maxConcurrent + queueAhead}),
     * the search runs them in child workflows ("shards") of at most this many each, instead of as its own activities,
     * so that no execution passes Temporal's 2,000 pending activities and the search's history grows by a few events
     * per batch of results rather than per candidate.
     */
    @JsonIgnore
    public int shards() {
        return shardSize == null ? DEFAULT_SHARD_SIZE : shardSize;
    }

    /**
     * Fewest free slots a sharded search fills at once (one child workflow per batch): a tenth of the shard size, so
     * that at most {@code inFlight / minBatch} shards are open.
     */
    @JsonIgnore
    public int minShardBatch() {
        return Math.max(1, shards() / 10);
    }

    /**
     * True for asynchronous scheduling. A missing value means generational: budgets validated before scheduling
     * existed (recorded histories, carried states) were generational, and replaying them must stay so.
     */
    @JsonIgnore
    public boolean async() {
        return ASYNC.equals(scheduling);
    }

    /**
     * Most evaluations one search may have (JSON Schema maximum of {@code budget.evaluations}): a search carries its
     * finished results across continue-as-new and returns its leaderboard, both compact (14–26 bytes per result with
     * the nb201 table trainer, up to about 145 with real training: arbitrary metric values and stop reasons), and
     * Temporal rejects a payload over 2 MB. 20,000 table results take under 0.6 MB; measured with
     * {@code nasflow bench scaling --populations none --workers none}.
     */
    public static final int MAX_EVALUATIONS = 20_000;
    /**
     * Most evaluations with a trainer other than the table: 8,000 x about 145 bytes = 1.16 MB, under the 1.33 MB at
     * which a search stops itself rather than continue as new (SearchWorkflowImpl.CARRY_LIMIT_BYTES).
     */
    public static final int MAX_EVALUATIONS_TRAINED = 8_000;

    /** The evaluation limit for a trainer (its descriptor's, {@link Trainers}; an unknown one trains). */
    public static int maxEvaluations(String trainerType) {
        TrainerDescriptor d = Trainers.descriptor(trainerType);
        return d == null ? MAX_EVALUATIONS_TRAINED : d.maxEvaluations();
    }

    /** True when at least one of the four limits is set. */
    @JsonIgnore
    public boolean hasLimit() {
        return evaluations != null || simulatedSeconds != null || realSeconds != null || generations != null;
    }
}
