package dev.nasflow.activity;

import dev.nasflow.api.ProposeRequest;
import dev.nasflow.nb201.Nb201Table;
import dev.nasflow.nb201.TableTrainer;
import dev.nasflow.embedded.SharedKafka;
import dev.nasflow.space.Genome;
import dev.nasflow.space.SearchSpace;
import dev.nasflow.space.Spaces;
import dev.nasflow.model.SearchSpec;
import dev.nasflow.spec.SpecValidation;
import dev.nasflow.spec.SpecValidator;
import dev.nasflow.model.Outcome;
import dev.nasflow.stream.KafkaClients;
import dev.nasflow.stream.KafkaSettings;
import dev.nasflow.stream.MetricsPublisher;
import dev.nasflow.stream.SearchEvent;
import dev.nasflow.model.SearchEventType;
import dev.nasflow.service.SurrogateObserver;
import dev.nasflow.service.SurrogateService;
import dev.nasflow.model.CandidateResult;
import dev.nasflow.model.GenerationRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * BANANAS proposes through the Propose activity with the live surrogate service as its predictor: the service's model
 * ranks the pool when it was fitted on at least as many finished results as the proposer holds, the strategy's own
 * ensemble otherwise. The activity's provenance counters prove which one was used.
 */
@ExtendWith(SharedKafka.class)
class ProposeProvenanceTest {
    @Test
    void usesTheServiceModelOnlyWhenItIsAtLeastAsFreshAsTheOwnFallback() throws Exception {
        SpecValidation v = new SpecValidator().validate("""
                {"name": "pp", "seed": 5, "space": {"type": "nb201"},
                 "strategy": {"type": "bananas", "params": {"initial": 4, "ensemble": 2, "candidates": 30}},
                 "budget": {"evaluations": 80, "populationSize": 8},
                 "objectives": [{"metric": "validAccuracy", "direction": "maximize"}],
                 "fidelity": {"epochs": 12}, "trainer": {"type": "nb201"}}""", "test");
        assertTrue(v.ok(), v.report());
        SearchSpec spec = v.effective();
        SearchSpace space = Spaces.create(spec.space());
        TableTrainer table = new TableTrainer(Nb201Table.cifar10());
        String searchId = "pp-" + System.nanoTime();
        KafkaClients kafka = new KafkaClients(KafkaSettings.of(SharedKafka.bootstrapServers()));
        kafka.ensureTopics(dev.nasflow.stream.TopicSettings.defaults());
        Random rnd = new Random(7);
        List<CandidateResult> results = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            Genome g = space.random(rnd);
            results.add(new CandidateResult(searchId + "-g0-c" + i, 0, i, g, space.canonical(g), space.hash(g), 12,
                    12, Outcome.COMPLETED, table.metrics(g, 12), "", 0, 0, 0, 1));
        }
        CountDownLatch fitOn10 = new CountDownLatch(1);
        SurrogateObserver watch = new SurrogateObserver() {
            @Override
            public void retrained(String id, long version, int n, double tau, double rmse) {
                if (id.equals(searchId) && n >= 10) {
                    fitOn10.countDown();
                }
            }
        };
        try (MetricsPublisher pub = kafka.publisher("pp-test");
             SurrogateService service = new SurrogateService(kafka, 1, watch, "pp-" + System.nanoTime()).start()) {
            assertTrue(service.awaitReady(Duration.ofSeconds(60)));
            // the service learns from the first 10 results only
            for (CandidateResult r : results.subList(0, 10)) {
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("outcome", "COMPLETED");
                p.put("arch", r.arch());
                p.put("archHash", r.archHash());
                p.put("encoding", space.pathEncoding(r.genome()));
                p.put("primaryMetric", "validAccuracy");
                p.put("metrics", r.metrics());
                pub.publish(SearchEvent.of(searchId, SearchEventType.CANDIDATE_FINISHED, r.candidateId(), 0, p))
                        .get(10, TimeUnit.SECONDS);
            }
            assertTrue(fitOn10.await(60, TimeUnit.SECONDS), "the service fitted its model on 10 results");
            SearchActivitiesImpl acts = new SearchActivitiesImpl(new SpecValidator(), pub,
                    new SurrogateClient(kafka, pub, Duration.ofSeconds(10), 0.9));

            // the proposer holds the same 10 results: the service's model is as fresh as its own would be
            List<GenerationRecord> same = List.of(new GenerationRecord(0, 10, results.subList(0, 10)));
            assertEquals(8, acts.propose(new ProposeRequest(searchId, spec, same, 8)).size());
            assertTrue(acts.poolsRankedByService() >= 1, "ranked by the service");
            assertEquals(0, acts.poolsRankedByOwnModel());
            SurrogateClient.Provenance p = acts.lastProvenance(searchId);
            assertTrue(p.service(), p.why());
            assertEquals("surrogate service model fitted on 10 results (own fallback: 10)", p.why());

            // the proposer holds 16 results, the service's model saw 10: the own ensemble is fresher
            long byService = acts.poolsRankedByService();
            List<GenerationRecord> more = List.of(new GenerationRecord(0, 16, results));
            assertEquals(8, acts.propose(new ProposeRequest(searchId, spec, more, 8)).size());
            assertEquals(byService, acts.poolsRankedByService(), "not ranked by the stale service model");
            assertTrue(acts.poolsRankedByOwnModel() >= 1);
            p = acts.lastProvenance(searchId);
            assertFalse(p.service(), p.why());
            assertEquals("own ensemble on 16 results: the service's model was fitted on 10 results", p.why());
        }
    }
}
