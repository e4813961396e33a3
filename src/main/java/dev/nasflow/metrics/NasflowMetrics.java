package dev.nasflow.metrics;

import com.uber.m3.tally.RootScopeBuilder;
import com.uber.m3.tally.Scope;
import dev.nasflow.model.EpochReport;
import dev.nasflow.activity.TrainingObserver;
import dev.nasflow.service.StopperObserver;
import dev.nasflow.stopping.StoppingRules;
import dev.nasflow.model.Outcome;
import dev.nasflow.stream.KafkaClients;
import dev.nasflow.stream.SearchEvent;
import dev.nasflow.stream.StopDecision;
import dev.nasflow.service.SurrogateObserver;
import dev.nasflow.model.CandidateTask;
import dev.nasflow.model.SearchEventType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.temporal.common.reporter.MicrometerClientStatsReporter;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * nasflow's Micrometer meters, fed by the hooks of the worker ({@link TrainingObserver}), the early-stopping service
 * ({@link StopperObserver}, which also sees every search event) and the surrogate service ({@link SurrogateObserver}).
 * It also binds Kafka client metrics ({@link #kafkaBinder()}), consumer lag ({@link #monitorLag}), the Temporal SDK's
 * metrics ({@link #temporalScope(Duration)}) and JVM/process metrics ({@link #bindJvmMetrics()}).
 *
 * <p>Tags stay low-cardinality: outcome, rule, result, clock, search id (per-search gauges, at most
 * {@link #MAX_SEARCHES} searches at a time) — never candidate ids. Names follow Micrometer's conventions (dotted,
 * base unit seconds); in Prometheus they read {@code nasflow_candidates_finished_total{outcome="stopped_early"}},
 * {@code nasflow_training_epoch_duration_seconds_bucket}, etc.
 *
 * <table>
 * <caption>Meters</caption>
 * <tr><td>nasflow.searches.running</td><td>gauge (stopper)</td><td>searches started and not yet ended</td></tr>
 * <tr><td>nasflow.search.best.objective</td><td>gauge (stopper), tags search, metric</td><td>best primary objective so far</td></tr>
 * <tr><td>nasflow.search.evaluations</td><td>gauge (stopper), tag search</td><td>candidates finished</td></tr>
 * <tr><td>nasflow.search.generation</td><td>gauge (stopper), tag search</td><td>current generation</td></tr>
 * <tr><td>nasflow.candidates.started</td><td>counter (worker)</td><td>training activities started</td></tr>
 * <tr><td>nasflow.candidates.finished</td><td>counter (worker), tag outcome</td><td>completed, stopped_early,
 * failed, diverged, infeasible</td></tr>
 * <tr><td>nasflow.candidates.training</td><td>gauge (worker)</td><td>candidates training now</td></tr>
 * <tr><td>nasflow.training.epoch.duration</td><td>timer (worker)</td><td>wall time of one epoch</td></tr>
 * <tr><td>nasflow.training.simulated</td><td>counter, seconds (worker)</td><td>simulated training time (table
 * trainer)</td></tr>
 * <tr><td>nasflow.stopping.decisions</td><td>counter (stopper), tags rule, result</td><td>early-stop decisions;
 * result accepted, rejected or undelivered</td></tr>
 * <tr><td>nasflow.stopping.latency</td><td>timer (stopper)</td><td>metric published → decision</td></tr>
 * <tr><td>nasflow.stopping.time.saved</td><td>counter, seconds (worker), tag clock</td><td>training time not
 * spent thanks to stopping: wall (epochs left × the candidate's mean epoch time) and simulated</td></tr>
 * <tr><td>nasflow.stopping.epochs.saved</td><td>counter (worker)</td><td>epochs not trained</td></tr>
 * <tr><td>nasflow.surrogate.kendall.tau / .rmse</td><td>gauges (surrogate), tag search</td><td>held-back rank
 * quality of the latest model</td></tr>
 * <tr><td>nasflow.surrogate.retrains / .predictions</td><td>counters (surrogate)</td><td></td></tr>
 * <tr><td>nasflow.kafka.consumer.lag</td><td>gauge, records, tags group, topic</td><td>end offset minus committed
 * offset, summed over partitions ({@link ConsumerLagMonitor})</td></tr>
 * </table>
 */
public final class NasflowMetrics implements TrainingObserver, StopperObserver, SurrogateObserver, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NasflowMetrics.class);

    /** Per-search gauges kept at most for this many searches (running ones first, then the most recent). */
    public static final int MAX_SEARCHES = 20;

    /** Outcome tag values, one per {@link Outcome}. */
    public static String outcomeTag(Outcome o) {
        return o.name().toLowerCase(Locale.ROOT);
    }

    private static final Duration[] LATENCY_SLOS = {
            Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
            Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1)};
    private static final Duration[] EPOCH_SLOS = {
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(30),
            Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofHours(1)};

    private final MeterRegistry registry;
    private final List<AutoCloseable> owned = new ArrayList<>();
    private final Object lock = new Object();

    // worker
    private final Counter candidatesStarted;
    private final Map<Outcome, Counter> candidatesFinished = new EnumMap<>(Outcome.class);
    private final AtomicInteger training = new AtomicInteger();
    private final Timer epochDuration;
    private final Counter simulatedSeconds;
    private final Counter savedWall;
    private final Counter savedSimulated;
    private final Counter epochsSaved;
    private final Map<String, Progress> inFlight = new ConcurrentHashMap<>();

    // stopper
    private final Map<String, Counter> decisions = new ConcurrentHashMap<>();
    private Timer stopLatency;
    private final Map<String, SearchGauges> searches = new LinkedHashMap<>();
    private final AtomicLong searchSeq = new AtomicLong();
    private volatile boolean watchingSearches;

    // surrogate
    private final Counter retrains;
    private final Counter predictions;
    private final Map<String, SurrogateGauges> surrogates = new LinkedHashMap<>();

    /** Per-candidate running sums (memory only, never tags). */
    private static final class Progress {
        int epochs;
        long wallMillis;
        double simSeconds;
    }

    private final class SearchGauges {
        final String searchId;
        volatile boolean running = true;
        /** Its final event was seen (a later STARTED of the same id is a new run). */
        volatile boolean ended;
        volatile String primaryMetric;
        volatile double best = Double.NaN;
        final AtomicInteger evaluations = new AtomicInteger();
        final AtomicInteger generation = new AtomicInteger();
        long touched;
        final List<Meter> meters = new ArrayList<>();

        SearchGauges(String searchId) {
            this.searchId = searchId;
            touched = searchSeq.incrementAndGet();
            meters.add(Gauge.builder("nasflow.search.evaluations", evaluations, AtomicInteger::get)
                    .description("Candidates of the search that finished (any outcome)")
                    .tag("search", searchId).register(registry));
            meters.add(Gauge.builder("nasflow.search.generation", generation, AtomicInteger::get)
                    .description("Generation the search is in (0-based)").tag("search", searchId).register(registry));
        }

        void registerBest(String metric) {
            if (primaryMetric != null) {
                return;
            }
            primaryMetric = metric;
            meters.add(Gauge.builder("nasflow.search.best.objective", this, g -> g.best)
                    .description("Best value of the search's primary objective so far")
                    .tags("search", searchId, "metric", metric).register(registry));
        }

        void remove() {
            meters.forEach(registry::remove);
        }
    }

    private final class SurrogateGauges {
        volatile double tau = Double.NaN;
        volatile double rmse = Double.NaN;
        long touched;
        final List<Meter> meters = new ArrayList<>();

        SurrogateGauges(String searchId) {
            touched = searchSeq.incrementAndGet();
            meters.add(Gauge.builder("nasflow.surrogate.kendall.tau", this, g -> g.tau)
                    .description("Kendall rank correlation of the surrogate's predictions on held-back results")
                    .tag("search", searchId).register(registry));
            meters.add(Gauge.builder("nasflow.surrogate.rmse", this, g -> g.rmse)
                    .description("Root-mean-square error of the surrogate's predictions on held-back results")
                    .tag("search", searchId).register(registry));
        }
    }

    public NasflowMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        candidatesStarted = Counter.builder("nasflow.candidates.started")
                .description("Candidate training activities started").register(registry);
        for (Outcome o : Outcome.values()) {
            candidatesFinished.put(o, Counter.builder("nasflow.candidates.finished")
                    .description("Candidate training activities finished, by outcome")
                    .tag("outcome", outcomeTag(o)).register(registry));
        }
        Gauge.builder("nasflow.candidates.training", training, AtomicInteger::get)
                .description("Candidates training in this process now").register(registry);
        epochDuration = Timer.builder("nasflow.training.epoch.duration")
                .description("Wall time of one training epoch").serviceLevelObjectives(EPOCH_SLOS)
                .register(registry);
        simulatedSeconds = Counter.builder("nasflow.training.simulated").baseUnit("seconds")
                .description("Simulated training time of the epochs trained (table trainer)").register(registry);
        savedWall = Counter.builder("nasflow.stopping.time.saved").baseUnit("seconds").tag("clock", "wall")
                .description("Training time not spent thanks to early stopping").register(registry);
        savedSimulated = Counter.builder("nasflow.stopping.time.saved").baseUnit("seconds")
                .tag("clock", "simulated")
                .description("Training time not spent thanks to early stopping").register(registry);
        epochsSaved = Counter.builder("nasflow.stopping.epochs.saved")
                .description("Epochs not trained thanks to early stopping").register(registry);
        retrains = Counter.builder("nasflow.surrogate.retrains").description("Surrogate model retrains")
                .register(registry);
        predictions = Counter.builder("nasflow.surrogate.predictions")
                .description("Surrogate predictions published").register(registry);
    }

    /**
     * A Prometheus registry with nasflow's meter filters ({@link MeterFilters}), the common tag
     * {@code role=<role>} (dev, worker, stopper, surrogate, quickstart) and JVM/process metrics bound.
     */
    public static NasflowMetrics prometheus(String role) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MeterFilters.configure(registry, role);
        NasflowMetrics m = new NasflowMetrics(registry);
        m.bindJvmMetrics();
        return m;
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The registry as Prometheus text, or null when it is not a Prometheus registry. */
    public PrometheusMeterRegistry prometheusRegistry() {
        return registry instanceof PrometheusMeterRegistry p ? p : null;
    }

    /** JVM memory, GC, threads, class loading, CPU, file descriptors and uptime. */
    public NasflowMetrics bindJvmMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        own(gc);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        return this;
    }

    /**
     * A tally scope reporting the Temporal SDK's metrics into this registry (through
     * {@link MicrometerClientStatsReporter}); set it on the service stubs. Closed with this object.
     */
    public Scope temporalScope(Duration reportEvery) {
        Scope scope = new RootScopeBuilder()
                .reporter(new MicrometerClientStatsReporter(registry))
                .reportEvery(com.uber.m3.util.Duration.ofMillis(reportEvery.toMillis()));
        // the reporter closes the registry when the scope closes: close it last, with the registry
        synchronized (lock) {
            owned.add(0, scope);
        }
        return scope;
    }

    /** Binds Micrometer's {@link KafkaClientMetrics} to the clients a {@link KafkaClients} binds. */
    public KafkaClients.ClientMetricsBinder kafkaBinder() {
        return new KafkaClients.ClientMetricsBinder() {
            @Override
            public AutoCloseable producer(Producer<?, ?> producer) {
                return bind(new KafkaClientMetrics(producer));
            }

            @Override
            public AutoCloseable consumer(Consumer<?, ?> consumer) {
                return bind(new KafkaClientMetrics(consumer));
            }

            private AutoCloseable bind(KafkaClientMetrics m) {
                m.bindTo(registry);
                own(m);
                return () -> {
                    synchronized (lock) {
                        owned.remove(m);
                    }
                    m.close();
                };
            }
        };
    }

    /**
     * Consumer lag of {@code groups} (group → topics it consumes), computed every {@code every} from the committed
     * and end offsets; closed with this object.
     */
    public ConsumerLagMonitor monitorLag(KafkaClients kafka, Map<String, List<String>> groups, Duration every) {
        ConsumerLagMonitor m = new ConsumerLagMonitor(kafka, registry, groups, every).start();
        own(m);
        return m;
    }

    /**
     * Registers the stopper's meters up front (done where the stopper runs): {@code nasflow.searches.running}, the
     * decision counters of every rule at 0 and the stop-latency timer, so that rates see their first increase.
     */
    public NasflowMetrics watchStopper() {
        synchronized (lock) {
            if (!watchingSearches) {
                watchingSearches = true;
                Gauge.builder("nasflow.searches.running", this, NasflowMetrics::searchesRunning)
                        .description("Searches started and not yet completed, failed or cancelled")
                        .register(registry);
                for (String rule : StoppingRules.NAMES) {
                    if (!"none".equals(rule)) {
                        for (String result : List.of("accepted", "rejected", "undelivered")) {
                            decisionCounter(rule, result);
                        }
                    }
                }
                stopLatency();
            }
        }
        return this;
    }

    /** Closes something with this object (before the registry). */
    public void own(AutoCloseable c) {
        synchronized (lock) {
            owned.add(c);
        }
    }

    // ---- worker: TrainingObserver ----

    @Override
    public void started(CandidateTask task) {
        candidatesStarted.increment();
        training.incrementAndGet();
        inFlight.put(task.candidateId(), new Progress());
    }

    @Override
    public void epoch(CandidateTask task, EpochReport report) {
        epochDuration.record(Duration.ofMillis(report.wallMillis()));
        if (report.simSeconds() > 0) {
            simulatedSeconds.increment(report.simSeconds());
        }
        Progress p = inFlight.get(task.candidateId());
        if (p != null) {
            synchronized (p) {
                p.epochs++;
                p.wallMillis += report.wallMillis();
                p.simSeconds += report.simSeconds();
            }
        }
    }

    @Override
    public void finished(CandidateTask task, Outcome outcome, int epochs) {
        candidatesFinished.get(outcome).increment();
        Progress p = inFlight.remove(task.candidateId());
        if (p != null) {
            training.decrementAndGet();
        }
        int left = task.epochs() - epochs;
        if (outcome == Outcome.STOPPED_EARLY && left > 0) {
            epochsSaved.increment(left);
            if (p != null && p.epochs > 0) {
                synchronized (p) {
                    savedWall.increment(left * (p.wallMillis / 1000.0) / p.epochs);
                    savedSimulated.increment(left * p.simSeconds / p.epochs);
                }
            }
        }
    }

    // ---- stopper: StopperObserver ----

    @Override
    public void decided(StopDecision decision, String outcome) {
        String result = outcome == null ? "undelivered" : outcome.startsWith("rejected") ? "rejected"
                : outcome.startsWith("not delivered") ? "undelivered" : "accepted";
        decisionCounter(decision.rule(), result).increment();
        if (decision.metricPublishedAtMs() > 0) {
            stopLatency().record(Duration.ofMillis(decision.latencyMs()));
        }
    }

    private Counter decisionCounter(String rule, String result) {
        return decisions.computeIfAbsent(rule + "\u0000" + result, k -> Counter.builder("nasflow.stopping.decisions")
                .description("Early-stopping decisions, by rule and by the workflow's answer")
                .tags("rule", rule, "result", result).register(registry));
    }

    private synchronized Timer stopLatency() {
        if (stopLatency == null) {
            stopLatency = Timer.builder("nasflow.stopping.latency")
                    .description("Time from an epoch metric's publication to the stop decision it triggered")
                    .serviceLevelObjectives(LATENCY_SLOS).register(registry);
        }
        return stopLatency;
    }

    @Override
    public void searchEvent(SearchEvent e) {
        synchronized (lock) {
            SearchGauges g = searches.get(e.searchId());
            if (g != null && g.ended && e.type() == SearchEventType.STARTED && e.candidateId() == null) {
                // the id of a finished search started again: a new run, counted from zero
                g.remove();
                searches.remove(e.searchId());
                g = null;
            }
            if (g == null) {
                g = new SearchGauges(e.searchId());
                searches.put(e.searchId(), g);
                evict(searches.values(), sg -> !sg.running, sg -> sg.touched, SearchGauges::remove);
            }
            g.touched = searchSeq.incrementAndGet();
            Map<String, Object> p = e.payload();
            if (p.get("primaryMetric") instanceof String metric && !metric.isBlank()) {
                g.registerBest(metric);
            }
            if (e.generation() != null) {
                g.generation.accumulateAndGet(e.generation(), Math::max);
            }
            if (p.get("generation") instanceof Number n) {
                g.generation.accumulateAndGet(n.intValue(), Math::max);
            }
            switch (e.type()) {
                case STARTED, RESUMED, CONTINUED_AS_NEW -> g.running = true;
                case CANDIDATE_FINISHED -> g.evaluations.incrementAndGet();
                case GENERATION_FINISHED -> updateBest(g, p);
                case COMPLETED, FAILED, CANCELLED, TERMINATED, TIMED_OUT -> {
                    g.running = false;
                    g.ended = true;
                    updateBest(g, p);
                    if (p.get("evaluations") instanceof Number n) {
                        g.evaluations.set(n.intValue());
                    }
                }
                default -> {
                }
            }
        }
    }

    private static void updateBest(SearchGauges g, Map<String, Object> payload) {
        if (g.primaryMetric != null && payload.get("bestMetrics") instanceof Map<?, ?> m
                && m.get(g.primaryMetric) instanceof Number n && Double.isFinite(n.doubleValue())) {
            g.best = n.doubleValue();
        }
    }

    private double searchesRunning() {
        synchronized (lock) {
            return searches.values().stream().filter(g -> g.running).count();
        }
    }

    // ---- surrogate: SurrogateObserver ----

    @Override
    public void retrained(String searchId, long version, int results, double kendallTau, double rmse) {
        retrains.increment();
        synchronized (lock) {
            SurrogateGauges g = surrogates.get(searchId);
            if (g == null) {
                g = new SurrogateGauges(searchId);
                surrogates.put(searchId, g);
                evict(surrogates.values(), sg -> true, sg -> sg.touched, sg -> sg.meters.forEach(registry::remove));
            }
            g.touched = searchSeq.incrementAndGet();
            if (Double.isFinite(kendallTau)) {
                g.tau = kendallTau;
            }
            if (Double.isFinite(rmse)) {
                g.rmse = rmse;
            }
        }
    }

    @Override
    public void published(int n) {
        predictions.increment(n);
    }

    /** Drops the least recently touched evictable entries beyond {@link #MAX_SEARCHES}. */
    private static <G> void evict(Collection<G> all, Predicate<G> evictable, ToLongFunction<G> touched,
                                  java.util.function.Consumer<G> remove) {
        if (all.size() <= MAX_SEARCHES) {
            return;
        }
        List<G> candidates = all.stream().filter(evictable).sorted(Comparator.comparingLong(touched)).toList();
        int excess = all.size() - MAX_SEARCHES;
        List<G> drop = candidates.subList(0, Math.min(excess, candidates.size()));
        for (G g : drop) {
            remove.accept(g);
        }
        all.removeAll(new ArrayList<>(drop)); // values() of the map: removes the entries
    }

    @Override
    public void close() {
        List<AutoCloseable> toClose;
        synchronized (lock) {
            toClose = new ArrayList<>(owned);
            owned.clear();
        }
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (Exception e) {
                log.debug("closing {}: {}", toClose.get(i).getClass().getSimpleName(), e.toString());
            }
        }
        registry.close();
    }
}
