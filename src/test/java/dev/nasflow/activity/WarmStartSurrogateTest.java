package dev.nasflow.activity;

import dev.nasflow.embedded.SharedKafka;
import dev.nasflow.model.SearchSpec;
import dev.nasflow.service.SurrogateObserver;
import dev.nasflow.service.SurrogateService;
import dev.nasflow.space.Genome;
import dev.nasflow.space.SearchSpace;
import dev.nasflow.space.Spaces;
import dev.nasflow.spec.SpecValidator;
import dev.nasflow.stream.EventSerde;
import dev.nasflow.stream.KafkaClients;
import dev.nasflow.stream.KafkaSettings;
import dev.nasflow.stream.MetricsPublisher;
import dev.nasflow.stream.SearchEvent;
import dev.nasflow.model.SearchEventType;
import dev.nasflow.stream.SurrogatePrediction;
import dev.nasflow.stream.TopicSettings;
import dev.nasflow.stream.TopicReader;
import dev.nasflow.stream.Topics;




import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live surrogate service pre-trains a warm-started search's architecture model on the priors that
 * {@code LoadPriors} publishes ({@code WARM_START_PRIORS}): the search's first candidate gets a prediction before any
 * candidate of the search finished (a cold search's does not; nor does one warm-started from another data set only),
 * a repeated event (an activity retry) changes nothing, and a restarted service rebuilds the model from the topic.
 */
@ExtendWith(SharedKafka.class)
class WarmStartSurrogateTest {
    private final SearchSpace space = Spaces.create(PriorFiles.spec("probe").space());

    /** Fits per search, as the service reports them. */
    private static final class Fits implements SurrogateObserver {
        final Map<String, AtomicInteger> bySearch = new ConcurrentHashMap<>();

        @Override
        public void retrained(String searchId, long version, int trainedOn, double tau, double rmse) {
            bySearch.computeIfAbsent(searchId, k -> new AtomicInteger()).incrementAndGet();
        }

        int of(String searchId) {
            AtomicInteger n = bySearch.get(searchId);
            return n == null ? 0 : n.get();
        }

        void await(String searchId, int n) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (of(searchId) < n && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(of(searchId) >= n, searchId + ": " + of(searchId) + " fits, expected " + n);
        }
    }

    /** CANDIDATE_STARTED of {@code g} in {@code searchId}, as the training activity publishes it. */
    private SearchEvent started(String searchId, String candidateId, Genome g) {
        return SearchEvent.of(searchId, SearchEventType.CANDIDATE_STARTED, candidateId, 0,
                PriorFiles.startPayload(space, g));
    }

    /** Architecture predictions of {@code searches} published so far (waits {@code settle} for late ones). */
    private static List<SurrogatePrediction> predictions(KafkaClients kafka, List<String> searches, Duration settle)
            throws InterruptedException {
        Thread.sleep(settle.toMillis());
        return TopicReader.readToEnd(kafka, Topics.SURROGATE_PREDICTIONS, EventSerde.SURROGATE_PREDICTION,
                Duration.ofSeconds(30), p -> !p.forCandidate() && searches.contains(p.searchId()));
    }

    /** Waits until an architecture prediction of {@code archHash} in {@code searchId} is on the topic. */
    private static SurrogatePrediction awaitPrediction(KafkaClients kafka, String searchId, String archHash)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            for (SurrogatePrediction p : predictions(kafka, List.of(searchId), Duration.ofMillis(200))) {
                if (p.archHash().equals(archHash)) {
                    return p;
                }
            }
        }
        throw new AssertionError("no prediction of " + archHash + " in " + searchId);
    }

    @Test
    void priorsPretrainTheServiceModelBeforeTheFirstCandidateFinishes() throws Exception {
        String run = Long.toString(System.nanoTime());
        SearchSpec probe = PriorFiles.spec("probe");
        List<PriorFiles.Line> lines = PriorFiles.completed(space, 30, 11);
        SearchSpec warm = PriorFiles.spec("warm", PriorFiles.write("svc-same-" + run + ".jsonl", probe, "cifar10",
                lines));
        SearchSpec transferred = PriorFiles.spec("warm", PriorFiles.write("svc-other-" + run + ".jsonl", probe,
                "cifar100", lines));
        String warmId = "ws-warm-" + run;
        String coldId = "ws-cold-" + run;
        String otherId = "ws-other-" + run;
        // candidates: architectures none of the priors measured
        List<Genome> fresh = PriorFiles.completed(space, 40, 12).stream().map(PriorFiles.Line::genome)
                .filter(g -> lines.stream().noneMatch(l -> l.genome().equals(g))).toList();

        KafkaClients kafka = new KafkaClients(KafkaSettings.of(SharedKafka.bootstrapServers()));
        kafka.ensureTopics(TopicSettings.defaults());
        Fits fits = new Fits();
        String group = "ws-" + run;
        try (MetricsPublisher pub = kafka.publisher("ws-test")) {
            SearchActivitiesImpl acts = new SearchActivitiesImpl(new SpecValidator(), pub, null);
            try (SurrogateService service = new SurrogateService(kafka, 5, fits, group).start()) {
                assertTrue(service.awaitReady(Duration.ofSeconds(60)));
                assertTrue(acts.loadPriors(warmId, warm).ok());
                assertTrue(acts.loadPriors(otherId, transferred).ok());
                fits.await(warmId, 1);

                pub.publish(started(warmId, warmId + "-g0-c0", fresh.get(0))).get(10, TimeUnit.SECONDS);
                pub.publish(started(coldId, coldId + "-g0-c0", fresh.get(0))).get(10, TimeUnit.SECONDS);
                pub.publish(started(otherId, otherId + "-g0-c0", fresh.get(0))).get(10, TimeUnit.SECONDS);
                SurrogatePrediction p = awaitPrediction(kafka, warmId, space.hash(fresh.get(0)));
                assertTrue(Double.isFinite(p.mean()) && p.mean() > 30 && p.mean() < 130, "mean " + p.mean());
                assertEquals(Integer.valueOf(0), p.trainedOn(), "no result of the search yet: the priors only");
                assertEquals("validAccuracy", p.metric());

                // an activity retry publishes the priors again: nothing is added, no fit is scheduled
                assertTrue(acts.loadPriors(warmId, warm).ok());
                pub.publish(started(warmId, warmId + "-g0-c1", fresh.get(1))).get(10, TimeUnit.SECONDS);
                awaitPrediction(kafka, warmId, space.hash(fresh.get(1)));
                List<SurrogatePrediction> all = predictions(kafka, List.of(warmId, coldId, otherId),
                        Duration.ofSeconds(1));
                assertEquals(1, fits.of(warmId), "the repeated event added nothing to fit");
                assertTrue(all.stream().filter(q -> q.searchId().equals(warmId)).allMatch(q -> q.modelVersion() == 1),
                        "every prediction from the one fit on the priors");
                assertTrue(all.stream().noneMatch(q -> q.searchId().equals(coldId)),
                        "a cold search's candidate gets no prediction before a result");
                assertTrue(all.stream().noneMatch(q -> q.searchId().equals(otherId)),
                        "priors of another data set are not mixed into the value regression");
                assertEquals(0, fits.of(otherId));
                assertEquals(0, fits.of(coldId));
            }

            // restarted (same group): the model is rebuilt from the re-read priors, and predicts a new candidate
            Fits again = new Fits();
            try (SurrogateService service = new SurrogateService(kafka, 5, again, group).start()) {
                assertTrue(service.consumer().awaitCaughtUp(Duration.ofSeconds(60)));
                assertTrue(service.consumer().replayed() > 0, "records re-read");
                again.await(warmId, 1);
                pub.publish(started(warmId, warmId + "-g0-c2", fresh.get(2))).get(10, TimeUnit.SECONDS);
                SurrogatePrediction p = awaitPrediction(kafka, warmId, space.hash(fresh.get(2)));
                assertEquals(Integer.valueOf(0), p.trainedOn());
                assertEquals(1, again.of(warmId), "one fit on the re-read priors (the repeated event adds none)");
            }
        }
    }
}
