package dev.nasflow.it.fault;

import dev.nasflow.train.TableCandidateTrainer;
import dev.nasflow.wiring.DevStack;
import dev.nasflow.embedded.EmbeddedKafka;
import dev.nasflow.embedded.TemporalDevServer;
import dev.nasflow.model.Outcome;
import dev.nasflow.stream.EpochMetric;
import dev.nasflow.stream.EventSerde;
import dev.nasflow.stream.KafkaClients;
import dev.nasflow.stream.StopDecision;
import dev.nasflow.stream.Topics;
import dev.nasflow.testing.Slow;
import dev.nasflow.model.CandidateResult;
import dev.nasflow.api.SearchResult;
import dev.nasflow.api.SearchWorkflow;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scenario 2, broker restart: the embedded Kafka broker is stopped and started again (same data directory, same
 * port) while a search trains (worker, stopper with the median rule and surrogate all connected). Every epoch metric
 * of every result reaches a downstream consumer group that runs across the restart, exactly once per (candidate,
 * epoch) after de-duplication; no stop decision is applied twice.
 */
@Slow
class BrokerRestartSearchTest {
    static final String QUEUE = "fault-broker";

    @Test
    void brokerRestartMidSearchLosesNothingAndAppliesNoStopTwice(@TempDir Path dir) {
        long t0 = System.nanoTime();
        Map<String, List<String>> outcomesByCandidate = new ConcurrentHashMap<>();
        try (TemporalDevServer server = Fault.devServerIfInstalled(dir.resolve("temporal"));
             DevStack stack = DevStack.builder(dir).temporal(Fault.settingsOf(server)).taskQueues(List.of(QUEUE))
                     .workerSlots(6)
                .trainers(List.of(new TableCandidateTrainer()))
                .stopperObserver((d, outcome) -> outcomesByCandidate
                        .computeIfAbsent(d.candidateId(), k -> new java.util.concurrent.CopyOnWriteArrayList<>())
                        .add(outcome))
                .start()) {
            EmbeddedKafka broker = stack.broker();
            String id = "broker-" + Long.toHexString(System.nanoTime());
            Downstream downstream = new Downstream(stack.kafka(), id).start();
            SearchWorkflow search = Fault.start(stack.client(), QUEUE, id,
                    Fault.spec("broker-restart", "random", 36, 12, 6, 100, "median", QUEUE));

            await().atMost(Duration.ofSeconds(90)).until(() -> search.status().evaluations() >= 8);
            int before = search.status().evaluations();
            long down = System.nanoTime();
            broker.stop();
            Fault.sleep(2000); // the broker stays away for 2 s while training continues
            broker.start();
            double outageSeconds = (System.nanoTime() - down) / 1e9;
            int evaluationsAtRestart = before;

            SearchResult r = Fault.result(stack.client(), id, Duration.ofMinutes(3));
            List<CandidateResult> results = r.leaderboard();
            List<EpochMetric> metrics = Fault.epochMetrics(stack.kafka(), id);
            await().atMost(Duration.ofSeconds(30)).until(() -> downstream.records() >= metrics.size());
            downstream.close();
            List<StopDecision> decisions = Fault.stopDecisions(stack.kafka(), id);
            var events = Fault.searchEvents(stack.kafka(), id);

            Set<String> proposed = Fault.proposedIds(id, events);
            Map<String, Long> perCandidate = Fault.resultsPerCandidate(results);
            Set<String> lost = new TreeSet<>(proposed);
            lost.removeAll(perCandidate.keySet());
            long duplicateResults = perCandidate.values().stream().mapToLong(n -> n - 1).sum();
            List<String> coverage = Fault.epochCoverageProblems(results, metrics);
            List<String> downstreamCoverage = Fault.epochCoverageProblems(results, downstream.metrics());
            int epochDuplicates = Fault.duplicatesByCandidate(metrics).values().stream().mapToInt(i -> i).sum();
            int expectedEpochs = results.stream().mapToInt(CandidateResult::epochsTrained).sum();

            Map<String, Integer> accepted = new TreeMap<>();
            Map<String, Integer> onTopic = new TreeMap<>();
            for (StopDecision d : decisions) {
                onTopic.merge(d.candidateId(), 1, Integer::sum);
                // a decision is published once, before the workflow records it (no "[outcome]" suffix any more)
                accepted.merge(d.candidateId(), 1, Integer::sum);
            }
            List<String> appliedTwice = accepted.entrySet().stream().filter(e -> e.getValue() > 1)
                    .map(Map.Entry::getKey).toList();
            long stoppedEarly = results.stream().filter(c -> c.outcome() == Outcome.STOPPED_EARLY).count();
            List<String> stoppedWithoutDecision = results.stream()
                    .filter(c -> c.outcome() == Outcome.STOPPED_EARLY && !accepted.containsKey(c.candidateId()))
                    .map(CandidateResult::candidateId).toList();
            long rejectedRepeats = onTopic.values().stream().mapToLong(n -> n - 1).sum();

            Map<String, Object> fig = new LinkedHashMap<>();
            fig.put("test", "BrokerRestartSearchTest.brokerRestartMidSearchLosesNothingAndAppliesNoStopTwice");
            fig.put("injected", "embedded Kafka broker stopped and restarted (same data dir and port) after "
                    + evaluationsAtRestart + " results; 2 s outage while 6 candidates trained");
            fig.put("loaded", proposed.size());
            fig.put("results", results.size());
            fig.put("lost", lost.size());
            fig.put("duplicated", duplicateResults);
            fig.put("resumed", results.stream().filter(c -> c.attempts() > 1).count());
            fig.put("epochMetricsExpected", expectedEpochs);
            fig.put("epochMetricsOnTopic", metrics.size());
            fig.put("epochMetricsDownstream", downstream.metrics().size());
            fig.put("epochDuplicatesDeduplicated", epochDuplicates);
            fig.put("epochsMissing", coverage.size() + downstreamCoverage.size());
            fig.put("stopDecisions", decisions.size());
            fig.put("stopsApplied", accepted.values().stream().mapToInt(i -> i).sum());
            fig.put("stopsAppliedTwice", appliedTwice.size());
            fig.put("repeatedDecisionsRejected", rejectedRepeats);
            fig.put("stoppedEarly", stoppedEarly);
            fig.put("brokerOutageSeconds", Fault.round1(outageSeconds));
            fig.put("brokerRestartSeconds", Fault.round1(broker.lastStartDuration().toMillis() / 1000.0));
            fig.put("temporal", server == null ? "in-process test server" : "dev server");
            fig.put("searchSeconds", Fault.round1((System.nanoTime() - t0) / 1e9));
            fig.put("outcomes", Fault.outcomes(results));
            Fault.figures("broker-restart", fig);

            assertEquals("COMPLETED", r.status().phase());
            assertEquals(2, broker.starts(), "the broker restarted");
            assertTrue(evaluationsAtRestart < 36, "the restart happened mid-search");
            assertEquals(r.status().evaluations(), results.size(), "every result ranked: " + r.status());
            assertEquals(Set.of(), lost);
            assertEquals(0, duplicateResults);
            assertEquals(List.of(), coverage, "topic has exactly epochs 1..epochsTrained of every candidate");
            assertEquals(List.of(), downstreamCoverage, "the downstream group saw every epoch across the restart");
            assertEquals(List.of(), appliedTwice, "no stop applied twice");
            assertEquals(List.of(), stoppedWithoutDecision);
            for (Map.Entry<String, List<String>> e : outcomesByCandidate.entrySet()) {
                long stops = e.getValue().stream().filter("stopping"::equals).count();
                assertTrue(stops <= 1, e.getKey() + " stopped " + stops + " times: " + e.getValue());
            }
            assertTrue(stoppedEarly > 0, "the median rule stopped some candidates");
        }
    }

    /** A downstream consumer group reading nasflow.epoch-metrics through the restart, committing as it goes. */
    static final class Downstream implements AutoCloseable {
        private final KafkaClients kafka;
        private final String searchId;
        private final List<EpochMetric> metrics = java.util.Collections.synchronizedList(new ArrayList<>());
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong records = new AtomicLong();
        private Thread thread;

        Downstream(KafkaClients kafka, String searchId) {
            this.kafka = kafka;
            this.searchId = searchId;
        }

        Downstream start() {
            thread = new Thread(() -> {
                try (Consumer<byte[], byte[]> c = kafka.consumer(KafkaClients.uniqueGroupId("fault-downstream"))) {
                    c.subscribe(List.of(Topics.EPOCH_METRICS));
                    while (running.get()) {
                        try {
                            var batch = c.poll(Duration.ofMillis(100));
                            for (ConsumerRecord<byte[], byte[]> rec : batch) {
                                EpochMetric m = EventSerde.EPOCH_METRIC.decode(rec.value());
                                if (searchId.equals(m.searchId())) {
                                    metrics.add(m);
                                    records.incrementAndGet();
                                }
                            }
                            if (!batch.isEmpty()) {
                                c.commitSync();
                            }
                        } catch (org.apache.kafka.common.KafkaException e) {
                            Fault.sleep(100); // the broker is away: try again
                        }
                    }
                }
            }, "fault-downstream");
            thread.setDaemon(true);
            thread.start();
            return this;
        }

        long records() {
            return records.get();
        }

        List<EpochMetric> metrics() {
            synchronized (metrics) {
                return List.copyOf(metrics);
            }
        }

        @Override
        public void close() {
            running.set(false);
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
