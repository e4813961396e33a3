package dev.nasflow.activity;

import dev.nasflow.api.PriorCheck;
import dev.nasflow.model.SearchSpec;
import dev.nasflow.space.SearchSpace;
import dev.nasflow.space.Spaces;
import dev.nasflow.spec.SpecValidator;
import dev.nasflow.stream.EventSerde;
import dev.nasflow.stream.MetricsPublisher;
import dev.nasflow.stream.SearchEvent;
import dev.nasflow.model.SearchEventType;
import dev.nasflow.stream.Topics;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code LoadPriors} puts the loaded priors on {@code nasflow.search-events} as one {@code WARM_START_PRIORS} event
 * (what the surrogate service needs per prior: hash, encoding, final value, transferred), split only when it would
 * not fit one record; without a publisher it loads them all the same.
 */
class WarmStartPriorsEventTest {
    private final MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(),
            new ByteArraySerializer());
    private final SearchSpace space = Spaces.create(PriorFiles.spec("probe").space());

    private List<SearchEvent> sent() {
        List<SearchEvent> out = new ArrayList<>();
        for (ProducerRecord<byte[], byte[]> r : producer.history()) {
            assertEquals(Topics.SEARCH_EVENTS, r.topic());
            out.add(EventSerde.SEARCH_EVENT.decode(r.value()));
        }
        return out;
    }

    private static List<Object> hashes(List<?> priors) {
        return priors.stream().<Object>map(o -> ((Map<?, ?>) o).get("archHash")).toList();
    }

    @Test
    void loadPriorsPublishesOneEventWithWhatTheSurrogateNeeds() throws Exception {
        SearchSpec probe = PriorFiles.spec("probe");
        List<PriorFiles.Line> same = new ArrayList<>(PriorFiles.completed(space, 6, 1));
        // stopped early: no final value, so not for the surrogate (the strategy still gets it)
        same.add(new PriorFiles.Line(PriorFiles.completed(space, 7, 2).get(6).genome(), "STOPPED_EARLY", 99.0));
        List<PriorFiles.Line> other = PriorFiles.completed(space, 3, 3);
        String sameFile = PriorFiles.write("same.jsonl", probe, "cifar10", same);
        String otherFile = PriorFiles.write("other.jsonl", probe, "cifar100", other);
        SearchSpec spec = PriorFiles.spec("warm", sameFile, otherFile);

        SearchActivitiesImpl acts = new SearchActivitiesImpl(new SpecValidator(),
                new MetricsPublisher(producer, false, () -> 1_000L), null);
        PriorCheck check = acts.loadPriors("warm-1", spec);
        assertTrue(check.ok(), check.errors().toString());
        assertEquals(7, check.priors().sameTask());
        assertEquals(3, check.priors().transferred());

        List<SearchEvent> events = sent();
        assertEquals(1, events.size(), "exactly one event");
        assertEquals("warm-1", new String(producer.history().get(0).key(), StandardCharsets.UTF_8));
        SearchEvent e = events.get(0);
        assertEquals(SearchEventType.WARM_START_PRIORS, e.type());
        assertEquals("warm-1", e.searchId());
        assertEquals(null, e.candidateId());
        Map<String, Object> p = e.payload();
        assertEquals("validAccuracy", p.get("primaryMetric"));
        assertEquals("maximize", p.get("direction"));
        assertEquals(7, ((Number) p.get("sameTaskPriors")).intValue());
        assertEquals(3, ((Number) p.get("transferredPriors")).intValue());
        assertEquals(0, ((Number) p.get("chunk")).intValue());
        assertEquals(1, ((Number) p.get("chunks")).intValue());
        List<?> priors = assertInstanceOf(List.class, p.get("priors"));
        assertEquals(6 + 3, priors.size(), "every completed prior, the stopped one left out");

        // same-task priors first, best first; then the transferred ones, best first
        List<PriorFiles.Line> expected = new ArrayList<>();
        expected.addAll(same.subList(0, 6).stream()
                .sorted((a, b) -> Double.compare(b.validAccuracy(), a.validAccuracy())).toList());
        expected.addAll(other.stream().sorted((a, b) -> Double.compare(b.validAccuracy(), a.validAccuracy())).toList());
        for (int i = 0; i < priors.size(); i++) {
            Map<?, ?> m = assertInstanceOf(Map.class, priors.get(i));
            PriorFiles.Line l = expected.get(i);
            assertEquals(Set.of("archHash", "arch", "encoding", "value", "transferred"), m.keySet());
            assertEquals(space.hash(l.genome()), m.get("archHash"));
            assertEquals(space.canonical(l.genome()), m.get("arch"));
            List<?> enc = assertInstanceOf(List.class, m.get("encoding"));
            double[] x = enc.stream().mapToDouble(o -> ((Number) o).doubleValue()).toArray();
            assertTrue(Arrays.equals(space.pathEncoding(l.genome()), x), "the candidate events' encoding");
            assertEquals(l.validAccuracy(), ((Number) m.get("value")).doubleValue(), 1e-9);
            assertEquals(i >= 6, m.get("transferred"));
        }
    }

    @Test
    void withoutAPublisherOrAWarmStartNothingIsPublishedAndNothingBreaks() throws Exception {
        SearchSpec probe = PriorFiles.spec("probe");
        String file = PriorFiles.write("nopub.jsonl", probe, "cifar10", PriorFiles.completed(space, 5, 4));
        PriorCheck check = new SearchActivitiesImpl(new SpecValidator(), null, null)
                .loadPriors("warm-2", PriorFiles.spec("warm", file));
        assertTrue(check.ok(), check.errors().toString());
        assertEquals(5, check.priors().count());

        SearchActivitiesImpl acts = new SearchActivitiesImpl(new SpecValidator(),
                new MetricsPublisher(producer, false, () -> 1_000L), null);
        PriorCheck cold = acts.loadPriors("cold-1", probe);
        assertTrue(cold.ok());
        assertEquals(null, cold.priors());
        assertTrue(producer.history().isEmpty(), "no warm start: no event");
        // a warm start that fails its checks publishes nothing either
        PriorCheck bad = acts.loadPriors("bad-1", PriorFiles.spec("warm", PriorFiles.DIR.resolve("missing.jsonl")
                .toString()));
        assertFalse(bad.ok());
        assertTrue(producer.history().isEmpty(), "failed warm start: no event");
    }

    @Test
    void manyPriorsAreSplitIntoBoundedEventsAndCappedWithACount() throws Exception {
        SearchSpec probe = PriorFiles.spec("probe");
        String file = PriorFiles.write("many.jsonl", probe, "cifar10", PriorFiles.completed(space, 40, 5));
        SearchSpec spec = PriorFiles.spec("warm", file);
        PriorCheck check = new SearchActivitiesImpl(new SpecValidator(), null, null).loadPriors("warm-3", spec);
        assertTrue(check.ok(), check.errors().toString());

        PriorEvents.Plan one = PriorEvents.plan(spec, check.priors());
        assertEquals(1, one.payloads().size());
        assertEquals(40, one.published());

        int limit = 4_000; // bytes of priors per event: about 8 NB201 priors
        PriorEvents.Plan split = PriorEvents.plan(spec, check.priors(), limit, 100);
        assertTrue(split.payloads().size() >= 4, "split: " + split.payloads().size());
        assertEquals(40, split.published());
        assertEquals(0, split.leftOut());
        List<Object> all = new ArrayList<>();
        for (int i = 0; i < split.payloads().size(); i++) {
            Map<String, Object> p = split.payloads().get(i);
            assertEquals(i, p.get("chunk"));
            assertEquals(split.payloads().size(), p.get("chunks"));
            assertTrue(PriorFiles.JSON.writeValueAsBytes(p.get("priors")).length <= limit, "chunk " + i + " bounded");
            all.addAll((List<?>) p.get("priors"));
        }
        assertEquals(hashes((List<?>) one.payloads().get(0).get("priors")), hashes(all),
                "the chunks hold the priors in order");

        PriorEvents.Plan capped = PriorEvents.plan(spec, check.priors(), limit, 2);
        assertEquals(2, capped.payloads().size());
        assertEquals(40, capped.published() + capped.leftOut());
        assertTrue(capped.leftOut() > 0);
        assertEquals(hashes(all.subList(0, capped.published())),
                hashes(capped.payloads().stream().flatMap(p -> ((List<?>) p.get("priors")).stream()).toList()),
                "the best priors are kept");

        // and through the activity: every chunk published, none over Kafka's record limit
        SearchActivitiesImpl acts = new SearchActivitiesImpl(new SpecValidator(),
                new MetricsPublisher(producer, false, () -> 1_000L), null);
        assertTrue(acts.loadPriors("warm-3", spec).ok());
        assertEquals(1, sent().size());
        assertNotNull(sent().get(0).payload().get("priors"));
        assertTrue(producer.history().get(0).value().length < PriorEvents.MAX_PAYLOAD_BYTES + 4096);
    }
}
