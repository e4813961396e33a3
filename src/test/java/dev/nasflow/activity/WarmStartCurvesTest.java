package dev.nasflow.activity;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nasflow.carried.WarmStartPriors;
import dev.nasflow.embedded.SharedKafka;
import dev.nasflow.model.Outcome;
import dev.nasflow.model.SearchEventType;
import dev.nasflow.model.SearchSpec;
import dev.nasflow.service.SurrogateObserver;
import dev.nasflow.service.SurrogateService;
import dev.nasflow.space.Genome;
import dev.nasflow.space.SearchSpace;
import dev.nasflow.space.Spaces;
import dev.nasflow.spec.SpecValidation;
import dev.nasflow.spec.SpecValidator;
import dev.nasflow.strategy.Prior;
import dev.nasflow.stream.EpochMetric;
import dev.nasflow.stream.EventSerde;
import dev.nasflow.stream.KafkaClients;
import dev.nasflow.stream.KafkaSettings;
import dev.nasflow.stream.MetricsPublisher;
import dev.nasflow.stream.SearchEvent;
import dev.nasflow.stream.SurrogatePrediction;
import dev.nasflow.stream.TopicReader;
import dev.nasflow.stream.TopicSettings;
import dev.nasflow.stream.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A warm start from a search the surrogate service followed gives the new search's learning-curve model the priors'
 * curves: its first candidate gets a predicted final after its first epoch, before any candidate of the search
 * finished; a source that finished before the service's last start is read back from the topics. A warm start from
 * a results file, or from a search the topics hold nothing of, pre-trains the
 * architecture model only, so its first candidate's epochs get no curve prediction yet.
 */
@ExtendWith(SharedKafka.class)
class WarmStartCurvesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EPOCHS = 4;
    private final SearchSpace space = Spaces.create(PriorFiles.spec("probe").space());

    /** A validated NB201 spec of {@value #EPOCHS} epochs warm-started from {@code searches}. */
    private static SearchSpec spec(List<String> searches) {
        ObjectNode s = JSON.createObjectNode();
        s.put("name", "curves");
        s.put("seed", 3);
        s.putObject("space").put("type", "nb201");
        s.putObject("strategy").put("type", "rea");
        s.putObject("budget").put("evaluations", 10);
        s.putArray("objectives").addObject().put("metric", "validAccuracy").put("direction", "maximize");
        s.putObject("fidelity").put("epochs", EPOCHS);
        s.putObject("trainer").put("type", "nb201");
        if (!searches.isEmpty()) {
            var a = s.putObject("warmStart").putArray("searches");
            searches.forEach(a::add);
        }
        SpecValidation v = new SpecValidator().validate(s.toString(), "test");
        assertTrue(v.ok(), v::report);
        return v.effective();
    }

    private Map<String, Object> payload(Genome g) {
        return PriorFiles.startPayload(space, g);
    }

    /** Value after epoch e (1..EPOCHS) of an architecture whose final is {@code fin}: a rising, crossing curve. */
    private static double value(double fin, int e) {
        return fin - (EPOCHS - e) * (3 + 0.1 * (fin - 60));
    }

    /** Trains {@code g} in {@code searchId} to its final {@code fin}, as the training activity reports it. */
    private void trainToEnd(MetricsPublisher pub, String searchId, String cid, Genome g, double fin) throws Exception {
        pub.publish(SearchEvent.of(searchId, SearchEventType.CANDIDATE_STARTED, cid, 0, payload(g)))
                .get(10, TimeUnit.SECONDS);
        for (int e = 1; e <= EPOCHS; e++) {
            pub.publish(EpochMetric.of(searchId, cid, 0, e, EPOCHS, Map.of("validAccuracy", value(fin, e)), 1, 1))
                    .get(10, TimeUnit.SECONDS);
        }
        Map<String, Object> done = payload(g);
        done.put("outcome", "COMPLETED");
        done.put("metrics", Map.of("validAccuracy", fin, "epochs", (double) EPOCHS));
        pub.publish(SearchEvent.of(searchId, SearchEventType.CANDIDATE_FINISHED, cid, 0, done))
                .get(10, TimeUnit.SECONDS);
    }

    /** The source search: every candidate trained to the end, then the search ends. */
    private void runSource(MetricsPublisher pub, String source, List<PriorFiles.Line> lines) throws Exception {
        for (int i = 0; i < lines.size(); i++) {
            trainToEnd(pub, source, source + "-g0-c" + i, lines.get(i).genome(), lines.get(i).validAccuracy());
        }
        pub.publish(SearchEvent.of(source, SearchEventType.COMPLETED, null, null, Map.of())).get(10, TimeUnit.SECONDS);
    }

    /** The source's results as a warm start's priors, every one with the value the source measured. */
    private WarmStartPriors priorsOf(List<PriorFiles.Line> lines, String source) {
        List<Prior> priors = new ArrayList<>();
        for (PriorFiles.Line l : lines) {
            priors.add(new Prior(l.genome(), EPOCHS, Map.of("validAccuracy", l.validAccuracy()), Outcome.COMPLETED,
                    false));
        }
        return WarmStartPriors.of(space, priors, List.of("search " + source));
    }

    private static SurrogatePrediction awaitCandidatePrediction(KafkaClients kafka, String searchId, String cid,
                                                               Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        do {
            Thread.sleep(200);
            for (SurrogatePrediction p : TopicReader.readToEnd(kafka, Topics.SURROGATE_PREDICTIONS,
                    EventSerde.SURROGATE_PREDICTION, Duration.ofSeconds(30),
                    q -> q.forCandidate() && q.searchId().equals(searchId) && q.candidateId().equals(cid))) {
                return p;
            }
        } while (System.nanoTime() < deadline);
        return null;
    }

    private static void awaitArchPrediction(KafkaClients kafka, String searchId, String archHash)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!TopicReader.readToEnd(kafka, Topics.SURROGATE_PREDICTIONS, EventSerde.SURROGATE_PREDICTION,
                    Duration.ofSeconds(30), q -> !q.forCandidate() && q.searchId().equals(searchId)
                            && q.archHash().equals(archHash)).isEmpty()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no architecture prediction of " + archHash + " in " + searchId);
    }

    @Test
    void priorCurvesOfAFollowedSearchPredictTheFirstEpoch() throws Exception {
        String run = Long.toString(System.nanoTime());
        String source = "wc-src-" + run;
        String warmId = "wc-warm-" + run;
        String fileId = "wc-file-" + run;
        String unknownId = "wc-unknown-" + run;
        List<PriorFiles.Line> lines = PriorFiles.completed(space, 24, 21);
        List<Genome> fresh = PriorFiles.completed(space, 40, 22).stream().map(PriorFiles.Line::genome)
                .filter(g -> lines.stream().noneMatch(l -> l.genome().equals(g))).toList();

        KafkaClients kafka = new KafkaClients(KafkaSettings.of(SharedKafka.bootstrapServers()));
        kafka.ensureTopics(TopicSettings.defaults());
        SharedKafka.skipHistory(kafka, "wc-" + run, Topics.SEARCH_EVENTS, Topics.EPOCH_METRICS);
        try (MetricsPublisher pub = kafka.publisher("wc-test");
             SurrogateService service = new SurrogateService(kafka, 5, SurrogateObserver.NONE, "wc-" + run).start()) {
            assertTrue(service.awaitReady(Duration.ofSeconds(60)));
            // the source search, followed by the service: every candidate trained to the end, then the search ends
            runSource(pub, source, lines);

            // its results as a warm start's priors (what LoadPriors reads from the source's workflow result)
            // (the first with another value than the source measured: not the same result, so not its curve)
            List<Prior> priors = new ArrayList<>();
            for (PriorFiles.Line l : lines) {
                double v = l.validAccuracy() + (priors.isEmpty() ? 0.5 : 0);
                priors.add(new Prior(l.genome(), EPOCHS, Map.of("validAccuracy", v), Outcome.COMPLETED, false));
            }
            WarmStartPriors wp = WarmStartPriors.of(space, priors, List.of("search " + source));
            for (String[] target : new String[][] {{warmId, source}, {fileId, null}, {unknownId, "wc-never-" + run}}) {
                SearchSpec spec = spec(target[1] == null ? List.of() : List.of(target[1]));
                for (Map<String, Object> p : PriorEvents.plan(spec, wp).payloads()) {
                    pub.publish(SearchEvent.of(target[0], SearchEventType.WARM_START_PRIORS, null, null, p))
                            .get(10, TimeUnit.SECONDS);
                }
            }

            // each search's first candidate reports its first epoch
            Genome g = fresh.get(0);
            for (String id : List.of(warmId, fileId, unknownId)) {
                String cid = id + "-g0-c0";
                pub.publish(SearchEvent.of(id, SearchEventType.CANDIDATE_STARTED, cid, 0, payload(g)))
                        .get(10, TimeUnit.SECONDS);
                // the start (search-events) reached the service before the epoch (epoch-metrics, another topic):
                // the architecture prediction it answers a start with is out
                awaitArchPrediction(kafka, id, space.hash(g));
                pub.publish(EpochMetric.of(id, cid, 0, 1, EPOCHS, Map.of("validAccuracy", 55.0), 1, 1))
                        .get(10, TimeUnit.SECONDS);
            }
            SurrogatePrediction p = awaitCandidatePrediction(kafka, warmId, warmId + "-g0-c0",
                    Duration.ofSeconds(60));
            assertTrue(p != null, "a curve prediction after epoch 1, before any candidate of the search finished");
            assertEquals(Integer.valueOf(1), p.epoch());
            assertTrue(Double.isFinite(p.mean()) && p.mean() > 55, "mean " + p.mean());
            assertEquals(Integer.valueOf(lines.size() - 1), p.trainedOn(),
                    "learnt from the priors' curves but the one whose value differs");
            assertEquals(null, awaitCandidatePrediction(kafka, fileId, fileId + "-g0-c0", Duration.ofSeconds(2)),
                    "no followed source search: no curve, no curve prediction before a result");
            assertEquals(null, awaitCandidatePrediction(kafka, unknownId, unknownId + "-g0-c0", Duration.ofSeconds(1)),
                    "a source search the topics hold nothing of gives no curve");
        }
    }

    /**
     * The service restarted after the source search finished (so its restart re-read none of it: the committed
     * offsets are past the source's records and no search was live), then again while the warm search runs: both
     * times the source's curves are read back from the topics, and the warm search's first candidate is predicted
     * from its first epochs as if the service had followed the source.
     */
    private static void awaitPriorCurves(SurrogateService service, String searchId, int curves)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (service.priorCurvesLearnt(searchId) < curves && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(curves, service.priorCurvesLearnt(searchId), "prior curves learnt by " + searchId);
    }

    @Test
    void priorCurvesOfASourceFinishedBeforeTheServiceStartedAreReadBackFromTheTopics() throws Exception {
        String run = Long.toString(System.nanoTime());
        String source = "wc-gone-" + run;
        String warmId = "wc-back-" + run;
        String group = "wc-back-" + run;
        List<PriorFiles.Line> lines = PriorFiles.completed(space, 24, 31);
        Genome g = PriorFiles.completed(space, 40, 32).stream().map(PriorFiles.Line::genome)
                .filter(x -> lines.stream().noneMatch(l -> l.genome().equals(x))).findFirst().orElseThrow();

        KafkaClients kafka = new KafkaClients(KafkaSettings.of(SharedKafka.bootstrapServers()));
        kafka.ensureTopics(TopicSettings.defaults());
        try (MetricsPublisher pub = kafka.publisher("wc-test")) {
            // the source search ran and finished while no surrogate service of this group was up
            runSource(pub, source, lines);
            // ... as a service that read all of it and had no live search left would have committed
            SharedKafka.skipHistory(kafka, group, Topics.SEARCH_EVENTS, Topics.EPOCH_METRICS);
            WarmStartPriors wp = priorsOf(lines, source);
            String cid = warmId + "-g0-c0";
            try (SurrogateService service = new SurrogateService(kafka, 5, SurrogateObserver.NONE, group).start()) {
                assertTrue(service.awaitReady(Duration.ofSeconds(60)));
                assertTrue(service.consumer().awaitCaughtUp(Duration.ofSeconds(60)));
                assertEquals(0, service.consumer().replayed(), "the restart re-read nothing of the finished source");
                for (Map<String, Object> p : PriorEvents.plan(spec(List.of(source)), wp).payloads()) {
                    pub.publish(SearchEvent.of(warmId, SearchEventType.WARM_START_PRIORS, null, null, p))
                            .get(10, TimeUnit.SECONDS);
                }
                awaitPriorCurves(service, warmId, lines.size());
                pub.publish(SearchEvent.of(warmId, SearchEventType.CANDIDATE_STARTED, cid, 0, payload(g)))
                        .get(10, TimeUnit.SECONDS);
                awaitArchPrediction(kafka, warmId, space.hash(g));
                pub.publish(EpochMetric.of(warmId, cid, 0, 1, EPOCHS, Map.of("validAccuracy", 55.0), 1, 1))
                        .get(10, TimeUnit.SECONDS);
                SurrogatePrediction p = awaitCandidatePrediction(kafka, warmId, cid, Duration.ofSeconds(60));
                assertTrue(p != null, "a curve prediction after epoch 1 from the source's curves read back");
                assertEquals(Integer.valueOf(1), p.epoch());
                assertEquals(Integer.valueOf(lines.size()), p.trainedOn(), "every prior's curve");
            }
            // restarted while the warm search runs: its priors are re-read, the source is read back again
            try (SurrogateService service = new SurrogateService(kafka, 5, SurrogateObserver.NONE, group).start()) {
                assertTrue(service.awaitReady(Duration.ofSeconds(60)));
                assertTrue(service.consumer().awaitCaughtUp(Duration.ofSeconds(60)));
                assertTrue(service.consumer().replayed() > 0, "the live warm search re-read");
                awaitPriorCurves(service, warmId, lines.size());
                pub.publish(EpochMetric.of(warmId, cid, 0, 2, EPOCHS, Map.of("validAccuracy", 58.0), 1, 1))
                        .get(10, TimeUnit.SECONDS);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                SurrogatePrediction p = null;
                while (p == null && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                    p = TopicReader.readToEnd(kafka, Topics.SURROGATE_PREDICTIONS, EventSerde.SURROGATE_PREDICTION,
                            Duration.ofSeconds(30), q -> q.forCandidate() && q.candidateId().equals(cid)
                                    && Integer.valueOf(2).equals(q.epoch())).stream().findFirst().orElse(null);
                }
                assertTrue(p != null, "a prediction after epoch 2, after the restart");
                assertEquals(Integer.valueOf(lines.size()), p.trainedOn(), "the priors' curves again, after the restart");
            }
        }
    }

    /**
     * A service that reads the history from the beginning (a new group) meets the warm start's event and the source's
     * finishes on one topic and the source's epochs on another, in whichever order its polls bring them: where the
     * source it follows has no curve yet for a prior, the source is read back from the topics, so every prior's curve
     * is learnt either way.
     */
    @Test
    void aServiceCatchingUpOnTheHistoryLearnsThePriorsCurvesWhicheverTopicComesFirst() throws Exception {
        String run = Long.toString(System.nanoTime());
        String source = "wc-hist-" + run;
        String warmId = "wc-late-" + run;
        List<PriorFiles.Line> lines = PriorFiles.completed(space, 24, 41);
        KafkaClients kafka = new KafkaClients(KafkaSettings.of(SharedKafka.bootstrapServers()));
        kafka.ensureTopics(TopicSettings.defaults());
        try (MetricsPublisher pub = kafka.publisher("wc-test")) {
            runSource(pub, source, lines);
            WarmStartPriors wp = priorsOf(lines, source);
            for (Map<String, Object> p : PriorEvents.plan(spec(List.of(source)), wp).payloads()) {
                pub.publish(SearchEvent.of(warmId, SearchEventType.WARM_START_PRIORS, null, null, p))
                        .get(10, TimeUnit.SECONDS);
            }
            try (SurrogateService service = new SurrogateService(kafka, 5, SurrogateObserver.NONE,
                    "wc-hist-" + run).start()) {
                assertTrue(service.awaitReady(Duration.ofSeconds(60)));
                awaitPriorCurves(service, warmId, lines.size());
            }
        }
    }
}
