package dev.nasflow.stopping;

import dev.nasflow.service.StopperService;
import dev.nasflow.wiring.DevStack;
import dev.nasflow.stream.EventSerde;
import dev.nasflow.stream.EpochMetric;
import dev.nasflow.stream.KafkaClients;
import dev.nasflow.stream.MetricsPublisher;
import dev.nasflow.stream.ReplayingConsumer;
import dev.nasflow.stream.SearchEvent;
import dev.nasflow.model.SearchEventType;
import dev.nasflow.stream.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Restart time of the early-stopping service with 1,000 finished searches in its topics (issue 12: under 5 s). The
 * topics are filled with the events of 1,000 searches (STARTED, six candidates of 12 epochs each, COMPLETED); a first
 * stopper reads them all and commits; the restarted stopper must be live within 5 s, having re-read none of the
 * finished searches. For comparison the test also times re-reading the whole history (what every start did before).
 */
class StopperRestartTest {
    static final int SEARCHES = 1000;
    static final int CANDIDATES = 6;
    static final int EPOCHS = 12;

    @Test
    void restartWithAThousandFinishedSearchesIsLiveInUnderFiveSeconds(@TempDir Path dir) throws Exception {
        try (DevStack stack = DevStack.builder(dir).workerSlots(0).stopper(false).surrogate(false).start()) {
            KafkaClients kafka = stack.kafka();
            long t0 = System.nanoTime();
            long records = fill(kafka);
            double fillSeconds = (System.nanoTime() - t0) / 1e9;

            try (StopperService first = new StopperService(kafka, stack.client(), null, null).start()) {
                await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                        .until(() -> committedToEnd(kafka));
            }

            long r0 = System.nanoTime();
            double restartSeconds;
            long reread;
            try (StopperService again = new StopperService(kafka, stack.client(), null, null).start()) {
                assertTrue(again.awaitCaughtUp(Duration.ofSeconds(30)), "the restarted stopper never caught up");
                restartSeconds = (System.nanoTime() - r0) / 1e9;
                reread = again.consumer().replayed();
            }

            // the behaviour before: every start re-read each topic from the beginning (decoding every record)
            long f0 = System.nanoTime();
            double fullSeconds;
            long fullReread;
            try (ReplayingConsumer full = new ReplayingConsumer("full-replay", kafka, StopperService.GROUP_ID,
                    List.of(Topics.EPOCH_METRICS, Topics.SEARCH_EVENTS), (rec, replay) -> {
                        if (rec.topic().equals(Topics.EPOCH_METRICS)) {
                            EventSerde.EPOCH_METRIC.decode(rec.value());
                        } else {
                            EventSerde.SEARCH_EVENT.decode(rec.value());
                        }
                        return null;
                    }).start()) {
                assertTrue(full.awaitCaughtUp(Duration.ofMinutes(2)));
                fullSeconds = (System.nanoTime() - f0) / 1e9;
                fullReread = full.replayed();
            }
            System.out.printf(Locale.ROOT, "STOPPER RESTART: %d finished searches, %d records (filled in %.1f s); "
                            + "restart live in %.2f s re-reading %d record(s); re-reading the whole history "
                            + "(before): %.2f s, %d records%n", SEARCHES, records, fillSeconds, restartSeconds, reread,
                    fullSeconds, fullReread);
            assertEquals(0, reread, "finished searches are not re-read");
            assertEquals(records, fullReread);
            assertTrue(restartSeconds < 5, "restart took " + restartSeconds + " s");
        }
    }

    /** Publishes the events of {@link #SEARCHES} finished searches; returns the number of records. */
    static long fill(KafkaClients kafka) throws Exception {
        long n = 0;
        try (MetricsPublisher pub = kafka.publisher("restart-fill")) {
            List<CompletableFuture<?>> sent = new ArrayList<>();
            for (int s = 0; s < SEARCHES; s++) {
                String id = "finished-" + s;
                sent.add(pub.publish(SearchEvent.of(id, SearchEventType.STARTED, null, null,
                        Map.of("name", id, "strategy", "rea", "space", "nb201"))));
                n++;
                for (int c = 0; c < CANDIDATES; c++) {
                    String cid = id + "-g0-c" + c;
                    sent.add(pub.publish(SearchEvent.of(id, SearchEventType.CANDIDATE_STARTED, cid, 0,
                            Map.of("archHash", "h" + c))));
                    for (int e = 0; e < EPOCHS; e++) {
                        sent.add(pub.publish(EpochMetric.of(id, cid, 0, e, EPOCHS,
                                Map.of("validAccuracy", 50.0 + e + c), 10, 1.0)));
                    }
                    sent.add(pub.publish(SearchEvent.of(id, SearchEventType.CANDIDATE_FINISHED, cid, 0,
                            Map.of("outcome", "COMPLETED"))));
                    n += EPOCHS + 2;
                }
                sent.add(pub.publish(SearchEvent.of(id, SearchEventType.COMPLETED, null, null, Map.of())));
                n++;
                if (sent.size() > 20_000) {
                    CompletableFuture.allOf(sent.toArray(new CompletableFuture[0])).get(300, TimeUnit.SECONDS);
                    sent.clear();
                }
            }
            CompletableFuture.allOf(sent.toArray(new CompletableFuture[0])).get(300, TimeUnit.SECONDS);
        }
        return n;
    }

    static boolean committedToEnd(KafkaClients kafka) throws Exception {
        try (Admin admin = kafka.admin()) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(StopperService.GROUP_ID)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (String t : List.of(Topics.EPOCH_METRICS, Topics.SEARCH_EVENTS)) {
                admin.describeTopics(List.of(t)).allTopicNames().get(30, TimeUnit.SECONDS).get(t).partitions()
                        .forEach(p -> latest.put(new TopicPartition(t, p.partition()), OffsetSpec.latest()));
            }
            var ends = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
            for (var e : ends.entrySet()) {
                OffsetAndMetadata om = committed.get(e.getKey());
                if (e.getValue().offset() > 0 && (om == null || om.offset() < e.getValue().offset())) {
                    return false;
                }
            }
            return true;
        }
    }
}
