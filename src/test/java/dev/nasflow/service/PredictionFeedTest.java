package dev.nasflow.service;

import dev.nasflow.embedded.SharedKafka;
import dev.nasflow.stream.KafkaClients;
import dev.nasflow.stream.KafkaSettings;
import dev.nasflow.stream.MetricsPublisher;
import dev.nasflow.stream.SurrogatePrediction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Optional;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stopper's view of the predictions topic when a candidate trains again: a finished search's id started again
 * (its new run's candidates have the old run's ids) or a candidate resumed from an earlier checkpoint. The latest
 * prediction is the one answering the latest metric, not the one from the highest epoch, and the old run's
 * predictions can be forgotten.
 */
@ExtendWith(SharedKafka.class)
class PredictionFeedTest {
    static SurrogatePrediction pred(String search, String candidate, int epoch, long metricTs) {
        return pred(search, candidate, epoch, 12, metricTs);
    }

    static SurrogatePrediction pred(String search, String candidate, int epoch, int target, long metricTs) {
        return SurrogatePrediction.ofCandidate(search, candidate, "h", "a", epoch, target, "validAccuracy",
                80 + epoch, 1, 1, null, 5, metricTs, 4);
    }

    /**
     * Whether the surrogate service predicts a search's candidates of a target (so that the stopper waits for their
     * predictions): not until one such prediction was read; per target; a forgotten run's predictions no longer count.
     */
    @Test
    void aSearchTargetIsPredictedOnceOneOfItsPredictionsWasRead() throws Exception {
        KafkaClients kafka = new KafkaClients(KafkaSettings.of(SharedKafka.bootstrapServers()));
        String s = "predicts-" + System.nanoTime();
        long t0 = System.currentTimeMillis() - 60_000;
        try (PredictionFeed feed = PredictionFeed.start(kafka); MetricsPublisher pub = kafka.publisher("feed-test")) {
            assertTrue(feed.awaitReady(Duration.ofSeconds(60)));
            assertFalse(feed.predicts(s, 12), "nothing read yet: a cold search, no model");
            long t1 = System.nanoTime();
            feed.await(s + "-g0-c0", 3, Duration.ofMillis(200)).get();
            assertTrue(System.nanoTime() - t1 >= 150_000_000L, "await still waits when asked to");
            pub.publish(pred(s, s + "-g0-c1", 2, 12, t0)).get();
            await().atMost(Duration.ofSeconds(30)).until(() -> feed.predicts(s, 12));
            assertFalse(feed.predicts(s, 24), "another target has no model yet");
            assertFalse(feed.predicts(s + "x", 12), "another search");
            pub.publish(pred(s, s + "-g0-c2", 2, 24, t0 + 40_000)).get();
            await().atMost(Duration.ofSeconds(30)).until(() -> feed.predicts(s, 24));
            // the id started again: the old run's predictions are forgotten, and so is its model's target 12
            feed.forgetSearch(s, t0 + 30_000);
            assertFalse(feed.predicts(s, 12), "only the forgotten run predicted target 12");
            assertTrue(feed.predicts(s, 24), "a prediction of the new run");
        }
    }

    @Test
    void theLatestPredictionAnswersTheLatestMetricAndAnOldRunCanBeForgotten() throws Exception {
        KafkaClients kafka = new KafkaClients(KafkaSettings.of(SharedKafka.bootstrapServers()));
        String s = "feed-" + System.nanoTime();
        String c = s + "-g0-c0";
        long t0 = System.currentTimeMillis() - 60_000;
        try (PredictionFeed feed = PredictionFeed.start(kafka); MetricsPublisher pub = kafka.publisher("feed-test")) {
            assertTrue(feed.awaitReady(Duration.ofSeconds(60)));
            pub.publish(pred(s, c, 11, t0)).get();
            await().atMost(Duration.ofSeconds(30)).until(() -> feed.latest(c).map(p -> p.epoch() == 11).orElse(false));
            // the same id started again: its epoch-1 prediction answers a later metric and is the latest now
            pub.publish(pred(s, c, 1, t0 + 10_000)).get();
            await().atMost(Duration.ofSeconds(30)).until(() -> feed.latest(c).map(p -> p.epoch() == 1).orElse(false));
            // a prediction answering an older metric never replaces it, whatever its epoch
            pub.publish(pred(s, c, 9, t0 + 5_000)).get();
            pub.publish(pred(s, c, 2, t0 + 20_000)).get();
            await().atMost(Duration.ofSeconds(30)).until(() -> feed.latest(c).map(p -> p.epoch() == 2).orElse(false));
            assertEquals(t0 + 20_000, feed.latest(c).orElseThrow().metricTimestamp());

            // forgetting a search drops its predictions of metrics before the cut, keeps later ones and other searches
            String other = s + "x-g0-c0";
            pub.publish(pred(s + "x", other, 3, t0)).get();
            String c2 = s + "-g0-c1";
            pub.publish(pred(s, c2, 4, t0 + 30_000)).get();
            await().atMost(Duration.ofSeconds(30)).until(() -> feed.latest(c2).isPresent()
                    && feed.latest(other).isPresent());
            feed.forgetSearch(s, t0 + 25_000);
            assertFalse(feed.latest(c).isPresent(), "answers a metric before the cut");
            Optional<SurrogatePrediction> kept = feed.latest(c2);
            assertTrue(kept.isPresent() && kept.get().epoch() == 4, "answers a metric after the cut");
            assertTrue(feed.latest(other).isPresent(), "another search");
        }
    }
}
