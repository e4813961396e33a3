package dev.nasflow.service;

import dev.nasflow.surrogate.CurveSurrogate;
import dev.nasflow.surrogate.MlpEnsemble;
import dev.nasflow.surrogate.SurrogateModel;
import dev.nasflow.stream.EpochMetric;
import dev.nasflow.stream.EventSerde;
import dev.nasflow.stream.KafkaClients;
import dev.nasflow.stream.MetricsPublisher;
import dev.nasflow.stream.PoisonHandler;
import dev.nasflow.stream.ReplayingConsumer;
import dev.nasflow.stream.SearchEvent;
import dev.nasflow.model.SearchEventType;
import dev.nasflow.stream.SurrogatePrediction;
import dev.nasflow.stream.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The live surrogate service: reads every partition of {@code nasflow.search-events} and {@code nasflow.epoch-metrics}
 * (its own committed offsets, group {@code nasflow-surrogate}). Per search it keeps two pure-Java models (never DJL, so
 * it may share a JVM with training):
 * <ul>
 *   <li>the <b>architecture model</b> ({@link SurrogateModel}: MLP ensemble, architecture encoding → final primary
 *       metric, from finished candidates), refitted every {@code retrainEvery} results on a background thread; it
 *       answers proposers' pools ({@code SURROGATE_REQUEST} events) and pending candidates, key = architecture
 *       hash;</li>
 *   <li>the <b>learning-curve model</b> ({@link CurveSurrogate}: architecture prior + partial curve + epoch → final
 *       value, Bayesian last layer), which after every epoch of every running candidate publishes a candidate
 *       prediction (mean, std, quality so far, the epoch it used), key = candidate id, so a consumer reads the latest
 *       per candidate.</li>
 * </ul>
 * Both go to the compacted {@code nasflow.surrogate-predictions} topic.
 *
 * <p><b>Warm start.</b> A warm-started search's {@code WARM_START_PRIORS} event (published by the {@code LoadPriors}
 * activity before the search's {@code STARTED}) pre-trains its architecture model: every prior measured on the
 * search's own task is added as training data ({@link SurrogateModel#addPrior}, one per architecture hash, so a
 * repeated event is a no-op) and a fit is scheduled, so the model predicts the search's first candidates before any
 * of them finishes. <b>Transferred priors</b> (another data set or fidelity) are skipped: their values are on another
 * scale, and this model's predictions are read as values on the search's scale (the learning-curve model's
 * architecture prior, the stopper's {@code surrogate} rule, a proposer's acquisition). They still reach the service
 * the measured way: strategies evaluate the best transferred priors first, and those results arrive as ordinary
 * {@code CANDIDATE_FINISHED} events (BANANAS' own predictor, which maps transferred values onto the search's scale,
 * uses them directly). Where the event names source searches ({@code warmStart.searches}), the same-task priors that
 * completed there with the same value also give their <b>curves</b> to the search's learning-curve model
 * ({@link #learnPriorCurves}): it then predicts the search's candidates from their first epoch, instead of only once
 * some of them finished. A source this service followed gives them from memory; one it does not hold (it finished
 * before the service's last start, which re-reads only the searches still live) is read back from the topics
 * ({@link SourceSearches}: its events, then its epochs from its start on), so a restart between the two searches, or
 * while the warm search runs, does not cost the curves.
 *
 * <p>State is rebuilt on restart by re-reading, up
 * to the committed offset, the records of the searches that had not finished at the last commit
 * ({@link ReplayingConsumer}: finished searches are not re-read, and no consumer-group rebalance holds up the start).
 */
public final class SurrogateService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SurrogateService.class);
    public static final String GROUP_ID = "nasflow-surrogate";

    private final KafkaClients kafka;
    private final String groupId;
    private final int retrainEvery;
    private final Map<String, SearchState> searches = new ConcurrentHashMap<>();
    private final SurrogateObserver observer;
    /** Architecture-model fits and learning-curve refits, off the consumer thread (one at a time: an architecture fit is a few hundred ms of CPU). */
    private final ExecutorService fits = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "surrogate-fit");
        t.setDaemon(true);
        return t;
    });
    /** Reads of warm starts' source searches that this service does not hold, from the topics (I/O, off the fits). */
    private final ExecutorService sourceReader = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "surrogate-source-read");
        t.setDaemon(true);
        return t;
    });
    /** The latest reads of source searches (a warm start's events come in chunks: one read serves them all). */
    private final Map<String, CompletableFuture<ReadBack>> sourceReads =
            Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, CompletableFuture<ReadBack>> e) {
                    return size() > MAX_SOURCE_READS;
                }
            });
    private MetricsPublisher publisher;
    private PoisonHandler poison;
    private ReplayingConsumer loop;

    private static final class SearchState {
        final SurrogateModel model;
        final Map<String, Pending> pending = Collections.synchronizedMap(new LinkedHashMap<>());
        final CurveSurrogate curves;
        final AtomicBoolean fitQueued = new AtomicBoolean();
        /**
         * This search's completed candidates by architecture hash (the latest per hash), so that a later search
         * warm-started from this one learns their curves ({@link #learnPriorCurves}); bounded like the curves the
         * learning-curve model keeps.
         */
        final Map<String, String> completedByArch = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                return size() > MAX_KEPT_CURVES;
            }
        });
        volatile String metric;
        volatile boolean finished;
        /** Prior curves learnt from a warm start (written on the consumer thread only). */
        volatile int priorCurves;

        SearchState(SurrogateModel model, java.util.concurrent.Executor refits) {
            this.model = model;
            this.curves = new CurveSurrogate(refits);
        }
    }

    private record Pending(String arch, String archHash, double[] encoding, String metric) {
    }

    /** A source search read back from the topics, and the state rebuilt from its records (on the reader's thread). */
    private record ReadBack(SourceSearches.Source source, SearchState state) {
    }

    /** Completed candidates remembered per search for later warm starts (the learning-curve model keeps as many). */
    static final int MAX_KEPT_CURVES = 2_000;
    /** Source searches read back from the topics that are kept for the next chunk or warm start. */
    static final int MAX_SOURCE_READS = 8;
    /** How long a read of a source search from the topics may take before the curves read so far are used. */
    static final Duration SOURCE_READ_WITHIN = Duration.ofSeconds(60);
    /** Folds of the out-of-fold architecture priors given to a warm start's prior curves. */
    static final int PRIOR_FOLDS = 5;

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
        loop = new ReplayingConsumer("nasflow-surrogate", kafka, groupId,
                List.of(Topics.SEARCH_EVENTS, Topics.EPOCH_METRICS), this::handle).retention(id -> {
                    SearchState s = searches.get(id);
                    return s == null || !s.finished;
                }).beforeEachPoll(this::runConsumerTasks).start();
        return this;
    }

    /** Prior curves that {@code searchId}'s learning-curve model learnt from its warm start (0 if none, or unknown). */
    public int priorCurvesLearnt(String searchId) {
        SearchState s = searches.get(searchId);
        return s == null ? 0 : s.priorCurves;
    }

    public PoisonHandler poison() {
        return poison;
    }

    private SearchState state(String searchId) {
        return searches.computeIfAbsent(searchId,
                id -> new SearchState(new SurrogateModel(retrainEvery, 50, id.hashCode()), fits));
    }

    /** Work handed to the consumer thread (which alone touches the learning-curve models), oldest first. */
    private final java.util.concurrent.ConcurrentLinkedQueue<Runnable> consumerTasks =
            new java.util.concurrent.ConcurrentLinkedQueue<>();

    private void runConsumerTasks() {
        for (Runnable r = consumerTasks.poll(); r != null; r = consumerTasks.poll()) {
            r.run();
        }
    }

    private CompletableFuture<?> handle(ConsumerRecord<byte[], byte[]> rec, boolean replay) {
        runConsumerTasks(); // before the record: e.g. a warm start's prior curves before its candidates' epochs
        if (Topics.EPOCH_METRICS.equals(rec.topic())) {
            return onMetric(rec, replay);
        }
        SearchEvent e = poison.decode(rec, EventSerde.SEARCH_EVENT);
        if (e == null) {
            return null;
        }
        SearchState s = state(e.searchId());
        if (s.finished && e.candidateId() == null
                && (e.type() == SearchEventType.WARM_START_PRIORS || e.type() == SearchEventType.STARTED)) {
            // the id of a finished search started again (its priors come first, then STARTED): a new run, whose
            // candidates have the old run's ids; learn it from scratch
            searches.remove(e.searchId());
            s = state(e.searchId());
            log.info("surrogate: search {} started again (a new run of a finished search's id): a new model",
                    e.searchId());
        }
        List<SurrogatePrediction> out = new ArrayList<>();
        switch (e.type()) {
            case CANDIDATE_STARTED, CANDIDATE_RESUMED -> {
                Pending p = pending(e.payload());
                if (p != null && !s.finished) {
                    double prior = Double.NaN;
                    if (s.model.ready()) {
                        SurrogatePrediction pr = predict(e.searchId(), s, p);
                        prior = pr.mean();
                        out.add(pr);
                    }
                    started(s, e.candidateId(), p, prior);
                }
            }
            case CANDIDATE_FINISHED -> {
                Pending p = s.pending.get(e.candidateId());
                Double value = finished(s, e);
                if (p == null) {
                    p = pending(e.payload());
                }
                if (p != null && value != null && s.model.addData(p.archHash(), p.encoding(), value)) {
                    // not part of this record's actions: the consumer neither waits for a fit (back-pressure) nor
                    // delays the offsets' commit behind it (a restart refits from the re-read records anyway)
                    scheduleFit(e.searchId(), s, replay);
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
            case WARM_START_PRIORS -> onPriors(e, s, replay);
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

    /**
     * A warm start's priors: the same-task ones become training data of the search's architecture model (one per
     * architecture hash: a repeated event, e.g. from an activity retry, adds nothing), and a fit is scheduled, which
     * then (live) publishes predictions for the candidates already pending. Transferred priors are skipped (another
     * scale: see the class comment). On replay the same records give the same rows in the same order.
     */
    private void onPriors(SearchEvent e, SearchState s, boolean replay) {
        if (s.finished) {
            return;
        }
        if (s.metric == null && e.payload().get("primaryMetric") instanceof String m && !m.isBlank()) {
            s.metric = m;
        }
        int added = 0;
        int transferred = 0;
        int repeated = 0;
        int unusable = 0;
        if (e.payload().get("priors") instanceof List<?> priors) {
            for (Object o : priors) {
                if (!(o instanceof Map<?, ?> m)) {
                    unusable++;
                    continue;
                }
                if (Boolean.TRUE.equals(m.get("transferred"))) {
                    transferred++;
                    continue;
                }
                double[] x = encoding(m.get("encoding"));
                if (!(m.get("archHash") instanceof String hash) || x == null
                        || !(m.get("value") instanceof Number v) || !Double.isFinite(v.doubleValue())) {
                    unusable++;
                } else if (s.model.addPrior(hash, x, v.doubleValue())) {
                    added++;
                } else {
                    repeated++;
                }
            }
        }
        String line = "surrogate: search {} warm start: {} same-task priors added to its training data ({} in all), "
                + "{} transferred skipped (another scale), {} already known, {} unusable{}";
        Object[] args = {e.searchId(), added, s.model.priors(), transferred, repeated, unusable,
                e.payload().get("chunks") instanceof Number n && n.intValue() > 1
                        ? " (chunk " + e.payload().get("chunk") + " of " + n + ")" : ""};
        warmStartLog(replay, line, args);
        learnPriorCurves(e, s, replay); // first: its out-of-fold fits go ahead of the architecture model's fit
        if (added > 0 && s.model.fitDueForPriors()) {
            scheduleFit(e.searchId(), s, replay);
        }
    }

    /**
     * The curves of a warm start's same-task priors, from their source searches (named in the event's
     * {@code sourceSearches}: searches, not a file; followed by this service or read back from the topics, see the
     * class comment): each same-task prior whose
     * architecture completed there with the very same final value is replayed into the search's learning-curve
     * model ({@link CurveSurrogate#learnPriors}) with an out-of-fold architecture prior (an ensemble fitted on the
     * other priors of the event: the prior it would have had as a candidate of this search), so that the model
     * predicts the search's first candidates from their first epoch, before any of them finished. Priors without such
     * a curve (a results file, a source whose records the topics no longer hold, another value) are counted in the
     * log; they pre-train the architecture model only.
     */
    private void learnPriorCurves(SearchEvent e, SearchState s, boolean replay) {
        if (!(e.payload().get("sourceSearches") instanceof List<?> sources) || sources.isEmpty()
                || !(e.payload().get("priors") instanceof List<?>)) {
            return;
        }
        List<SearchState> followed = new ArrayList<>();
        List<String> named = new ArrayList<>();
        boolean missing = false;
        for (Object id : sources) {
            if (id instanceof String sid && !sid.equals(e.searchId()) && !named.contains(sid)) {
                named.add(sid);
                SearchState src = searches.get(sid);
                if (src != null) {
                    followed.add(src);
                } else {
                    missing = true;
                }
            }
        }
        List<?> priors = (List<?>) e.payload().get("priors");
        if (!followed.isEmpty()) {
            learnPriorCurves(e, s, replay, sources, followed, followed.size()); // what the held sources give, at once
        }
        if (!missing && !priorWithoutCurve(priors, followed)) {
            return;
        }
        // a source this service does not hold (finished before its last start), or a prior the sources it holds have
        // no curve of (yet, or at all: another value, a file's): the sources are read back from the topics, off this
        // thread; their curves are then rebuilt and matched on this thread, and those not learnt yet are learnt
        List<CompletableFuture<ReadBack>> reads = new ArrayList<>();
        for (String sid : named) {
            reads.add(sourceReads.computeIfAbsent(sid, id -> CompletableFuture.supplyAsync(() -> {
                SourceSearches.Source src = SourceSearches.read(kafka, id, SOURCE_READ_WITHIN);
                return new ReadBack(src.withoutRecords(), src.events() > 0 ? rebuild(src) : null);
            }, sourceReader)));
        }
        CompletableFuture.allOf(reads.toArray(new CompletableFuture[0])).whenComplete((v, err) ->
                consumerTasks.add(() -> {
                    List<SearchState> all = new ArrayList<>();
                    java.util.Set<String> found = new java.util.HashSet<>();
                    for (String sid : named) {
                        if (searches.containsKey(sid)) {
                            found.add(sid);
                        }
                    }
                    for (CompletableFuture<ReadBack> f : reads) {
                        ReadBack back;
                        try {
                            back = f.join();
                        } catch (RuntimeException failed) {
                            sourceReads.values().remove(f); // read again at the next warm start that names it
                            log.warn("surrogate: search {} warm start: a source search could not be read from the "
                                    + "topics: {}", e.searchId(), failed.toString());
                            continue;
                        }
                        SourceSearches.Source src = back.source();
                        warmStartLog(replay, "surrogate: search {} warm start: source search {} read back from the "
                                + "topics: {} events, {} epochs ({} records polled, {} ms{})", new Object[] {
                                e.searchId(), src.searchId(), src.events(), src.metrics(), src.polled(), src.millis(),
                                src.complete() ? "" : "; not to the end in time: the curves read so far"});
                        if (!src.finished() || !src.complete()) {
                            sourceReads.values().remove(f); // it may still change: read again next time
                        }
                        if (back.state() != null) {
                            all.add(back.state());
                            found.add(src.searchId());
                        }
                    }
                    all.addAll(followed); // read back first: complete where the followed state may lag
                    if (!followed.isEmpty() && !curvesBeyond(priors, followed, all)) {
                        return; // nothing the held sources did not give already
                    }
                    learnPriorCurves(e, s, replay, sources, all, found.size());
                }));
    }

    /** A candidate started (or resumed): pending until it finishes, its curve begun with {@code prior}. */
    private static void started(SearchState s, String candidateId, Pending p, double prior) {
        s.pending.put(candidateId, p);
        if (p.metric() != null) {
            s.metric = p.metric();
        }
        if (!s.curves.knows(candidateId)) {
            s.curves.start(candidateId, prior);
        }
    }

    /**
     * A candidate finished: a completed one's curve becomes a finished curve and its architecture is remembered for
     * later warm starts; any other's curve is dropped. Returns the completed value (null otherwise).
     */
    private static Double finished(SearchState s, SearchEvent e) {
        Pending p = s.pending.remove(e.candidateId());
        if (p == null) {
            p = pending(e.payload());
        }
        Double value = finalValue(e.payload());
        if (value != null) {
            s.curves.finish(e.candidateId(), value);
            if (p != null) {
                s.completedByArch.put(p.archHash(), e.candidateId());
            }
        } else {
            s.curves.drop(e.candidateId());
        }
        return value;
    }

    /** The finished curve of {@code hash} in one of {@code sources} that ended at {@code value}; null if none. */
    private static double[] curveOf(String hash, double value, List<SearchState> sources) {
        for (SearchState src : sources) {
            String cid = src.completedByArch.get(hash);
            double[] c = cid == null ? null : src.curves.finishedCurve(cid);
            if (c != null && c.length >= 2 && sameValue(c[c.length - 1], value)) {
                return c;
            }
        }
        return null;
    }

    /** A same-task prior's architecture and value, as a warm start's event gives them. */
    private record PriorValue(String hash, double value) {
    }

    private static List<PriorValue> sameTaskValues(List<?> priors) {
        List<PriorValue> out = new ArrayList<>();
        for (Object o : priors) {
            if (o instanceof Map<?, ?> m && !Boolean.TRUE.equals(m.get("transferred"))
                    && m.get("archHash") instanceof String hash && m.get("value") instanceof Number v
                    && Double.isFinite(v.doubleValue())) {
                out.add(new PriorValue(hash, v.doubleValue()));
            }
        }
        return out;
    }

    /**
     * Whether a same-task prior of the event has no curve in {@code sources}: e.g. a source this service follows
     * but whose epochs (another topic) it has not read yet, as while it catches up on history.
     */
    private static boolean priorWithoutCurve(List<?> priors, List<SearchState> sources) {
        return sameTaskValues(priors).stream().anyMatch(p -> curveOf(p.hash(), p.value(), sources) == null);
    }

    /** Whether a same-task prior of the event has a curve in {@code more} but none in {@code sources}. */
    private static boolean curvesBeyond(List<?> priors, List<SearchState> sources, List<SearchState> more) {
        return sameTaskValues(priors).stream().anyMatch(p -> curveOf(p.hash(), p.value(), sources) == null
                && curveOf(p.hash(), p.value(), more) != null);
    }

    /**
     * A source search's finished curves and completed architectures, rebuilt from its records read back from the
     * topics as this service builds them live (an epoch before its candidate's start is kept; a finish before the
     * last epochs takes effect when the curve is complete); no model is fitted. Runs on the reader's thread: the state
     * is new, and only read (on the consumer thread) once the read's future completed.
     */
    private SearchState rebuild(SourceSearches.Source src) {
        SearchState st = new SearchState(new SurrogateModel(retrainEvery, 50, src.searchId().hashCode()), null);
        for (dev.nasflow.stream.StreamEvent r : src.records()) { // the watched metric, should an epoch come first
            Pending p = r instanceof SearchEvent e && e.candidateId() != null ? pending(e.payload()) : null;
            if (p != null && p.metric() != null) {
                st.metric = p.metric();
                break;
            }
        }
        for (dev.nasflow.stream.StreamEvent r : src.records()) {
            if (r instanceof EpochMetric m) {
                Pending p = st.pending.get(m.candidateId());
                String metric = p != null && p.metric() != null ? p.metric() : st.metric;
                if (metric != null && m.epoch() >= 1) {
                    st.curves.observe(m.candidateId(), m.epoch(), m.fidelity(), m.metric(metric));
                }
            } else if (r instanceof SearchEvent e) {
                switch (e.type()) {
                    case WARM_START_PRIORS -> {
                        if (st.metric == null && e.payload().get("primaryMetric") instanceof String m && !m.isBlank()) {
                            st.metric = m;
                        }
                    }
                    case CANDIDATE_STARTED, CANDIDATE_RESUMED -> {
                        Pending p = pending(e.payload());
                        if (p != null) {
                            started(st, e.candidateId(), p, Double.NaN);
                        }
                    }
                    case CANDIDATE_FINISHED -> finished(st, e);
                    default -> {
                    }
                }
            }
        }
        st.finished = true;
        return st;
    }

    private void learnPriorCurves(SearchEvent e, SearchState s, boolean replay, List<?> sources,
                                  List<SearchState> followed, int found) {
        List<?> priors = (List<?>) e.payload().get("priors");
        List<double[]> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        List<String> hashes = new ArrayList<>();
        List<double[]> curves = new ArrayList<>();
        int without = 0;
        for (Object o : priors) {
            if (!(o instanceof Map<?, ?> m) || Boolean.TRUE.equals(m.get("transferred"))) {
                continue;
            }
            double[] x = encoding(m.get("encoding"));
            if (!(m.get("archHash") instanceof String hash) || x == null || !(m.get("value") instanceof Number v)
                    || !Double.isFinite(v.doubleValue())) {
                continue;
            }
            xs.add(x);
            ys.add(v.doubleValue());
            hashes.add(hash);
            double[] curve = curveOf(hash, v.doubleValue(), followed);
            curves.add(curve);
            if (curve == null) {
                without++;
            }
        }
        String line = "surrogate: search {} warm start: {} prior curves learnt by its learning-curve model from "
                + "source searches {} ({} found: followed by this service or read back from the topics); {} same-task "
                + "priors without such a curve";
        int nFound = found;
        int nWithout = without;
        if (without == curves.size()) {
            Object[] args = {e.searchId(), 0, sources, nFound, nWithout};
            warmStartLog(replay, line, args);
            return;
        }
        // the out-of-fold fits (seconds for a thousand priors) run on the fit thread; the curves are then learnt
        // on this thread, before the next record or poll
        String searchId = e.searchId();
        CompletableFuture.supplyAsync(() -> SurrogateModel.outOfFold(xs, ys, PRIOR_FOLDS, searchId.hashCode()), fits)
                .thenAccept(oof -> consumerTasks.add(() -> {
                    List<CurveSurrogate.PriorCurve> pc = new ArrayList<>();
                    for (int i = 0; i < curves.size(); i++) {
                        if (curves.get(i) != null) {
                            pc.add(new CurveSurrogate.PriorCurve("prior:" + hashes.get(i), oof[i], curves.get(i)));
                        }
                    }
                    int learnt = s.curves.learnPriors(pc);
                    s.priorCurves += learnt;
                    Object[] args = {searchId, learnt, sources, nFound, nWithout};
                    warmStartLog(replay, line, args);
                }))
                .exceptionally(err -> {
                    log.warn("surrogate: search {} warm start: prior curves not learnt: {}", searchId, err.toString());
                    return null;
                });
    }

    /** A warm start's log line: at info live, at debug when re-read on restart. */
    private static void warmStartLog(boolean replay, String line, Object[] args) {
        if (replay) {
            log.debug(line, args);
        } else {
            log.info(line, args);
        }
    }

    private static boolean sameValue(double a, double b) {
        return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
    }

    /**
     * An epoch of a running candidate: the learning-curve model records it and, live, publishes the candidate's
     * predicted final value at once (null when the model cannot predict yet: no finished candidate reached this
     * epoch and the candidate's target).
     */
    private CompletableFuture<?> onMetric(ConsumerRecord<byte[], byte[]> rec, boolean replay) {
        EpochMetric m = poison.decode(rec, EventSerde.EPOCH_METRIC);
        if (m == null) {
            return null;
        }
        SearchState s = state(m.searchId());
        Pending p = s.pending.get(m.candidateId());
        String metric = p != null && p.metric() != null ? p.metric() : s.metric;
        if (s.finished || metric == null || m.epoch() < 1) {
            return null;
        }
        s.curves.observe(m.candidateId(), m.epoch(), m.fidelity(), m.metric(metric));
        if (replay || p == null) {
            return null; // p == null: the candidate's start event is not here yet (another topic); its curve is kept
        }
        CurveSurrogate.Estimate est = s.curves.predict(m.candidateId(), m.epoch());
        if (est == null) {
            return null;
        }
        SurrogatePrediction out = SurrogatePrediction.ofCandidate(m.searchId(), m.candidateId(), p.archHash(),
                p.arch(), m.epoch(), m.fidelity(), metric, est.mean(), Math.max(0, est.std()), s.curves.version(),
                new SurrogatePrediction.Quality(s.curves.kendallTau(), s.curves.rmse(), s.curves.qualityPairs()),
                est.trainedOn(), m.timestamp(), est.dof());
        observer.published(1);
        return publisher.publish(out);
    }

    /**
     * Fits the search's architecture model on the fit thread (at most one fit queued per search: it takes every
     * result recorded by the time it runs); then, live, publishes new predictions for the pending candidates.
     */
    private CompletableFuture<?> scheduleFit(String searchId, SearchState s, boolean replay) {
        if (!s.fitQueued.compareAndSet(false, true)) {
            return null;
        }
        return CompletableFuture.runAsync(() -> {
            s.fitQueued.set(false);
            s.model.fit();
            observer.retrained(searchId, s.model.version(), s.model.trainedOn(), s.model.kendallTau(),
                    s.model.rmse());
        }, fits).thenCompose(done -> {
            if (replay || s.finished) {
                return CompletableFuture.completedFuture(null);
            }
            List<Pending> ps;
            synchronized (s.pending) {
                ps = new ArrayList<>(s.pending.values());
            }
            List<CompletableFuture<?>> sends = new ArrayList<>();
            for (Pending q : ps) {
                sends.add(publisher.publish(predict(searchId, s, q)));
            }
            observer.published(sends.size());
            return CompletableFuture.allOf(sends.toArray(new CompletableFuture[0]));
        }).exceptionally(err -> {
            log.warn("surrogate: fit for search {} failed: {}", searchId, err.toString());
            return null;
        });
    }

    private SurrogatePrediction predict(String searchId, SearchState s, Pending p) {
        MlpEnsemble.Prediction pr = s.model.predict(p.archHash(), p.encoding());
        return SurrogatePrediction.ofArch(searchId, p.archHash(), p.arch(), pr.mean(), Math.max(0, pr.std()),
                s.model.version(), new SurrogatePrediction.Quality(s.model.kendallTau(), s.model.rmse(),
                        s.model.qualityPairs()), p.metric() != null ? p.metric() : s.metric, s.model.trainedOn());
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
        double[] x = encoding(payload.get("encoding"));
        if (!(arch instanceof String a) || !(hash instanceof String h) || x == null) {
            return null;
        }
        return new Pending(a, h, x, payload.get("primaryMetric") instanceof String m && !m.isBlank() ? m : null);
    }

    /** An architecture encoding as events carry it (a list of numbers); null when it is not one. */
    private static double[] encoding(Object enc) {
        if (!(enc instanceof List<?> list)) {
            return null;
        }
        double[] x = new double[list.size()];
        for (int i = 0; i < x.length; i++) {
            if (!(list.get(i) instanceof Number n)) {
                return null;
            }
            x[i] = n.doubleValue();
        }
        return x;
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
        fits.shutdownNow();
        sourceReader.shutdownNow();
        if (publisher != null) {
            publisher.close();
        }
        log.debug("surrogate closed");
    }
}
