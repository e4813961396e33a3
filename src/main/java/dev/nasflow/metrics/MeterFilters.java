package dev.nasflow.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The meter filters that keep a nasflow scrape small: of the Temporal SDK's meters ({@code temporal_*}) only
 * {@link #TEMPORAL_KEPT} pass, and their timers get a dozen fixed buckets instead of the SDK's ~70-bucket percentile
 * histograms, and they lose the tags that are always {@code none} on them (exception, query_type, signal_name,
 * update_name); of the ~100 meters per Kafka client only {@link #KAFKA_KEPT} pass (send/consume rates, errors,
 * latencies, lag, rebalances), never per broker connection (tag {@code node-id}), whose number grows with the cluster.
 */
public final class MeterFilters {
    /** The Temporal SDK meters a nasflow process exports (latencies, outcomes, slots, request counts). */
    public static final Set<String> TEMPORAL_KEPT = Set.of(
            "temporal_workflow_endtoend_latency",
            "temporal_workflow_completed",
            "temporal_workflow_failed",
            "temporal_workflow_canceled",
            "temporal_workflow_continue_as_new",
            "temporal_workflow_task_schedule_to_start_latency",
            "temporal_workflow_task_execution_latency",
            "temporal_workflow_task_execution_failed",
            "temporal_activity_schedule_to_start_latency",
            "temporal_activity_execution_latency",
            "temporal_activity_succeed_endtoend_latency",
            "temporal_activity_execution_failed",
            "temporal_activity_execution_cancelled",
            "temporal_local_activity_execution_latency",
            "temporal_local_activity_total",
            "temporal_worker_task_slots_available",
            "temporal_worker_task_slots_used",
            "temporal_request",
            "temporal_request_failure");

    /** Tags dropped from Temporal meters. */
    public static final List<String> TEMPORAL_DROPPED_TAGS = List.of("exception", "query_type", "signal_name",
            "update_name");

    /** The Kafka client meters a nasflow process exports (Micrometer names, dots for dashes). */
    public static final Set<String> KAFKA_KEPT = Set.of(
            "kafka.producer.record.send.total",
            "kafka.producer.record.error.total",
            "kafka.producer.record.retry.total",
            "kafka.producer.request.latency.avg",
            "kafka.producer.record.queue.time.avg",
            "kafka.producer.outgoing.byte.total",
            "kafka.producer.buffer.available.bytes",
            "kafka.producer.connection.count",
            "kafka.consumer.fetch.manager.records.lag.max",
            "kafka.consumer.fetch.manager.records.consumed.total",
            "kafka.consumer.fetch.manager.bytes.consumed.total",
            "kafka.consumer.fetch.manager.fetch.latency.avg",
            "kafka.consumer.coordinator.commit.latency.avg",
            "kafka.consumer.coordinator.assigned.partitions",
            "kafka.consumer.coordinator.rebalance.total",
            "kafka.consumer.last.poll.seconds.ago",
            "kafka.consumer.poll.idle.ratio.avg",
            "kafka.consumer.connection.count");

    /** Bucket bounds of the kept Temporal timers. */
    static final Duration[] TEMPORAL_BUCKETS = {
            Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMinutes(2), Duration.ofMinutes(10),
            Duration.ofHours(1)};

    private MeterFilters() {
    }

    /** Adds the common tag {@code role} and the filters below; call before any meter is registered. */
    public static void configure(MeterRegistry registry, String role) {
        registry.config()
                .commonTags("role", role)
                .meterFilter(temporalWhitelist())
                .meterFilter(temporalTagsDropped())
                .meterFilter(temporalBuckets())
                .meterFilter(kafkaWhitelist());
    }

    /** Denies every {@code temporal_*} meter not in {@link #TEMPORAL_KEPT}. */
    public static MeterFilter temporalWhitelist() {
        return new MeterFilter() {
            @Override
            public MeterFilterReply accept(Meter.Id id) {
                String n = id.getName();
                if (n.startsWith("temporal_")) {
                    return TEMPORAL_KEPT.contains(n) ? MeterFilterReply.NEUTRAL : MeterFilterReply.DENY;
                }
                return MeterFilterReply.NEUTRAL;
            }
        };
    }

    /** Replaces the percentile histograms of Temporal timers by {@link #TEMPORAL_BUCKETS}. */
    public static MeterFilter temporalBuckets() {
        double[] slos = new double[TEMPORAL_BUCKETS.length];
        for (int i = 0; i < slos.length; i++) {
            slos[i] = TEMPORAL_BUCKETS[i].toNanos();
        }
        return new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (!id.getName().startsWith("temporal_") || id.getType() != Meter.Type.TIMER) {
                    return config;
                }
                return DistributionStatisticConfig.builder()
                        .percentilesHistogram(false)
                        .percentiles()
                        .serviceLevelObjectives(slos)
                        .build()
                        .merge(config);
            }
        };
    }

    /** Drops {@link #TEMPORAL_DROPPED_TAGS} from Temporal meters (series differing only there merge). */
    public static MeterFilter temporalTagsDropped() {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                if (!id.getName().startsWith("temporal_")) {
                    return id;
                }
                List<Tag> kept = new ArrayList<>();
                for (Tag t : id.getTagsAsIterable()) {
                    if (!TEMPORAL_DROPPED_TAGS.contains(t.getKey())) {
                        kept.add(t);
                    }
                }
                return kept.size() == id.getTags().size() ? id : id.replaceTags(kept);
            }
        };
    }

    /** Kafka client meters: only {@link #KAFKA_KEPT}, and none per broker connection. */
    public static MeterFilter kafkaWhitelist() {
        return new MeterFilter() {
            @Override
            public MeterFilterReply accept(Meter.Id id) {
                String n = id.getName();
                if (!n.startsWith("kafka.")) {
                    return MeterFilterReply.NEUTRAL;
                }
                if (id.getTag("node-id") != null || id.getTag("node.id") != null || id.getTag("node_id") != null) {
                    return MeterFilterReply.DENY;
                }
                return KAFKA_KEPT.contains(n.replace('-', '.')) ? MeterFilterReply.NEUTRAL : MeterFilterReply.DENY;
            }
        };
    }
}
