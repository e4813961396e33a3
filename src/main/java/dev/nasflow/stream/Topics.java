package dev.nasflow.stream;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/** The nasflow topics, their configuration, and idempotent creation. */
public final class Topics {
    public static final String PREFIX = "nasflow.";
    /** Per-epoch metrics of training candidates; key = candidate id. */
    public static final String EPOCH_METRICS = PREFIX + "epoch-metrics";
    /** Early-stopping decisions and their reasons; key = candidate id. */
    public static final String STOP_DECISIONS = PREFIX + "stop-decisions";
    /** Surrogate predictions, compacted; key = architecture hash. */
    public static final String SURROGATE_PREDICTIONS = PREFIX + "surrogate-predictions";
    /** Search lifecycle events; key = candidate id, or the search id for search-level events. */
    public static final String SEARCH_EVENTS = PREFIX + "search-events";
    /** Raw copies of records no consumer could decode, with headers saying where they came from and why. */
    public static final String DEAD_LETTERS = PREFIX + "dead-letters";

    /** All nasflow topics, in a stable order. */
    public static final List<String> ALL =
            List.of(EPOCH_METRICS, STOP_DECISIONS, SURROGATE_PREDICTIONS, SEARCH_EVENTS, DEAD_LETTERS);

    private static final long ADMIN_TIMEOUT_SECONDS = 60;

    private Topics() {
    }

    /**
     * Full topic name for a short one: {@code epoch-metrics} → {@code nasflow.epoch-metrics}. Full nasflow names
     * and any other topic name are returned unchanged (so any topic can be tailed).
     */
    public static String resolve(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("topic name is empty: give one of " + shortNames()
                    + " or a full topic name");
        }
        String n = name.strip();
        String full = PREFIX + n;
        return ALL.contains(full) ? full : n;
    }

    /** The short names accepted by {@link #resolve(String)}. */
    public static List<String> shortNames() {
        return ALL.stream().map(t -> t.substring(PREFIX.length())).toList();
    }

    /** True for the compacted topic(s). */
    public static boolean isCompacted(String topic) {
        return SURROGATE_PREDICTIONS.equals(topic);
    }

    /** Topic-level configuration nasflow sets for {@code topic} under {@code settings}. */
    public static Map<String, String> configFor(String topic, TopicSettings settings) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put(TopicConfig.CLEANUP_POLICY_CONFIG,
                isCompacted(topic) ? TopicConfig.CLEANUP_POLICY_COMPACT : TopicConfig.CLEANUP_POLICY_DELETE);
        c.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(settings.minInSyncReplicas()));
        return c;
    }

    /** {@link NewTopic} definitions for every nasflow topic. */
    public static List<NewTopic> newTopics(TopicSettings settings) {
        List<NewTopic> out = new ArrayList<>();
        for (String t : ALL) {
            out.add(new NewTopic(t, settings.partitions(), settings.replicationFactor())
                    .configs(configFor(t, settings)));
        }
        return out;
    }

    /**
     * Creates the nasflow topics that do not exist yet and makes sure the predictions topic is compacted (fixing
     * its {@code cleanup.policy} if someone created it otherwise). Safe to call from several processes at once.
     * Existing topics keep their partition count.
     *
     * @return the topics this call created
     */
    public static Set<String> ensure(Admin admin, TopicSettings settings) {
        try {
            Set<String> existing = admin.listTopics().names().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<NewTopic> missing = newTopics(settings).stream().filter(t -> !existing.contains(t.name())).toList();
            Set<String> created = new LinkedHashSet<>();
            if (!missing.isEmpty()) {
                CreateTopicsResult r = admin.createTopics(missing);
                for (Map.Entry<String, KafkaFuture<Void>> e : r.values().entrySet()) {
                    try {
                        e.getValue().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                        created.add(e.getKey());
                    } catch (ExecutionException ex) {
                        if (!(ex.getCause() instanceof TopicExistsException)) {
                            throw ex;
                        }
                    }
                }
            }
            ensureCompacted(admin, existing);
            return created;
        } catch (ExecutionException e) {
            Throwable c = e.getCause() == null ? e : e.getCause();
            throw new IllegalStateException("cannot create the nasflow topics: " + c.getMessage()
                    + (c.getMessage() != null && c.getMessage().contains("Replication factor")
                    ? " (lower the replication factor to at most the number of brokers)" : ""), c);
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot create the nasflow topics: the broker did not answer within "
                    + ADMIN_TIMEOUT_SECONDS + " s (is --kafka right?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the nasflow topics", e);
        }
    }

    private static void ensureCompacted(Admin admin, Collection<String> preExisting)
            throws ExecutionException, InterruptedException, TimeoutException {
        if (!preExisting.contains(SURROGATE_PREDICTIONS)) {
            return;
        }
        ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, SURROGATE_PREDICTIONS);
        Config cfg = admin.describeConfigs(List.of(res)).all().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS).get(res);
        ConfigEntry policy = cfg == null ? null : cfg.get(TopicConfig.CLEANUP_POLICY_CONFIG);
        if (policy == null || !policy.value().contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
            admin.incrementalAlterConfigs(Map.of(res, List.of(new AlterConfigOp(
                    new ConfigEntry(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT),
                    AlterConfigOp.OpType.SET)))).all().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
    }
}
