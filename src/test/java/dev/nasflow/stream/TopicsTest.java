package dev.nasflow.stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import dev.nasflow.embedded.SharedKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedKafka.class)
class TopicsTest {

    @Test
    void shortNamesResolve() {
        assertEquals(Topics.EPOCH_METRICS, Topics.resolve("epoch-metrics"));
        assertEquals(Topics.DEAD_LETTERS, Topics.resolve(" dead-letters "));
        assertEquals(Topics.STOP_DECISIONS, Topics.resolve(Topics.STOP_DECISIONS));
        assertEquals("some.other.topic", Topics.resolve("some.other.topic"));
        assertThrows(IllegalArgumentException.class, () -> Topics.resolve(" "));
        assertEquals(List.of("epoch-metrics", "stop-decisions", "surrogate-predictions", "search-events",
                "dead-letters"), Topics.shortNames());
    }

    @Test
    void ensureCreatesAllTopicsOnceWithTheirConfig() throws Exception {
        KafkaClients clients = new KafkaClients(KafkaSettings.of(SharedKafka.bootstrapServers()));
        try (Admin admin = clients.admin()) {
            Topics.ensure(admin, TopicSettings.defaults());
            Set<String> again = Topics.ensure(admin, new TopicSettings(5, (short) 1));
            assertEquals(Set.of(), again, "second ensure creates nothing");
            Map<String, TopicDescription> d = admin.describeTopics(Topics.ALL).allTopicNames().get(30,
                    TimeUnit.SECONDS);
            assertEquals(Set.copyOf(Topics.ALL), d.keySet());
            for (TopicDescription t : d.values()) {
                assertEquals(TopicSettings.DEFAULT_PARTITIONS, t.partitions().size(), t.name());
                assertEquals(1, t.partitions().get(0).replicas().size(), t.name());
            }
            for (String t : Topics.ALL) {
                assertEquals(Topics.isCompacted(t) ? "compact" : "delete", cleanupPolicy(admin, t), t);
            }
            // someone turns compaction off: ensure turns it back on
            ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, Topics.SURROGATE_PREDICTIONS);
            admin.incrementalAlterConfigs(Map.of(res, List.of(new AlterConfigOp(
                    new ConfigEntry("cleanup.policy", "delete"), AlterConfigOp.OpType.SET)))).all().get();
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> cleanupPolicy(admin, Topics.SURROGATE_PREDICTIONS).equals("delete"));
            Topics.ensure(admin, TopicSettings.defaults());
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> cleanupPolicy(admin, Topics.SURROGATE_PREDICTIONS).equals("compact"));
        }
    }

    @Test
    void impossibleReplicationIsAClearError() {
        KafkaClients clients = new KafkaClients(KafkaSettings.of(SharedKafka.bootstrapServers()));
        try (Admin admin = clients.admin()) {
            Topics.ensure(admin, TopicSettings.defaults());
            admin.deleteTopics(List.of(Topics.DEAD_LETTERS)).all().get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> !admin.listTopics().names().get().contains(Topics.DEAD_LETTERS));
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Topics.ensure(admin, new TopicSettings(1, (short) 3)));
            assertTrue(e.getMessage().contains("replication factor"), e.getMessage());
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                    .until(() -> Topics.ensure(admin, TopicSettings.defaults()).contains(Topics.DEAD_LETTERS));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void settingsValidate() {
        assertThrows(IllegalArgumentException.class, () -> new TopicSettings(0, (short) 1));
        assertThrows(IllegalArgumentException.class, () -> new TopicSettings(1, (short) 0));
        assertEquals(2, new TopicSettings(1, (short) 3).minInSyncReplicas());
        assertEquals(1, new TopicSettings(1, (short) 2).minInSyncReplicas());
    }

    static String cleanupPolicy(Admin admin, String topic) throws Exception {
        ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config c = admin.describeConfigs(List.of(res)).all().get(30, TimeUnit.SECONDS).get(res);
        return c.get("cleanup.policy").value();
    }
}
