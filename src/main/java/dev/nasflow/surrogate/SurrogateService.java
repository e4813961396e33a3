package dev.nasflow.surrogate;

import dev.nasflow.stream.EventSerde;
import dev.nasflow.stream.KafkaClients;
import dev.nasflow.stream.MetricsPublisher;
import dev.nasflow.stream.PoisonHandler;
import dev.nasflow.stream.ReplayingConsumer;
import dev.nasflow.stream.SearchEvent;
import dev.nasflow.stream.SearchEventType;
import dev.nasflow.stream.SurrogatePrediction;
import dev.nasflow.stream.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live surrogate service: its own consumer group on {@code nasflow.search-events}. Per search it learns
 * architecture encoding → final primary metric from finished candidates (pure-Java MLP ensemble: never DJL, so it may
 * share a JVM with training), retrains every {@code retrainEvery} results, and publishes to the compacted
 * {@code nasflow.surrogate-predictions} topic (key = architecture hash) its predictions for pending candidates and for
 * architecture pools that proposers ask about ({@code SURROGATE_REQUEST} events), each with the model's held-back
 * quality (Kendall tau, RMSE). State is rebuilt on restart by re-reading, up to the committed offset, the records of
 * the searches that had not finished at the last commit ({@link ReplayingConsumer}: finished searches are not
 * re-read, and no consumer-group rebalance holds up the start).
 */
public final class SurrogateService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SurrogateService.class);
    public static final String GROUP_ID = "nasflow-surrogate";

    private final KafkaClients kafka;
    private final String groupId;
    private final int retrainEvery;
    private final Map<String, SearchState> searches = new ConcurrentHashMap<>();
    private final SurrogateObserver observer;
    private MetricsPublisher publisher;
    private PoisonHandler poison;
    private ReplayingConsumer loop;

    private static final class SearchState {
        final SurrogateModel model;
        final Map<String, Pending> pending = new LinkedHashMap<>();
        volatile boolean finished;

        SearchState(SurrogateModel model) {
            this.model = model;
        }
    }

    private record Pending(String arch, String archHash, double[] encoding) {
    }

    public SurrogateService(KafkaClients kafka, int retrainEvery, SurrogateObserver observer) {
        this(kafka, retrainEvery, observer, GROUP_ID);
    }

    public SurrogateService(KafkaClients kafka, int retrainEvery, SurrogateObserver observer, String groupId) {
        this.kafka = kafka;
        this.retrainEvery = retrainEvery;
        this.observer = observer == null ? SurrogateObserver.NONE : observer;
        this.groupId = groupId;
    }

    public SurrogateService start() {
        publisher = kafka.publisher("nasflow-surrogate");
        poison = new PoisonHandler(publisher.producer());
        loop = new ReplayingConsumer("nasflow-surrogate", kafka, groupId, List.of(Topics.SEARCH_EVENTS),
                this::handle).retention(id -> {
                    SearchState s = searches.get(id);
                    return s == null || !s.finished;
                }).start();
        return this;
    }

    public PoisonHandler poison() {
        return poison;
    }

    private CompletableFuture<?> handle(ConsumerRecord<byte[], byte[]> rec, boolean replay) {
        SearchEvent e = poison.decode(rec, EventSerde.SEARCH_EVENT);
        if (e == null) {
            return null;
        }
        SearchState s = searches.computeIfAbsent(e.searchId(),
                id -> new SearchState(new SurrogateModel(retrainEvery, 50, id.hashCode())));
        List<SurrogatePrediction> out = new ArrayList<>();
        switch (e.type()) {
            case CANDIDATE_STARTED, CANDIDATE_RESUMED -> {
                Pending p = pending(e.payload());
                if (p != null) {
                    s.pending.put(e.candidateId(), p);
                    if (s.model.ready()) {
                        out.add(predict(e.searchId(), s, p));
                    }
                }
            }
            case CANDIDATE_FINISHED -> {
                Pending p = s.pending.remove(e.candidateId());
                if (p == null) {
                    p = pending(e.payload());
                }
                Double value = finalValue(e.payload());
                if (p != null && value != null) {
                    boolean retrained = s.model.addResult(p.archHash(), p.encoding(), value);
                    if (retrained) {
                        observer.retrained(e.searchId(), s.model.version(), s.model.results(),
                                s.model.kendallTau(), s.model.rmse());
                        for (Pending q : s.pending.values()) {
                            out.add(predict(e.searchId(), s, q));
                        }
                    }
                }
            }
            case SURROGATE_REQUEST -> {
                if (s.model.ready() && e.payload().get("pool") instanceof List<?> pool) {
                    for (Object o : pool) {
                        if (o instanceof Map<?, ?> m) {
                            Pending p = pending(m);
                            if (p != null) {
                                out.add(predict(e.searchId(), s, p));
                            }
                        }
                    }
                }
            }
            case COMPLETED, FAILED, CANCELLED, TERMINATED, TIMED_OUT -> {
                s.pending.clear();
                s.finished = true;
            }
            default -> {
            }
        }
        if (replay || out.isEmpty()) {
            return null;
        }
        List<CompletableFuture<?>> sends = new ArrayList<>();
        for (SurrogatePrediction p : out) {
            sends.add(publisher.publish(p));
        }
        observer.published(out.size());
        return CompletableFuture.allOf(sends.toArray(new CompletableFuture[0]));
    }

    private SurrogatePrediction predict(String searchId, SearchState s, Pending p) {
        MlpEnsemble.Prediction pr = s.model.predict(p.archHash(), p.encoding());
        return SurrogatePrediction.of(searchId, p.archHash(), p.arch(), pr.mean(), Math.max(0, pr.std()),
                s.model.version(), new SurrogatePrediction.Quality(s.model.kendallTau(), s.model.rmse(),
                        s.model.qualityPairs()));
    }

    /** Value of the primary metric of a candidate that completed its full fidelity; null otherwise. */
    static Double finalValue(Map<String, ?> payload) {
        if (!"COMPLETED".equals(payload.get("outcome"))) {
            return null;
        }
        Object metric = payload.get("primaryMetric");
        if (!(metric instanceof String name) || !(payload.get("metrics") instanceof Map<?, ?> metrics)) {
            return null;
        }
        if (metrics.get(name) instanceof Number n && Double.isFinite(n.doubleValue())) {
            return n.doubleValue();
        }
        return null;
    }

    static Pending pending(Map<?, ?> payload) {
        Object arch = payload.get("arch");
        Object hash = payload.get("archHash");
        Object enc = payload.get("encoding");
        if (!(arch instanceof String a) || !(hash instanceof String h) || !(enc instanceof List<?> list)) {
            return null;
        }
        double[] x = new double[list.size()];
        for (int i = 0; i < x.length; i++) {
            if (!(list.get(i) instanceof Number n)) {
                return null;
            }
            x[i] = n.doubleValue();
        }
        return new Pending(a, h, x);
    }

    /** The service's consumer loop (restart figures: records re-read, time to rebuild). */
    public ReplayingConsumer consumer() {
        return loop;
    }

    /** Waits until the service's consumer has its partitions (see {@link ReplayingConsumer#awaitAssignment}). */
    public boolean awaitReady(java.time.Duration timeout) throws InterruptedException {
        return loop != null && loop.awaitAssignment(timeout);
    }

    @Override
    public void close() {
        if (loop != null) {
            loop.close();
        }
        if (publisher != null) {
            publisher.close();
        }
        log.debug("surrogate closed");
    }
}
