package dev.nasflow.it;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nasflow.train.TableCandidateTrainer;
import dev.nasflow.wiring.DevStack;
import dev.nasflow.stream.EpochMetric;
import dev.nasflow.stream.EventSerde;
import dev.nasflow.stream.SearchEvent;
import dev.nasflow.model.SearchEventType;
import dev.nasflow.stream.StopDecision;
import dev.nasflow.stream.SurrogatePrediction;
import dev.nasflow.stream.Topics;
import dev.nasflow.model.Outcome;
import dev.nasflow.testing.Slow;
import dev.nasflow.model.CandidateResult;
import dev.nasflow.api.SearchResult;
import dev.nasflow.workflow.SearchState;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static dev.nasflow.it.Stacks.JSON;
import static dev.nasflow.it.Stacks.readAll;
import static dev.nasflow.it.Stacks.result;
import static dev.nasflow.it.Stacks.spec;
import static dev.nasflow.it.Stacks.start;
import static dev.nasflow.it.Stacks.stopping;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Searches on the whole in-process stack ({@link DevStack}: embedded Kafka broker, in-process Temporal server, worker
 * with the NB201 table trainer, early-stopping service, surrogate service), one stack for the class. Proves that the
 * streaming consumer stops candidates while they train, that every epoch and search event is on Kafka, that the
 * surrogate publishes predictions with its quality, and that continue-as-new keeps the leaderboard.
 */
@Slow
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamingSearchTest {
    static final Duration LONG = Duration.ofSeconds(120);

    final Recorder rec = new Recorder();
    Path dir;
    DevStack stack;
    WorkflowClient client;
    /** The median search, run once and examined by two tests. */
    SearchResult median;

    @BeforeAll
    void startStack() {
        dir = Stacks.tempDir("it-streaming");
        stack = DevStack.builder(dir)
                .workerSlots(16)
                .trainers(List.of(new TableCandidateTrainer()))
                .surrogateRetrainEvery(2)
                .trainingObserver(rec)
                .stopperObserver(rec)
                .surrogateObserver(rec)
                .start();
        client = stack.client();
        try {
            // searches start right away: make sure the services have joined their consumer groups first
            assertTrue(stack.stopper().awaitReady(Duration.ofSeconds(30)), "stopper got no partitions");
            assertTrue(stack.surrogate().awaitReady(Duration.ofSeconds(30)), "surrogate got no partitions");
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    void stopStack() {
        if (stack != null) {
            stack.close();
        }
        Stacks.deleteTree(dir);
    }

    synchronized SearchResult medianSearch() {
        if (median == null) {
            // 6 candidates at a time, 150 ms per epoch: stopped ones are stopped while their activity trains
            ObjectNode s = stopping(spec("median", "random", 12, 6, 150), "median", "gracePeriod", 2, "minTrials", 2);
            start(client, "it-median", s, null);
            median = result(client, "it-median", LONG);
        }
        return median;
    }

    @Test
    void medianRuleStopsCandidatesWhileTheyTrainExactlyOnce() {
        SearchResult r = medianSearch();
        assertEquals("COMPLETED", r.status().phase());
        assertEquals(12, r.leaderboard().size());
        List<CandidateResult> stopped = r.leaderboard().stream()
                .filter(c -> c.outcome() == Outcome.STOPPED_EARLY).toList();
        assertFalse(stopped.isEmpty(), "the median rule stopped nobody: " + outcomes(r));
        assertEquals(stopped.size(), r.status().stoppedEarly());
        System.out.println("median search: " + outcomes(r));

        Map<String, List<StopDecision>> onTopic = decisionsOnTopic("it-median");
        for (CandidateResult c : stopped) {
            String id = c.candidateId();
            assertTrue(c.epochsTrained() < c.epochsRequested(), id + " trained " + c.epochsTrained());
            Recorder.Cancel seen = rec.cancelled.get(id);
            assertNotNull(seen, id + ": its training activity did not see the cancellation");
            assertEquals(c.epochsTrained(), seen.epoch(), id + ": the result reports the epochs the activity saw");
            assertTrue(c.reason().startsWith("median: "), id + " reason: " + c.reason());
            List<StopDecision> ds = onTopic.get(id);
            assertNotNull(ds, id + " has no decision on " + Topics.STOP_DECISIONS);
            StopDecision d = ds.get(0);
            assertEquals("median", d.rule());
            assertTrue(d.reason().contains("median"), d.reason());
            assertTrue(d.epoch() >= 2 && d.epoch() <= seen.epoch(),
                    id + ": decided at epoch " + d.epoch() + ", activity stopped after epoch " + seen.epoch());
            assertTrue(d.metricPublishedAtMs() > 0 && d.decidedAtMs() >= d.metricPublishedAtMs());
        }
        // idempotent: at most one decision per candidate, and only for candidates of this search
        onTopic.forEach((id, ds) -> assertEquals(1, ds.size(), id + " decided " + ds.size() + " times: " + ds));
        Set<String> ids = r.leaderboard().stream().map(CandidateResult::candidateId).collect(Collectors.toSet());
        assertTrue(ids.containsAll(onTopic.keySet()), "decisions for unknown candidates: " + onTopic.keySet());
        // every decision was recorded by the search; a candidate stopped early names its decision's rule
        for (Recorder.Decision d : rec.decisionsOf("it-median")) {
            assertEquals("recorded", d.outcome(), d.decision().candidateId());
            CandidateResult c = find(r, d.decision().candidateId());
            if (c.outcome() == Outcome.STOPPED_EARLY) {
                assertTrue(c.reason().contains("median"), c.candidateId() + ": " + c.reason());
            }
        }
    }

    @Test
    void everyEpochMetricAndSearchEventIsOnKafka() {
        SearchResult r = medianSearch();
        List<Stacks.Rec<EpochMetric>> metrics = readAll(stack.kafka(), Topics.EPOCH_METRICS, EventSerde.EPOCH_METRIC,
                m -> m.searchId().equals("it-median"));
        Set<String> expected = new TreeSet<>();
        for (CandidateResult c : r.leaderboard()) {
            for (int e = 1; e <= c.epochsTrained(); e++) {
                expected.add(c.candidateId() + "@" + e);
            }
        }
        Set<String> seen = new TreeSet<>();
        for (Stacks.Rec<EpochMetric> m : metrics) {
            assertEquals(m.value().candidateId(), m.key(), "epoch metrics are keyed by candidate id");
            seen.add(m.value().candidateId() + "@" + m.value().epoch());
            assertEquals(12, m.value().fidelity());
            assertTrue(m.value().metrics().containsKey("validAccuracy"), m.value().metrics().toString());
            assertTrue(m.value().timestamp() > 0);
        }
        assertEquals(expected, seen, "one metric per (candidate, epoch) trained, nothing else");
        assertEquals(expected.size(), metrics.size(), "no epoch published twice in a run without retries");

        List<SearchEvent> events = readAll(stack.kafka(), Topics.SEARCH_EVENTS, EventSerde.SEARCH_EVENT,
                e -> e.searchId().equals("it-median")).stream().map(Stacks.Rec::value).toList();
        Map<SearchEventType, Long> byType = events.stream()
                .collect(Collectors.groupingBy(SearchEvent::type, TreeMap::new, Collectors.counting()));
        assertEquals(1L, byType.get(SearchEventType.STARTED), byType.toString());
        assertEquals(1L, byType.get(SearchEventType.COMPLETED), byType.toString());
        assertEquals(2L, byType.get(SearchEventType.GENERATION_STARTED), byType.toString());
        assertEquals(2L, byType.get(SearchEventType.GENERATION_FINISHED), byType.toString());
        assertEquals(12L, byType.get(SearchEventType.CANDIDATE_STARTED), byType.toString());
        assertEquals(12L, byType.get(SearchEventType.CANDIDATE_FINISHED), byType.toString());
        // the workflow's own events are keyed by search id, so they are in order on one partition: STARTED first,
        // COMPLETED last, and (asynchronous scheduling) generation 1 may start before generation 0 finishes
        List<SearchEvent> flow = events.stream().filter(e -> e.candidateId() == null).toList();
        assertEquals(SearchEventType.STARTED, flow.get(0).type());
        assertEquals(SearchEventType.COMPLETED, flow.get(flow.size() - 1).type());
        for (int g = 0; g < 2; g++) {
            int gen = g;
            int started = indexOf(flow, SearchEventType.GENERATION_STARTED, gen);
            int finished = indexOf(flow, SearchEventType.GENERATION_FINISHED, gen);
            assertTrue(started > 0 && finished > started, "generation " + gen + " started then finished: " + flow);
        }
        assertTrue(indexOf(flow, SearchEventType.GENERATION_FINISHED, 0)
                < indexOf(flow, SearchEventType.GENERATION_FINISHED, 1), "records close in order: " + flow);
        SearchEvent done = events.stream().filter(e -> e.type() == SearchEventType.COMPLETED).findFirst()
                .orElseThrow();
        assertEquals(12, ((Number) done.payload().get("evaluations")).intValue());
        assertEquals(r.status().stoppedEarly(), ((Number) done.payload().get("stoppedEarly")).intValue());
        // each candidate's FINISHED event carries the outcome the workflow recorded
        for (SearchEvent e : events) {
            if (e.type() == SearchEventType.CANDIDATE_FINISHED) {
                assertEquals(find(r, e.candidateId()).outcome().name(), e.payload().get("outcome"), e.toString());
            }
        }
    }

    @Test
    void ashaRuleStopsAtRungsWhileTraining() {
        // rungs at 1, 3, 9 epochs; the top third of each rung continues. The primary objective is a cost (params):
        // the rule must watch stopping.metric (validAccuracy by default), which is what the epochs report.
        ObjectNode s = stopping(spec("asha", "random", 9, 9, 100), "asha", "minEpochs", 1, "eta", 3, "minTrials", 3);
        s.putArray("objectives").add(JSON.createObjectNode().put("metric", "params").put("direction", "minimize"))
                .add(JSON.createObjectNode().put("metric", "validAccuracy").put("direction", "maximize"));
        start(client, "it-asha", s, null);
        SearchResult r = result(client, "it-asha", LONG);
        List<CandidateResult> stopped = r.leaderboard().stream()
                .filter(c -> c.outcome() == Outcome.STOPPED_EARLY).toList();
        assertFalse(stopped.isEmpty(), "ASHA stopped nobody: " + outcomes(r));
        Map<String, List<StopDecision>> onTopic = decisionsOnTopic("it-asha");
        for (CandidateResult c : stopped) {
            assertTrue(c.reason().startsWith("asha: "), c.reason());
            assertNotNull(rec.cancelled.get(c.candidateId()), c.candidateId() + ": activity saw no cancellation");
            assertTrue(c.epochsTrained() < 12);
            StopDecision d = onTopic.get(c.candidateId()).get(0);
            assertEquals("asha", d.rule());
            assertTrue(List.of(1, 3, 9).contains(d.epoch()), "decided off a rung: epoch " + d.epoch());
        }
        onTopic.forEach((id, ds) -> assertEquals(1, ds.size(), id + " decided " + ds.size() + " times"));
        assertTrue(r.leaderboard().stream().anyMatch(c -> c.outcome() == Outcome.COMPLETED),
                "the best of each rung continue to the end: " + outcomes(r));
    }

    @Test
    void surrogatePublishesPredictionsAndBananasProposesThroughTheActivity() throws Exception {
        ObjectNode s = spec("bananas", "bananas", 12, 4, 0);
        ((ObjectNode) s.get("strategy")).putObject("params").put("initial", 4).put("ensemble", 2)
                .put("candidates", 30);
        start(client, "it-bananas", s, null);
        SearchResult r = result(client, "it-bananas", LONG);
        assertEquals("COMPLETED", r.status().phase());
        assertEquals(12, r.status().evaluations());
        assertEquals(12, r.status().completed(), outcomes(r));
        assertEquals(12, r.leaderboard().stream().map(CandidateResult::archHash).distinct().count(),
                "the Propose activity never proposes an architecture twice: " + outcomes(r));

        // every generation's proposals came from the Propose activity (recorded in the history)
        List<String> activities = new ArrayList<>();
        for (HistoryEvent e : client.fetchHistory("it-bananas").getEvents()) {
            if (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
                activities.add(e.getActivityTaskScheduledEventAttributes().getActivityType().getName());
            }
        }
        // asynchronous: one Propose per refill of the free slots (the first fills all 4), each proposal trained once
        long proposes = activities.stream().filter("Propose"::equals).count();
        assertTrue(proposes >= 3 && proposes <= 9, activities.toString());
        assertEquals("Propose", activities.get(0), activities.toString());
        assertEquals(12, activities.stream().filter("TrainCandidate"::equals).count(), activities.toString());

        // after K=2 finished candidates the surrogate predicts the pending ones, with its held-back quality
        await().atMost(30, TimeUnit.SECONDS).until(() -> predictions("it-bananas").stream()
                .anyMatch(p -> p.value().quality() != null && p.value().quality().n() >= 2));
        List<Stacks.Rec<SurrogatePrediction>> preds = predictions("it-bananas");
        Set<String> archs = r.leaderboard().stream().map(CandidateResult::archHash).collect(Collectors.toSet());
        for (Stacks.Rec<SurrogatePrediction> p : preds) {
            // architecture predictions are keyed by architecture hash, candidate (learning-curve) ones by candidate
            assertEquals(p.value().forCandidate() ? p.value().candidateId() : p.value().archHash(), p.key(),
                    "predictions are keyed by architecture hash or candidate id");
            assertTrue(Double.isFinite(p.value().mean()) && p.value().std() >= 0, p.value().toString());
            assertTrue(p.value().modelVersion() >= 1);
            assertNotNull(p.value().quality(), "quality fields are always present");
        }
        // predictions cover the search's pending candidates and the pools its Propose activity asked about
        assertTrue(preds.stream().anyMatch(p -> archs.contains(p.value().archHash())),
                "some prediction is for a candidate of the search");
        // Kendall's tau is undefined (NaN) while the held-back predictions or truths are all tied; otherwise in [-1, 1]
        for (Stacks.Rec<SurrogatePrediction> p : preds) {
            double tau = p.value().quality().kendallTau();
            assertTrue(Double.isNaN(tau) || (tau >= -1 && tau <= 1), p.value().toString());
        }
        SurrogatePrediction q = preds.stream().map(Stacks.Rec::value)
                .filter(p -> p.quality().n() >= 2).findFirst().orElseThrow();
        assertTrue(Double.isFinite(q.quality().rmse()) && q.quality().rmse() >= 0, q.toString());
        assertTrue(rec.retrains.get() >= 1);
        try (Admin admin = stack.kafka().admin()) {
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, Topics.SURROGATE_PREDICTIONS);
            Config c = admin.describeConfigs(List.of(topic)).all().get(10, TimeUnit.SECONDS).get(topic);
            assertEquals(TopicConfig.CLEANUP_POLICY_COMPACT, c.get(TopicConfig.CLEANUP_POLICY_CONFIG).value());
        }
    }

    static int indexOf(List<SearchEvent> flow, SearchEventType type, int generation) {
        for (int i = 0; i < flow.size(); i++) {
            Object g = flow.get(i).payload().get("generation");
            if (flow.get(i).type() == type && g instanceof Number n && n.intValue() == generation) {
                return i;
            }
        }
        return -1;
    }

    /** Generational scheduling: results do not depend on completion order, so the two runs compare pick for pick. */
    static ObjectNode generational(ObjectNode spec) {
        ((ObjectNode) spec.get("budget")).put("scheduling", "generational");
        return spec;
    }

    @Test
    void continueAsNewOnTheStackKeepsTheLeaderboard() {
        start(client, "it-plain", generational(spec("plain", "rea", 16, 4, 0)), null);
        start(client, "it-can", generational(spec("plain", "rea", 16, 4, 0)), SearchState.withHistoryLimit(20));
        SearchResult plain = result(client, "it-plain", LONG);
        SearchResult can = result(client, "it-can", LONG);
        assertEquals(0, plain.status().continuedAsNew());
        assertTrue(can.status().continuedAsNew() >= 2, "continued " + can.status().continuedAsNew());
        assertEquals(16, can.status().evaluations());
        assertEquals(16, can.leaderboard().size());
        Set<String> ids = new HashSet<>();
        for (CandidateResult c : can.leaderboard()) {
            assertTrue(ids.add(c.candidateId()), "duplicate " + c.candidateId());
        }
        for (int g = 0; g < 4; g++) {
            for (int i = 0; i < 4; i++) {
                assertTrue(ids.contains("it-can-g" + g + "-c" + i), "missing it-can-g" + g + "-c" + i);
            }
        }
        assertEquals(plain.leaderboard().stream().map(CandidateResult::arch).toList(),
                can.leaderboard().stream().map(CandidateResult::arch).toList(),
                "same seed, same picks and ranking, with or without continue-as-new");
        long continued = readAll(stack.kafka(), Topics.SEARCH_EVENTS, EventSerde.SEARCH_EVENT,
                e -> e.searchId().equals("it-can") && e.type() == SearchEventType.CONTINUED_AS_NEW).size();
        assertEquals(can.status().continuedAsNew(), continued);
    }

    List<Stacks.Rec<SurrogatePrediction>> predictions(String searchId) {
        return readAll(stack.kafka(), Topics.SURROGATE_PREDICTIONS, EventSerde.SURROGATE_PREDICTION,
                p -> p.searchId().equals(searchId));
    }

    Map<String, List<StopDecision>> decisionsOnTopic(String searchId) {
        Map<String, List<StopDecision>> out = new HashMap<>();
        for (Stacks.Rec<StopDecision> d : readAll(stack.kafka(), Topics.STOP_DECISIONS, EventSerde.STOP_DECISION,
                d -> d.searchId().equals(searchId))) {
            assertEquals(d.value().candidateId(), d.key(), "decisions are keyed by candidate id");
            out.computeIfAbsent(d.value().candidateId(), k -> new ArrayList<>()).add(d.value());
        }
        return out;
    }

    static CandidateResult find(SearchResult r, String id) {
        return r.leaderboard().stream().filter(c -> c.candidateId().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no result for " + id));
    }

    static String outcomes(SearchResult r) {
        return r.leaderboard().stream().map(c -> c.candidateId() + "=" + c.outcome() + "@" + c.epochsTrained())
                .collect(Collectors.joining(", "));
    }
}
