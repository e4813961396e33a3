package dev.nasflow.report;

import dev.nasflow.embedded.SharedKafka;
import dev.nasflow.model.SearchEventType;
import dev.nasflow.stream.EpochMetric;
import dev.nasflow.stream.KafkaClients;
import dev.nasflow.stream.KafkaSettings;
import dev.nasflow.stream.MetricsPublisher;
import dev.nasflow.stream.SearchEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The report's learning curves come from the search's latest run: a search id started again once its run finished
 * has candidates with the old run's ids, whose old points must not mix into the new curves.
 */
@ExtendWith(SharedKafka.class)
class EpochCurvesTest {
    static EpochMetric metric(String search, String candidate, int epoch, double value, long ts) {
        return EpochMetric.of(search, candidate, 0, epoch, 12, Map.of("validAccuracy", value), 100, 1).withTimestamp(ts);
    }

    @Test
    void onlyTheLatestRunOfASearchIdGivesItsCurves() throws Exception {
        KafkaClients kafka = new KafkaClients(KafkaSettings.of(SharedKafka.bootstrapServers()));
        String s = "curves-" + System.nanoTime();
        String c0 = s + "-g0-c0";
        String c1 = s + "-g0-c1";
        long old = System.currentTimeMillis() - 600_000;
        long now = System.currentTimeMillis();
        try (MetricsPublisher pub = kafka.publisher("curves-test")) {
            pub.publish(SearchEvent.of(s, SearchEventType.STARTED, null, null, Map.of()).withTimestamp(old)).get();
            pub.publish(metric(s, c0, 1, 50, old + 100)).get();
            pub.publish(metric(s, c0, 2, 55, old + 200)).get();
            pub.publish(metric(s, c1, 1, 40, old + 150)).get();
            pub.publish(SearchEvent.of(s, SearchEventType.COMPLETED, null, null, Map.of()).withTimestamp(old + 1000))
                    .get();
            // one run so far: every metric is its
            assertEquals(List.of(1, 2), EpochCurves.read(kafka, s, "validAccuracy", Duration.ofSeconds(30)).curves()
                    .get(c0).epochs());

            pub.publish(SearchEvent.of(s, SearchEventType.STARTED, null, null, Map.of()).withTimestamp(now)).get();
            pub.publish(metric(s, c0, 1, 70, now + 100)).get();
            EpochCurves.Read r = EpochCurves.read(kafka, s, "validAccuracy", Duration.ofSeconds(30));
            assertEquals(List.of(1), r.curves().get(c0).epochs(), "the new run's curve only");
            assertEquals(List.of(70.0), r.curves().get(c0).values());
            assertEquals(null, r.curves().get(c1), "c1 has not started in the new run");
        }
    }

    @Test
    void theRunBoundaryToleratesClockSkewButNeverReachesBackIntoTheOldRun() {
        SearchEvent started1 = SearchEvent.of("s", SearchEventType.STARTED, null, null, Map.of()).withTimestamp(1_000);
        SearchEvent done1 = SearchEvent.of("s", SearchEventType.COMPLETED, null, null, Map.of()).withTimestamp(5_000);
        SearchEvent started2 = SearchEvent.of("s", SearchEventType.STARTED, null, null, Map.of())
                .withTimestamp(500_000);
        assertEquals(0, EpochCurves.runStart(List.of(started1)));
        assertEquals(0, EpochCurves.runStart(List.of(started1, done1)));
        assertEquals(500_000 - EpochCurves.SKEW_MS, EpochCurves.runStart(List.of(started1, done1, started2)));
        SearchEvent soon = SearchEvent.of("s", SearchEventType.STARTED, null, null, Map.of()).withTimestamp(6_000);
        assertEquals(5_000, EpochCurves.runStart(List.of(started1, done1, soon)), "not before the old run's end");
    }
}
