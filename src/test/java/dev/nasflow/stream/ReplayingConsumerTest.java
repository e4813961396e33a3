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
