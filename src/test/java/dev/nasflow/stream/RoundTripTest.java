package dev.nasflow.stream;

import dev.nasflow.model.SearchEventType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.nasflow.embedded.SharedKafka;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedKafka.class)
class RoundTripTest {
    static KafkaClients clients;

    @BeforeAll
    static void topics() {
        clients = new KafkaClients(KafkaSettings.of(SharedKafka.bootstrapServers()));
        clients.ensureTopics(TopicSettings.defaults());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    @Test
    void everyEventTypeTravelsThroughItsTopicWithItsKey() throws Exception {
        String search = "rt-" + UUID.randomUUID().toString().substring(0, 8);
        List<StreamEvent> events = List.of(
                EpochMetric.of(search, search + "-g0-c0", 0, 1, 12, Map.of("validAccuracy", 55.0, "trainLoss",
                        Double.NaN), 120, 31.5),
                StopDecision.of(search, search + "-g0-c0", 1, 0, "asha", "below rung median", 1000, 900),
                SurrogatePrediction.of(search, "a1b2c3d4e5f60718", "|skip_connect~0|", 81.0, 2.0, 3,
                        new SurrogatePrediction.Quality(0.5, 3.1, 12)),
                SearchEvent.of(search, SearchEventType.GENERATION_STARTED, null, 0, Map.of("size", 8)));
        long before = System.currentTimeMillis();
        try (MetricsPublisher pub = clients.publisher("rt")) {
            List<CompletableFuture<RecordMetadata>> fs = new ArrayList<>();
            for (StreamEvent e : events) {
                fs.add(pub.publish(e));
            }
            for (int i = 0; i < events.size(); i++) {
                RecordMetadata md = fs.get(i).get(30, TimeUnit.SECONDS);
                assertEquals(EventSerde.forType(events.get(i).getClass()).topic(), md.topic());
            }
            assertEquals(4, pub.acked());
            assertEquals(0, pub.failed());
        }
        for (StreamEvent e : events) {
            EventSerde serde = EventSerde.forType(e.getClass());
            try (EventConsumer<StreamEvent> c = clients.eventConsumer(KafkaClients.uniqueGroupId("rt"), serde,
                    null)) {
                List<Received<StreamEvent>> got = StreamTestSupport.pollUntil(c, 1, Duration.ofSeconds(30),
                        r -> r.value().searchId().equals(search));
                assertEquals(1, got.size(), serde.toString());
                Received<StreamEvent> r = got.get(0);
                assertEquals(e.key(), r.key());
                assertEquals(serde.topic(), r.topic());
                if (e instanceof EpochMetric m) {
                    EpochMetric back = (EpochMetric) r.value();
                    assertTrue(back.timestamp() >= before, "publisher stamps the timestamp");
                    assertEquals(back.timestamp(), r.timestamp(), "record timestamp = event timestamp");
                    assertEquals(m.withTimestamp(back.timestamp()), back);
                } else if (e instanceof SearchEvent s) {
                    SearchEvent back = (SearchEvent) r.value();
                    assertTrue(back.timestamp() >= before);
                    assertEquals(s.withTimestamp(back.timestamp()), back);
                } else {
                    assertEquals(e, r.value());
                }
                c.commit();
            }
        }
    }

    @Test
    void perCandidateOrderIsKept() throws Exception {
        String search = "ord-" + UUID.randomUUID().toString().substring(0, 8);
        int candidates = 4;
        int epochs = 25;
        try (MetricsPublisher pub = clients.publisher("ord")) {
            for (int e = 1; e <= epochs; e++) {
                for (int c = 0; c < candidates; c++) {
                    pub.publish(EpochMetric.of(search, search + "-g0-c" + c, 0, e, epochs,
                            Map.of("validAccuracy", (double) e), 10, 1.0));
                }
            }
            pub.flush();
            assertEquals(candidates * epochs, pub.acked());
        }
        try (EventConsumer<EpochMetric> c = clients.eventConsumer(KafkaClients.uniqueGroupId("ord"),
                EventSerde.EPOCH_METRIC, null)) {
            List<Received<EpochMetric>> got = StreamTestSupport.pollUntil(c, candidates * epochs,
                    Duration.ofSeconds(30), r -> r.value().searchId().equals(search));
            assertEquals(candidates * epochs, got.size());
            Map<String, Integer> last = new java.util.HashMap<>();
            for (Received<EpochMetric> r : got) {
                int prev = last.getOrDefault(r.key(), 0);
                assertEquals(prev + 1, r.value().epoch(), "epochs of " + r.key() + " in order");
                last.put(r.key(), r.value().epoch());
            }
        }
    }
}
