package dev.nasflow.metrics;

import dev.nasflow.embedded.SharedKafka;
import dev.nasflow.stream.KafkaClients;
import dev.nasflow.stream.KafkaSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

@ExtendWith(SharedKafka.class)
class ConsumerLagMonitorTest {
    @Test
    void lagIsEndMinusCommittedSummedOverPartitionsAndFromTheStartBeforeAnyCommit() throws Exception {
        KafkaClients kafka = new KafkaClients(KafkaSettings.of(SharedKafka.bootstrapServers()));
        String topic = "lag-" + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = kafka.admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
        }
        try (Producer<byte[], byte[]> p = kafka.producer("lag-test")) {
            for (int i = 0; i < 10; i++) {
                p.send(new ProducerRecord<>(topic, i % 2, null, new byte[]{(byte) i})).get();
            }
        }
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        NasflowMetrics metrics = new NasflowMetrics(registry);
        String group = "lag-group-" + UUID.randomUUID().toString().substring(0, 8);
        String idle = "lag-idle-" + UUID.randomUUID().toString().substring(0, 8);
        try {
            ConsumerLagMonitor monitor = metrics.monitorLag(kafka, Map.of(group, List.of(topic), idle,
                    List.of(topic)), Duration.ofMillis(200));
            await().atMost(Duration.ofSeconds(20)).until(() -> monitor.lag(group, topic) == 10);
            try (Consumer<byte[], byte[]> c = kafka.consumer(group)) {
                c.assign(List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1)));
                c.commitSync(Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(5),
                        new TopicPartition(topic, 1), new OffsetAndMetadata(2)));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> monitor.lag(group, topic) == 3);
            assertEquals(10, monitor.lag(idle, topic), "a group without commits lags by the whole topic");
            assertEquals(3.0, registry.get("nasflow.kafka.consumer.lag").tags("group", group, "topic", topic)
                    .gauge().value());
            assertEquals(-1, monitor.lag("unknown", topic));
        } finally {
            metrics.close();
        }
    }
}
