package dev.nasflow.stream;

import dev.nasflow.embedded.SharedKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The streaming services' consumer loop: a slow action does not hold up the records behind it, yet offsets are
 * committed only once the actions of a batch and of every earlier batch completed; a restart replays what was
 * committed (replay=true) and acts on the rest.
 */
@ExtendWith(SharedKafka.class)
class ReplayingConsumerTest {
    @Test
    void slowActionsDoNotBlockPollingAndOffsetsWaitForThem() throws Exception {
        KafkaClients kafka = new KafkaClients(KafkaSettings.of(SharedKafka.bootstrapServers()));
        String topic = "rc-test-" + System.nanoTime();
        String group = KafkaClients.uniqueGroupId("rc-test");
        TopicPartition tp = new TopicPartition(topic, 0);
        try (Admin admin = kafka.admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        CompletableFuture<Void> slow = new CompletableFuture<>();
        List<String> live = new CopyOnWriteArrayList<>();
        List<String> replayed = new CopyOnWriteArrayList<>();
        try (Producer<byte[], byte[]> producer = kafka.producer("rc-test")) {
            send(producer, topic, "a");
            try (ReplayingConsumer loop = new ReplayingConsumer("rc", kafka, group, List.of(topic), (rec, replay) -> {
                String v = new String(rec.value(), StandardCharsets.UTF_8);
                (replay ? replayed : live).add(v);
                return v.equals("a") ? slow : null; // "a" starts an action that only the test completes
            }).start()) {
                assertTrue(loop.awaitAssignment(Duration.ofSeconds(30)));
                await().atMost(Duration.ofSeconds(20)).until(() -> live.contains("a"));
                send(producer, topic, "b");
                send(producer, topic, "c");
                await().atMost(Duration.ofSeconds(20)).until(() -> live.equals(List.of("a", "b", "c")));
                Thread.sleep(300);
                assertEquals(null, committed(kafka, group, tp), "nothing committed while a's action runs");
                slow.complete(null);
                await().atMost(Duration.ofSeconds(20)).until(() -> committed(kafka, group, tp) != null
                        && committed(kafka, group, tp) == 3L);
            }
            // a restart replays the committed records without acting, then acts on new ones
            send(producer, topic, "d");
            live.clear();
            try (ReplayingConsumer again = new ReplayingConsumer("rc2", kafka, group, List.of(topic),
                    (rec, replay) -> {
                        (replay ? replayed : live).add(new String(rec.value(), StandardCharsets.UTF_8));
                        return null;
                    }).start()) {
                await().atMost(Duration.ofSeconds(30)).until(() -> live.contains("d"));
                assertEquals(List.of("a", "b", "c"), replayed);
                assertEquals(List.of("d"), live);
                await().atMost(Duration.ofSeconds(20)).until(() -> Long.valueOf(4L).equals(
                        committed(kafka, group, tp)));
            }
        }
    }

    /**
     * With a retention, a restart re-reads only from the first record of the units (searches) still needed at the last
     * commit: a finished search's records before that are not re-read. A consumer group member left behind by another
     * process does not hold the loop up (it takes its partitions without a rebalance).
     */
    @Test
    void restartRereadsOnlyTheLiveUnitsAndIgnoresStaleGroupMembers() throws Exception {
        KafkaClients kafka = new KafkaClients(KafkaSettings.of(SharedKafka.bootstrapServers()));
        String topic = "rc-units-" + System.nanoTime();
        String group = KafkaClients.uniqueGroupId("rc-units");
        try (Admin admin = kafka.admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        Set<String> finished = java.util.concurrent.ConcurrentHashMap.newKeySet();
        List<String> replayed = new CopyOnWriteArrayList<>();
        List<String> live = new CopyOnWriteArrayList<>();
        ReplayingConsumer.Retention retention = unit -> !finished.contains(unit);
        try (Producer<byte[], byte[]> producer = kafka.producer("rc-units")) {
            // a member that subscribed and never leaves (as a killed process's): the group is not empty
            Consumer<byte[], byte[]> stale = kafka.consumer(group, Map.of("session.timeout.ms", "6000",
                    "heartbeat.interval.ms", "1000"));
            stale.subscribe(List.of(topic));
            stale.poll(Duration.ofSeconds(5));
            send(producer, topic, "a-g0-c1");
            send(producer, topic, "b-g0-c1");
            send(producer, topic, "a");
            try (ReplayingConsumer loop = new ReplayingConsumer("rc-u", kafka, group, List.of(topic),
                    (rec, replay) -> {
                        String v = new String(rec.value(), StandardCharsets.UTF_8);
                        (replay ? replayed : live).add(v);
                        if (v.equals("a")) {
                            finished.add("a"); // the search-level "a" record ends search a
                        }
                        return null;
                    }).retention(retention).start()) {
                assertTrue(loop.awaitAssignment(Duration.ofSeconds(10)), "no rebalance wait");
                await().atMost(Duration.ofSeconds(10)).until(() -> live.size() == 3);
                // the stale member stops heartbeating (as a killed process's): once it timed out, the loop's retried
                // commit goes through
                stale.close(Duration.ZERO);
                await().atMost(Duration.ofSeconds(60)).until(() -> Long.valueOf(3L).equals(
                        committed(kafka, group, new TopicPartition(topic, 0))));
            }
            send(producer, topic, "c-g0-c1");
            live.clear();
            try (ReplayingConsumer again = new ReplayingConsumer("rc-u2", kafka, group, List.of(topic),
                    (rec, replay) -> {
                        (replay ? replayed : live).add(new String(rec.value(), StandardCharsets.UTF_8));
                        return null;
                    }).retention(retention).start()) {
                assertTrue(again.awaitCaughtUp(Duration.ofSeconds(10)));
                await().atMost(Duration.ofSeconds(10)).until(() -> live.contains("c-g0-c1"));
                assertEquals(List.of("b-g0-c1", "a"), replayed, "from b's first record on; a's earlier one is not "
                        + "re-read");
                assertEquals(2, again.replayed());
            }
        }
    }

    @Test
    void searchIdOfAKey() {
        assertEquals("s-1", ReplayingConsumer.searchIdOfKey("s-1-g12-c3"));
        assertEquals("s-1", ReplayingConsumer.searchIdOfKey("s-1"));
        assertEquals(null, ReplayingConsumer.searchIdOfKey(null));
    }

    static void send(Producer<byte[], byte[]> p, String topic, String v) throws Exception {
        p.send(new ProducerRecord<>(topic, v.getBytes(StandardCharsets.UTF_8), v.getBytes(StandardCharsets.UTF_8)))
                .get(10, TimeUnit.SECONDS);
    }

    static Long committed(KafkaClients kafka, String group, TopicPartition tp) {
        try (Consumer<byte[], byte[]> c = kafka.consumer(group)) {
            Map<TopicPartition, OffsetAndMetadata> m = c.committed(Set.of(tp));
            OffsetAndMetadata om = m.get(tp);
            return om == null ? null : om.offset();
        }
    }
}
