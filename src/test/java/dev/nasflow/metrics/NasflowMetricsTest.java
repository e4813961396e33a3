package dev.nasflow.metrics;

import com.uber.m3.tally.Scope;
import dev.nasflow.model.EpochReport;
import dev.nasflow.model.Outcome;
import dev.nasflow.stream.SearchEvent;
import dev.nasflow.model.SearchEventType;
import dev.nasflow.stream.StopDecision;
import dev.nasflow.model.CandidateTask;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NasflowMetricsTest {
    private SimpleMeterRegistry registry;
    private NasflowMetrics metrics;

    @BeforeEach
    void setUp() {
        registry = new SimpleMeterRegistry();
        metrics = new NasflowMetrics(registry);
    }

    @AfterEach
    void tearDown() {
        metrics.close();
    }

    private static CandidateTask task(String search, String id, int epochs) {
        return new CandidateTask(search, id, 0, 0, null, "arch", "hash", epochs, 1L, null);
    }

    private static EpochReport epoch(int n, double sim, long wallMs) {
        return new EpochReport(n, Map.of("validAccuracy", 50.0 + n), sim, wallMs);
    }

    private double counter(String name, String... tags) {
        return registry.get(name).tags(tags).counter().count();
    }

    @Test
    void trainingCountsOutcomesEpochsAndTimeSavedByStopping() {
        CandidateTask a = task("s1", "s1-g0-c0", 10);
        CandidateTask b = task("s1", "s1-g0-c1", 10);
        metrics.started(a);
        metrics.started(b);
        assertEquals(2, registry.get("nasflow.candidates.training").gauge().value());
        for (int e = 1; e <= 10; e++) {
            metrics.epoch(a, epoch(e, 3.0, 100));
        }
        metrics.finished(a, Outcome.COMPLETED, 10);
        metrics.epoch(b, epoch(1, 2.0, 200));
        metrics.epoch(b, epoch(2, 4.0, 400));
        metrics.cancelled(b, 2);
        metrics.finished(b, Outcome.STOPPED_EARLY, 2);

        assertEquals(2, counter("nasflow.candidates.started"));
        assertEquals(1, counter("nasflow.candidates.finished", "outcome", "completed"));
        assertEquals(1, counter("nasflow.candidates.finished", "outcome", "stopped_early"));
        for (String o : List.of("failed", "diverged", "infeasible")) {
            assertEquals(0, counter("nasflow.candidates.finished", "outcome", o), o + " is registered at 0");
        }
        assertEquals(0, registry.get("nasflow.candidates.training").gauge().value());
        Timer epochs = registry.get("nasflow.training.epoch.duration").timer();
        assertEquals(12, epochs.count());
        assertEquals(1.6, epochs.totalTime(TimeUnit.SECONDS), 1e-9);
        assertEquals(36.0, counter("nasflow.training.simulated"), 1e-9);
        // b: 8 epochs left × mean of its own epochs (0.3 s wall, 3.0 simulated s)
        assertEquals(8, counter("nasflow.stopping.epochs.saved"));
        assertEquals(2.4, counter("nasflow.stopping.time.saved", "clock", "wall"), 1e-9);
        assertEquals(24.0, counter("nasflow.stopping.time.saved", "clock", "simulated"), 1e-9);
    }

    @Test
    void failuresBeforeAnyEpochAndInfeasibleCandidatesSaveNothing() {
        CandidateTask a = task("s1", "s1-g0-c0", 10);
        metrics.started(a);
        metrics.finished(a, Outcome.INFEASIBLE, 0);
        CandidateTask b = task("s1", "s1-g0-c1", 10);
        metrics.started(b);
        metrics.finished(b, Outcome.STOPPED_EARLY, 0);
        assertEquals(1, counter("nasflow.candidates.finished", "outcome", "infeasible"));
        assertEquals(10, counter("nasflow.stopping.epochs.saved"));
        assertEquals(0, counter("nasflow.stopping.time.saved", "clock", "wall"));
    }

    @Test
    void stopDecisionsAreCountedByRuleAndAnswerAndTimedFromPublication() {
        metrics.decided(StopDecision.of("s1", "s1-g0-c3", 3, 3, "median", "weak", 10_250, 10_000), "stopping");
        metrics.decided(StopDecision.of("s1", "s1-g0-c4", 3, 3, "median", "weak", 10_100, 10_000),
                "rejected: candidate already finished");
        metrics.decided(StopDecision.of("s1", "s1-g0-c5", 3, 3, "asha", "weak", 10_100, 10_000),
                "not delivered: UNAVAILABLE");
        assertEquals(1, counter("nasflow.stopping.decisions", "rule", "median", "result", "accepted"));
        assertEquals(1, counter("nasflow.stopping.decisions", "rule", "median", "result", "rejected"));
        assertEquals(1, counter("nasflow.stopping.decisions", "rule", "asha", "result", "undelivered"));
        Timer latency = registry.get("nasflow.stopping.latency").timer();
        assertEquals(3, latency.count());
        assertEquals(0.25, latency.max(TimeUnit.SECONDS), 1e-9);
        assertEquals(0.45, latency.totalTime(TimeUnit.SECONDS), 1e-9);
    }

    @Test
    void theStopperMetersExistAtZeroBeforeAnyDecision() {
        metrics.watchStopper();
        assertEquals(0, registry.get("nasflow.searches.running").gauge().value());
        assertEquals(0, registry.get("nasflow.stopping.latency").timer().count());
        for (String rule : List.of("median", "asha", "curve", "surrogate")) {
            assertEquals(0, counter("nasflow.stopping.decisions", "rule", rule, "result", "accepted"));
        }
        assertNull(registry.find("nasflow.stopping.decisions").tags("rule", "none").counter());
    }

    @Test
    void searchEventsDriveRunningBestEvaluationsAndGeneration() {
        metrics.watchStopper();
        metrics.searchEvent(SearchEvent.of("s1", SearchEventType.STARTED, null, null, Map.of("name", "x")));
        metrics.searchEvent(SearchEvent.of("s2", SearchEventType.STARTED, null, null, Map.of()));
        assertEquals(2, registry.get("nasflow.searches.running").gauge().value());
        assertNull(registry.find("nasflow.search.best.objective").gauge(), "no objective known yet");

        metrics.searchEvent(SearchEvent.of("s1", SearchEventType.CANDIDATE_STARTED, "s1-g0-c0", 0,
                Map.of("primaryMetric", "validAccuracy")));
        metrics.searchEvent(SearchEvent.of("s1", SearchEventType.CANDIDATE_FINISHED, "s1-g0-c0", 0,
                Map.of("outcome", "COMPLETED", "primaryMetric", "validAccuracy")));
        metrics.searchEvent(SearchEvent.of("s1", SearchEventType.GENERATION_FINISHED, null, null,
                Map.of("generation", 0, "bestMetrics", Map.of("validAccuracy", 71.5, "params", 1e5))));
        metrics.searchEvent(SearchEvent.of("s1", SearchEventType.GENERATION_STARTED, null, null,
                Map.of("generation", 1)));
        assertEquals(71.5, registry.get("nasflow.search.best.objective")
                .tags("search", "s1", "metric", "validAccuracy").gauge().value());
        assertEquals(1, registry.get("nasflow.search.evaluations").tags("search", "s1").gauge().value());
        assertEquals(1, registry.get("nasflow.search.generation").tags("search", "s1").gauge().value());

        metrics.searchEvent(SearchEvent.of("s1", SearchEventType.COMPLETED, null, null,
                Map.of("evaluations", 30, "bestMetrics", Map.of("validAccuracy", 73.0))));
        assertEquals(1, registry.get("nasflow.searches.running").gauge().value());
        assertEquals(73.0, registry.get("nasflow.search.best.objective").tags("search", "s1").gauge().value());
        assertEquals(30, registry.get("nasflow.search.evaluations").tags("search", "s1").gauge().value());

        // the same id started again once finished: a new run, counted from zero
        metrics.searchEvent(SearchEvent.of("s1", SearchEventType.STARTED, null, null, Map.of("name", "x")));
        assertEquals(2, registry.get("nasflow.searches.running").gauge().value());
        assertEquals(0, registry.get("nasflow.search.evaluations").tags("search", "s1").gauge().value());
        assertEquals(0, registry.get("nasflow.search.generation").tags("search", "s1").gauge().value());
        assertNull(registry.find("nasflow.search.best.objective").tags("search", "s1").gauge(), "the old best is gone");
        metrics.searchEvent(SearchEvent.of("s1", SearchEventType.STARTED, null, null, Map.of("name", "x")));
        assertEquals(2, registry.get("nasflow.searches.running").gauge().value(), "a repeated STARTED changes nothing");
    }

    @Test
    void perSearchGaugesAreBoundedAndRunningSearchesAreKept() {
        metrics.watchStopper();
        metrics.searchEvent(SearchEvent.of("live", SearchEventType.STARTED, null, null, Map.of()));
        for (int i = 0; i < 3 * NasflowMetrics.MAX_SEARCHES; i++) {
            String id = "done-" + i;
            metrics.searchEvent(SearchEvent.of(id, SearchEventType.STARTED, null, null, Map.of()));
            metrics.searchEvent(SearchEvent.of(id, SearchEventType.COMPLETED, null, null, Map.of()));
        }
        long searches = registry.find("nasflow.search.evaluations").gauges().size();
        assertEquals(NasflowMetrics.MAX_SEARCHES, searches);
        assertNotNull(registry.find("nasflow.search.evaluations").tags("search", "live").gauge());
        assertNotNull(registry.find("nasflow.search.evaluations").tags("search", "done-59").gauge());
        assertNull(registry.find("nasflow.search.evaluations").tags("search", "done-0").gauge());
        assertEquals(1, registry.get("nasflow.searches.running").gauge().value());
    }

    @Test
    void surrogateQualityKeepsTheLastFiniteValues() {
        metrics.retrained("s1", 1, 5, Double.NaN, Double.NaN);
        assertTrue(Double.isNaN(registry.get("nasflow.surrogate.kendall.tau").tags("search", "s1").gauge().value()));
        metrics.retrained("s1", 2, 10, 0.6, 1.5);
        metrics.retrained("s1", 3, 15, Double.NaN, 1.25);
        assertEquals(0.6, registry.get("nasflow.surrogate.kendall.tau").tags("search", "s1").gauge().value());
        assertEquals(1.25, registry.get("nasflow.surrogate.rmse").tags("search", "s1").gauge().value());
        assertEquals(3, counter("nasflow.surrogate.retrains"));
        metrics.published(7);
        assertEquals(7, counter("nasflow.surrogate.predictions"));
    }

    @Test
    void noMeterIsTaggedWithACandidateId() {
        metrics.watchStopper();
        CandidateTask a = task("s1", "s1-g0-c0", 4);
        metrics.started(a);
        metrics.epoch(a, epoch(1, 1, 10));
        metrics.finished(a, Outcome.STOPPED_EARLY, 1);
        metrics.decided(StopDecision.of("s1", "s1-g0-c0", 1, 1, "median", "weak", 2, 1), "stopping");
        metrics.searchEvent(SearchEvent.of("s1", SearchEventType.CANDIDATE_FINISHED, "s1-g0-c0", 0,
                Map.of("primaryMetric", "validAccuracy")));
        metrics.retrained("s1", 1, 5, 0.5, 1.0);
        for (Meter m : registry.getMeters()) {
            for (Tag t : m.getId().getTagsAsIterable()) {
                assertFalse(t.getValue().contains("-c0"), m.getId() + " carries a candidate id");
            }
        }
    }

    @Test
    void temporalMetricsPassTheWhitelistWithFewBuckets() {
        PrometheusMeterRegistry prom = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MeterFilters.configure(prom, "worker");
        NasflowMetrics m = new NasflowMetrics(prom);
        try {
            Scope scope = m.temporalScope(Duration.ofMillis(50));
            Map<String, String> tags = new HashMap<>(Map.of("namespace", "default", "task_queue", "nasflow",
                    "exception", "none", "signal_name", "none"));
            scope.tagged(tags).timer("temporal_activity_execution_latency").record(
                    com.uber.m3.util.Duration.ofMillis(300));
            scope.tagged(tags).counter("temporal_sticky_cache_hit").inc(1);
            scope.tagged(tags).counter("temporal_workflow_completed").inc(1);
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    prom.find("temporal_activity_execution_latency").timer() != null
                            && prom.find("temporal_workflow_completed").counter() != null);
            Timer t = prom.get("temporal_activity_execution_latency").timer();
            CountAtBucket[] buckets = t.takeSnapshot().histogramCounts();
            assertEquals(MeterFilters.TEMPORAL_BUCKETS.length, buckets.length, "fixed buckets, no 70-bucket histogram");
            assertNull(t.getId().getTag("exception"), "always-none tags are dropped");
            assertEquals("worker", t.getId().getTag("role"));
            assertNull(prom.find("temporal_sticky_cache_hit").counter(), "not on the whitelist");
            String text = prom.scrape();
            assertTrue(text.contains("temporal_activity_execution_latency_seconds_bucket"), text);
            assertFalse(text.contains("sticky_cache"), text);
        } finally {
            m.close();
        }
    }

    @Test
    void kafkaClientMetricsAreBoundFilteredAndUnbound() {
        PrometheusMeterRegistry prom = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MeterFilters.configure(prom, "worker");
        NasflowMetrics m = new NasflowMetrics(prom);
        MockProducer<byte[], byte[]> producer = new MockProducer<>();
        Map<String, String> client = Map.of("client-id", "nasflow-worker-1");
        for (Metric x : List.of(metric(new MetricName("record-send-total", "producer-metrics", "", client), 42),
                metric(new MetricName("record-size-max", "producer-metrics", "", client), 7),
                metric(new MetricName("request-total", "producer-node-metrics", "",
                        Map.of("client-id", "nasflow-worker-1", "node-id", "node-1")), 3))) {
            producer.setMockMetrics(x.metricName(), x);
        }
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
        try {
            AutoCloseable p = m.kafkaBinder().producer(producer);
            AutoCloseable c = m.kafkaBinder().consumer(consumer);
            assertEquals(42, prom.get("kafka.producer.record.send.total").functionCounter().count());
            assertNull(prom.find("kafka.producer.record.size.max").meter(), "not on the Kafka whitelist");
            assertNull(prom.find("kafka.producer.node.request.total").meter(), "per-node meters are denied");
            p.close();
            c.close();
            assertNull(prom.find("kafka.producer.record.send.total").meter(), "unbound with the client");
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            m.close();
        }
    }

    private static Metric metric(MetricName name, double v) {
        return new Metric() {
            @Override
            public MetricName metricName() {
                return name;
            }

            @Override
            public Object metricValue() {
                return v;
            }
        };
    }

    @Test
    void prometheusRegistryHasJvmAndProcessMetricsAndTheRoleTag() {
        NasflowMetrics m = NasflowMetrics.prometheus("stopper");
        try {
            String text = m.prometheusRegistry().scrape();
            for (String name : List.of("jvm_memory_used_bytes", "jvm_gc_", "jvm_threads_live_threads",
                    "process_cpu_usage", "system_cpu_count", "process_uptime_seconds",
                    "nasflow_candidates_finished_total{outcome=\"completed\",role=\"stopper\"}")) {
                assertTrue(text.contains(name), name + " missing from\n" + text);
            }
        } finally {
            m.close();
        }
    }
}
