package dev.nasflow.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.nasflow.embedded.SharedKafka;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedKafka.class)
class PoisonRecordTest {
    static KafkaClients clients;

    @BeforeAll
    static void topics() {
        clients = new KafkaClients(KafkaSettings.of(SharedKafka.bootstrapServers()));
        clients.ensureTopics(TopicSettings.defaults());
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void poisonIsSkippedCountedAndDeadLetteredWithHeaders() throws Exception {
        String search = "poison-" + UUID.randomUUID().toString().substring(0, 8);
        String cand = search + "-g0-c0";
        EpochMetric good1 = EpochMetric.of(search, cand, 0, 1, 3, Map.of("validAccuracy", 10.0), 5, 1)
                .withTimestamp(1000);
        EpochMetric good2 = EpochMetric.of(search, cand, 0, 2, 3, Map.of("validAccuracy", 20.0), 5, 1)
                .withTimestamp(2000);
        String goodJson = new String(EventSerde.EPOCH_METRIC.encode(good1), StandardCharsets.UTF_8);
        byte[] garbage = {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef, 0, 1, 2, '{'};
        byte[] v99 = utf8(goodJson.replace("\"schemaVersion\":1", "\"schemaVersion\":99"));
        byte[] missing = utf8(goodJson.replace("\"candidateId\":\"" + cand + "\",", ""));
        byte[] wrongType = utf8(goodJson.replace("\"epoch\":1", "\"epoch\":\"one\""));
        List<byte[]> values = List.of(EventSerde.EPOCH_METRIC.encode(good1), garbage, v99, missing, wrongType,
                EventSerde.EPOCH_METRIC.encode(good2));
        try (Producer<byte[], byte[]> raw = clients.producer("poison-raw")) {
            for (byte[] v : values) {
                RecordHeaders h = new RecordHeaders();
                h.add("origin", utf8("test"));
                raw.send(new ProducerRecord<>(Topics.EPOCH_METRICS, null, utf8(cand), v, h)).get(30,
                        TimeUnit.SECONDS);
            }
        }
        List<Received<EpochMetric>> good;
        try (Producer<byte[], byte[]> dlq = clients.producer("dlq");
             EventConsumer<EpochMetric> c = clients.eventConsumer(KafkaClients.uniqueGroupId("poison"),
                     EventSerde.EPOCH_METRIC, dlq)) {
            good = StreamTestSupport.pollUntil(c, 2, Duration.ofSeconds(30),
                    r -> r.value().searchId().equals(search));
            c.commit();
            PoisonHandler p = c.poison();
            assertEquals(1, p.count(PoisonReason.NOT_JSON));
            assertEquals(1, p.count(PoisonReason.WRONG_SCHEMA_VERSION));
            assertEquals(1, p.count(PoisonReason.MISSING_FIELD));
            assertEquals(1, p.count(PoisonReason.INVALID_FIELD));
            assertEquals(4, p.total());
            assertEquals(1, p.counter(PoisonReason.NOT_JSON).getAsLong());
            assertEquals(4, p.deadLettered(), "copies acknowledged after commit()");
            assertEquals(0, p.deadLetterFailures());
        }
        assertEquals(List.of(good1, good2), good.stream().map(Received::value).toList(),
                "good records around the poison ones still arrive, in order");

        try (Consumer<byte[], byte[]> dl = clients.consumer(KafkaClients.uniqueGroupId("dl-reader"))) {
            dl.subscribe(List.of(Topics.DEAD_LETTERS));
            List<ConsumerRecord<byte[], byte[]>> copies = StreamTestSupport.pollRaw(dl, 4, Duration.ofSeconds(30),
                    r -> new String(r.key(), StandardCharsets.UTF_8).equals(cand));
            assertEquals(4, copies.size());
            Map<String, ConsumerRecord<byte[], byte[]>> byReason = new HashMap<>();
            List<Long> offsets = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : copies) {
                byReason.put(header(r, PoisonHandler.HEADER_REASON), r);
                assertEquals(Topics.EPOCH_METRICS, header(r, PoisonHandler.HEADER_TOPIC));
                assertNotNull(header(r, PoisonHandler.HEADER_PARTITION));
                offsets.add(Long.parseLong(header(r, PoisonHandler.HEADER_OFFSET)));
                assertTrue(!header(r, PoisonHandler.HEADER_ERROR).isBlank());
                assertEquals("test", header(r, "origin"), "original headers are kept");
            }
            assertArrayEquals(garbage, byReason.get("NOT_JSON").value(), "raw bytes copied unchanged");
            assertArrayEquals(v99, byReason.get("WRONG_SCHEMA_VERSION").value());
            assertArrayEquals(missing, byReason.get("MISSING_FIELD").value());
            assertTrue(header(byReason.get("MISSING_FIELD"), PoisonHandler.HEADER_ERROR).contains("candidateId"));
            assertArrayEquals(wrongType, byReason.get("INVALID_FIELD").value());
            assertEquals(4, offsets.stream().distinct().count());
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
