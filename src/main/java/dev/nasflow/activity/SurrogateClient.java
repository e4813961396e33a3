package dev.nasflow.activity;

import dev.nasflow.space.Genome;
import dev.nasflow.space.SearchSpace;
import dev.nasflow.strategy.Predictor;
import dev.nasflow.stream.EventSerde;
import dev.nasflow.stream.KafkaClients;
import dev.nasflow.stream.MetricsPublisher;
import dev.nasflow.stream.SearchEvent;
import dev.nasflow.model.SearchEventType;
import dev.nasflow.stream.SurrogatePrediction;
import dev.nasflow.stream.Topics;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Asks the live surrogate service for predictions of an architecture pool: publishes a {@code SURROGATE_REQUEST}
 * search event with the pool's encodings and reads the answers from {@code nasflow.surrogate-predictions} (only those
 * published after the request; candidate predictions, keyed by candidate, are not answers). The predictor answers null,
 * and the strategy falls back to its own model, when fewer than {@code minCoverage} of the pool is answered within the
 * timeout, or when the service's model is not fresher than that fallback: it was fitted on fewer finished results than
 * the strategy's own model would be ({@code trainedOn} of the answers, against the results the proposer holds), or
 * does not say ({@code trainedOn} absent: a service of an earlier build).
 */
public final class SurrogateClient {
    private static final Logger log = LoggerFactory.getLogger(SurrogateClient.class);

    private final KafkaClients kafka;
    private final MetricsPublisher publisher;
    private final Duration timeout;
    private final double minCoverage;

    public SurrogateClient(KafkaClients kafka, MetricsPublisher publisher, Duration timeout, double minCoverage) {
        this.kafka = kafka;
        this.publisher = publisher;
        this.timeout = timeout;
        this.minCoverage = minCoverage;
    }

    /** Which model ranked a pool, and why. */
    public record Provenance(boolean service, String why) {
    }

    public Predictor predictor(String searchId, SearchSpace space) {
        return predictor(searchId, space, 0, p -> {
        });
    }

    /**
     * The live service's predictions when its model has seen at least {@code ownResults} finished results (the
     * strategy's own fallback is fitted on that many); each answer's provenance goes to {@code provenance}.
     */
    public Predictor predictor(String searchId, SearchSpace space, int ownResults,
                               java.util.function.Consumer<Provenance> provenance) {
        return pool -> {
            int[] trainedOn = {Integer.MAX_VALUE};
            List<Predictor.Estimate> answers = ask(searchId, space, pool, trainedOn);
            if (answers == null) {
                provenance.accept(new Provenance(false, "own ensemble on " + ownResults + " results: the service did "
                        + "not answer in time"));
                return null;
            }
            if (trainedOn[0] < 0 || trainedOn[0] < ownResults) {
                String seen = trainedOn[0] < 0 ? "does not say how many results it saw"
                        : "was fitted on " + trainedOn[0] + " results";
                provenance.accept(new Provenance(false, "own ensemble on " + ownResults + " results: the service's "
                        + "model " + seen));
                log.info("surrogate for {}: the service's model {}, the own model sees {}: using the own model",
                        searchId, seen, ownResults);
                return null;
            }
            provenance.accept(new Provenance(true, "surrogate service model fitted on " + trainedOn[0]
                    + " results (own fallback: " + ownResults + ")"));
            return answers;
        };
    }

    List<Predictor.Estimate> ask(String searchId, SearchSpace space, List<Genome> pool) {
        return ask(searchId, space, pool, new int[] {Integer.MAX_VALUE});
    }

    /** The service's estimates for the pool (null: not enough answers); {@code trainedOn[0]}: the least trainedOn. */
    List<Predictor.Estimate> ask(String searchId, SearchSpace space, List<Genome> pool, int[] trainedOn) {
        if (pool.isEmpty()) {
            return List.of();
        }
        Map<String, Integer> indexByHash = new HashMap<>();
        List<Map<String, Object>> items = new ArrayList<>();
        for (int i = 0; i < pool.size(); i++) {
            Genome g = pool.get(i);
            String hash = space.hash(g);
            indexByHash.put(hash, i);
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("arch", space.canonical(g));
            item.put("archHash", hash);
            item.put("encoding", space.pathEncoding(g));
            items.add(item);
        }
        Predictor.Estimate[] answers = new Predictor.Estimate[pool.size()];
        int answered = 0;
        try (Consumer<byte[], byte[]> c = kafka.consumer(KafkaClients.uniqueGroupId("nasflow-propose"))) {
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo p : c.partitionsFor(Topics.SURROGATE_PREDICTIONS)) {
                parts.add(new TopicPartition(p.topic(), p.partition()));
            }
            c.assign(parts);
            c.seekToEnd(parts);
            parts.forEach(c::position); // materialise the end offsets before asking
            publisher.publish(SearchEvent.of(searchId, SearchEventType.SURROGATE_REQUEST, null, null,
                    Map.of("pool", items))).get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (answered < pool.size() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> rec : c.poll(Duration.ofMillis(50))) {
                    SurrogatePrediction p;
                    try {
                        p = EventSerde.SURROGATE_PREDICTION.decode(rec.value());
                    } catch (RuntimeException bad) {
                        continue;
                    }
                    Integer idx = p == null || p.forCandidate() || !searchId.equals(p.searchId()) ? null
                            : indexByHash.get(p.archHash());
                    if (idx != null && answers[idx] == null) {
                        answers[idx] = new Predictor.Estimate(p.mean(), p.std());
                        answered++;
                        int seen = p.trainedOn() == null ? -1 : p.trainedOn(); // -1: not said
                        trainedOn[0] = Math.min(trainedOn[0], seen);
                    }
                }
            }
        } catch (Exception e) {
            log.warn("surrogate not reachable for search {}: {}", searchId, e.toString());
            return null;
        }
        if (answered < Math.ceil(minCoverage * pool.size())) {
            log.info("surrogate answered {}/{} of the pool for {}: using the strategy's own model", answered,
                    pool.size(), searchId);
            return null;
        }
        List<Predictor.Estimate> out = new ArrayList<>(pool.size());
        for (Predictor.Estimate e : answers) {
            out.add(e == null ? new Predictor.Estimate(Double.NEGATIVE_INFINITY, 0) : e);
        }
        return out;
    }
}
