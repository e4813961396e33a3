package dev.nasflow.activity;

import dev.nasflow.bench.SearchRun;
import dev.nasflow.model.CandidateTask;
import dev.nasflow.model.Outcome;
import dev.nasflow.space.CellSpace;
import dev.nasflow.space.Genome;
import dev.nasflow.spec.SpecValidation;
import dev.nasflow.spec.SpecValidator;
import dev.nasflow.stream.EventSerde;
import dev.nasflow.stream.MetricsPublisher;
import dev.nasflow.stream.SearchEvent;
import dev.nasflow.model.SearchEventType;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The candidate events of a training attempt as they reach Kafka: the start or resume event and the finish event of
 * every outcome, each with the outcome's own fields plus the candidate's (arch, genome, space, encoding...).
 */
class KafkaTrainingEventsTest {
    private static final Set<String> CANDIDATE_FIELDS = Set.of("arch", "archHash", "genome", "space", "encoding",
            "primaryMetric");

    private final MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(),
            new ByteArraySerializer());
    private final KafkaTrainingEvents events = new KafkaTrainingEvents(new MetricsPublisher(producer, false,
            () -> 1_000L));
    private final CellSpace space = CellSpace.nb201();
    private final CandidateTask task = task();

    private CandidateTask task() {
        SpecValidation v = new SpecValidator().validate(
                SearchRun.spec("kte-test", 10, 1, 1, 4, 0, 1, "nasflow").toString(), "test");
        assertTrue(v.ok(), v::report);
        Genome g = space.random(new java.util.Random(5));
        return new CandidateTask("kte-test", "kte-test-g0-c0", 0, 0, g, space.canonical(g), space.hash(g), 4, 1,
                v.effective());
    }

    private SearchEvent sent(int i) {
        return EventSerde.SEARCH_EVENT.decode(producer.history().get(i).value());
    }

    private static Set<String> fields(SearchEvent e, String... own) {
        Set<String> expected = new java.util.HashSet<>(CANDIDATE_FIELDS);
        expected.addAll(List.of(own));
        assertEquals(expected, e.payload().keySet(), e.type() + " fields");
        return expected;
    }

    @Test
    void startAndResumeCarryTheStaticMetricsAndTheCandidate() {
        Map<String, Double> statics = Map.of("params", 1.5, "flops", 20.0);
        events.startedAsync(task, space, 0, 1, statics).await();
        events.startedAsync(task, space, 2, 3, statics).await();
        SearchEvent start = sent(0);
        assertEquals(SearchEventType.CANDIDATE_STARTED, start.type());
        fields(start, "epochs", "attempt", "staticMetrics");
        assertEquals(4, ((Number) start.payload().get("epochs")).intValue());
        assertEquals(1, ((Number) start.payload().get("attempt")).intValue());
        assertEquals(statics, start.payload().get("staticMetrics"));
        assertEquals("kte-test-g0-c0", start.candidateId());
        assertEquals(task.arch(), start.payload().get("arch"));
        assertEquals("nb201", start.payload().get("space"));
        assertEquals(space.pathEncoding(task.genome()).length, ((List<?>) start.payload().get("encoding")).size());
        SearchEvent resumed = sent(1);
        assertEquals(SearchEventType.CANDIDATE_RESUMED, resumed.type());
        fields(resumed, "fromEpoch", "attempt", "staticMetrics");
        assertEquals(2, ((Number) resumed.payload().get("fromEpoch")).intValue());
    }

    @Test
    void everyOutcomeIsOneFinishEventWithItsOwnFields() {
        Map<String, Double> last = new LinkedHashMap<>(Map.of("validAccuracy", 71.0, "epochs", 3.0));
        StopBoard.Posted decision = new StopBoard.Posted("kte-test-g0-c0", "median", "below the median", 3, 900);
        List<TrainingOutcome> outcomes = List.of(
                TrainingOutcome.infeasible(Map.of("params", 9.0), "params = 9 exceeds the maximum 1"),
                TrainingOutcome.diverged(2, last, 4.0, 0),
                TrainingOutcome.completed(4, last, 8.0, 1),
                TrainingOutcome.cancelled(3, last, 6.0, 0, 1234),
                TrainingOutcome.stoppedBy(decision, 3, last, 6.0, 0, 1235));
        for (TrainingOutcome o : outcomes) {
            events.finishedAsync(task, space, o).await();
        }
        assertEquals(outcomes.size(), producer.history().size());
        for (int i = 0; i < outcomes.size(); i++) {
            assertEquals(SearchEventType.CANDIDATE_FINISHED, sent(i).type());
            assertEquals(outcomes.get(i).kind().name(), sent(i).payload().get("outcome"));
        }
        fields(sent(0), "outcome", "reason");
        assertEquals("params = 9 exceeds the maximum 1", sent(0).payload().get("reason"));
        fields(sent(1), "outcome", "reason");
        assertEquals("loss is not finite at epoch 2", sent(1).payload().get("reason"));
        fields(sent(2), "outcome", "metrics");
        assertEquals(last, sent(2).payload().get("metrics"));
        fields(sent(3), "outcome", "epoch", "cancelSeenAtMs");
        assertEquals(3, ((Number) sent(3).payload().get("epoch")).intValue());
        assertEquals(1234L, ((Number) sent(3).payload().get("cancelSeenAtMs")).longValue());
        fields(sent(4), "outcome", "epoch", "rule", "cancelSeenAtMs");
        assertEquals("median", sent(4).payload().get("rule"));
    }

    @Test
    void theResultOfAnOutcomeIsTheActivitysResult() {
        StopBoard.Posted decision = new StopBoard.Posted("kte-test-g0-c0", "median", "below the median", 3, 900);
        TrainingOutcome stopped = TrainingOutcome.stoppedBy(decision, 3, Map.of("validAccuracy", 70.0), 6.0, 1, 10);
        var r = stopped.result(task, 42, 2);
        assertEquals(Outcome.STOPPED_EARLY, r.outcome());
        assertEquals(3, r.epochsTrained());
        assertEquals("median: below the median", r.reason());
        assertEquals(42, r.wallMillis());
        assertEquals(1, r.resumedFromEpoch());
        assertEquals(2, r.attempts());
        assertTrue(stopped.forgetsStop());
        assertTrue(!TrainingOutcome.cancelled(3, Map.of(), 6.0, 0, 10).forgetsStop(), "a cancellation keeps it");
        assertTrue(!TrainingOutcome.diverged(3, Map.of(), 6.0, 0).forgetsStop());
        assertTrue(TrainingOutcome.completed(4, Map.of(), 8.0, 0).forgetsStop());
        var infeasible = TrainingOutcome.infeasible(Map.of("params", 9.0), "too big").result(task, 1, 1);
        assertEquals(0, infeasible.epochsTrained());
        assertEquals(0, infeasible.resumedFromEpoch());
        assertEquals(0.0, infeasible.simSeconds());
    }
}
