package dev.nasflow.wiring;

import dev.nasflow.embedded.EmbeddedKafka;
import dev.nasflow.embedded.EmbeddedTemporal;
import dev.nasflow.embedded.TemporalClients;
import dev.nasflow.embedded.TemporalSettings;
import dev.nasflow.activity.CandidateTrainer;
import dev.nasflow.activity.KafkaTrainingEvents;
import dev.nasflow.activity.StopBoard;
import dev.nasflow.activity.StopDecisionListener;
import dev.nasflow.activity.SearchActivitiesImpl;
import dev.nasflow.activity.SurrogateClient;
import dev.nasflow.activity.TrainingActivitiesImpl;
import dev.nasflow.activity.TrainingObserver;
import dev.nasflow.model.EpochReport;
import dev.nasflow.metrics.MetricsServer;
import dev.nasflow.metrics.NasflowMetrics;
import dev.nasflow.spec.SpecValidator;
import dev.nasflow.service.PredictionFeed;
import dev.nasflow.service.StopperObserver;
import dev.nasflow.service.StopperService;
import dev.nasflow.stream.KafkaClients;
import dev.nasflow.stream.KafkaSettings;
import dev.nasflow.stream.MetricsPublisher;
import dev.nasflow.stream.SearchEvent;
import dev.nasflow.stream.StopDecision;
import dev.nasflow.stream.TopicSettings;
import dev.nasflow.stream.Topics;
import dev.nasflow.model.Outcome;
import dev.nasflow.service.SurrogateObserver;
import dev.nasflow.service.SurrogateService;
import dev.nasflow.model.CandidateTask;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.WorkerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A whole nasflow deployment in one process, for {@code nasflow dev}, {@code nasflow quickstart} and tests: Kafka
 * (embedded KRaft broker, or external), Temporal (in-process server, or external), a worker serving the task queue,
 * the early-stopping service and the surrogate service. Each part can be left out (e.g. workers in other processes).
 * With metrics on ({@link Builder#metrics} or {@link Builder#serveMetrics}), every part reports to one
 * {@link NasflowMetrics}: training, stopping, surrogate and search meters, Kafka client metrics and consumer lag of the
 * services run here, the Temporal SDK's metrics, JVM metrics. {@link #close()} stops everything in reverse order.
 */
public final class DevStack implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DevStack.class);

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private EmbeddedKafka broker;
    private KafkaClients kafka;
    private EmbeddedTemporal temporal;
    private StopperService stopper;
    private SurrogateService surrogate;
    private NasflowMetrics metrics;
    private MetricsServer metricsServer;
    private final Builder b;

    private DevStack(Builder b) {
        this.b = b;
    }

    public static Builder builder(Path workDir) {
        return new Builder(workDir);
    }

    private DevStack start() {
        try {
            metrics = b.metrics;
            if (metrics == null && b.metricsPort >= 0) {
                metrics = NasflowMetrics.prometheus(b.metricsRole);
                closeables.add(metrics); // closed last
                metricsServer = MetricsServer.start(metrics.prometheusRegistry(), b.metricsBind, b.metricsPort);
                closeables.add(metricsServer);
            }
            KafkaSettings ks = b.kafka;
            if (ks == null) {
                broker = EmbeddedKafka.start(b.workDir.resolve("kafka"));
                closeables.add(broker);
                ks = KafkaSettings.of(broker.bootstrapServers(), broker.clientProperties());
            }
            kafka = new KafkaClients(ks);
            if (metrics != null) {
                kafka.metricsBinder(metrics.kafkaBinder());
            }
            kafka.ensureTopics(b.topics);
            temporal = EmbeddedTemporal.start(b.temporal,
                    metrics == null ? null : metrics.temporalScope(b.metricsInterval));
            MetricsPublisher publisher = null;
            if (b.workerSlots > 0) {
                publisher = kafka.publisher("nasflow-worker");
                closeables.add(publisher); // closed after the workers (temporal) below
            }
            closeables.add(temporal);
            if (b.workerSlots > 0) {
                WorkerFactory factory = temporal.newWorkerFactory();
                TrainingActivitiesImpl training = new TrainingActivitiesImpl(b.trainers,
                        new KafkaTrainingEvents(publisher), observer(b.trainingObserver));
                SearchActivitiesImpl search = new SearchActivitiesImpl(new SpecValidator(), publisher,
                        new SurrogateClient(kafka, publisher, b.surrogateTimeout, 0.9));
                for (String q : b.taskQueues) {
                    Workers.register(factory, q, TemporalClients.workerOptions(b.workerSlots), training, search);
                }
                factory.start();
                // stops reach this process's training loops from the stop-decisions topic
                StopDecisionListener stops = StopDecisionListener.start(kafka, StopBoard.PROCESS);
                closeables.add(stops);
                try {
                    if (!stops.awaitReady(java.time.Duration.ofSeconds(30))) {
                        log.warn("stop-decision listener not ready after 30 s: early stops may not reach workers");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            Map<String, List<String>> groups = new LinkedHashMap<>();
            if (b.stopper) {
                if (metrics != null) {
                    metrics.watchStopper();
                }
                // the surrogate rule reads the surrogate service's candidate predictions (wherever it runs)
                PredictionFeed feed = PredictionFeed.start(kafka);
                closeables.add(feed);
                try {
                    if (!feed.awaitReady(Duration.ofSeconds(30))) {
                        log.warn("prediction feed not ready after 30 s: the surrogate rule may fall back to median");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                stopper = new StopperService(kafka, temporal.client(), null, observer(b.stopperObserver))
                        .predictionFeed(feed, b.predictionWait)
                        .watchEvery(b.stopperWatchEvery).start();
                closeables.add(stopper);
                groups.put(StopperService.GROUP_ID, List.of(Topics.EPOCH_METRICS, Topics.SEARCH_EVENTS));
            }
            if (b.surrogate) {
                surrogate = new SurrogateService(kafka, b.surrogateRetrainEvery, observer(b.surrogateObserver))
                        .start();
                closeables.add(surrogate);
                groups.put(SurrogateService.GROUP_ID, List.of(Topics.SEARCH_EVENTS, Topics.EPOCH_METRICS));
            }
            if (metrics != null && !groups.isEmpty()) {
                closeables.add(metrics.monitorLag(kafka, groups, b.metricsInterval));
            }
            return this;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    public KafkaClients kafka() {
        return kafka;
    }

    public String kafkaBootstrap() {
        return kafka.settings().bootstrapServers();
    }

    /** The embedded broker, or null when an external Kafka is used. */
    public EmbeddedKafka broker() {
        return broker;
    }

    public EmbeddedTemporal temporal() {
        return temporal;
    }

    public WorkflowClient client() {
        return temporal.client();
    }

    public StopperService stopper() {
        return stopper;
    }

    public SurrogateService surrogate() {
        return surrogate;
    }

    /** The metrics every part reports to, or null when metrics are off. */
    public NasflowMetrics metrics() {
        return metrics;
    }

    /** The Prometheus endpoint, or null when this stack serves none ({@link Builder#serveMetrics}). */
    public MetricsServer metricsServer() {
        return metricsServer;
    }

    private TrainingObserver observer(TrainingObserver o) {
        return metrics == null ? o : new Fanout(o, metrics);
    }

    private StopperObserver observer(StopperObserver o) {
        return metrics == null ? o : new Fanout(o, metrics);
    }

    private SurrogateObserver observer(SurrogateObserver o) {
        return metrics == null ? o : new Fanout(o, metrics);
    }

    /** The caller's observer, then the meters. */
    private static final class Fanout implements TrainingObserver, StopperObserver, SurrogateObserver {
        private final Object first;
        private final NasflowMetrics m;

        Fanout(Object first, NasflowMetrics m) {
            this.first = first;
            this.m = m;
        }

        @Override
        public void started(CandidateTask task) {
            ((TrainingObserver) first).started(task);
            m.started(task);
        }

        @Override
        public void epoch(CandidateTask task, EpochReport report) {
            ((TrainingObserver) first).epoch(task, report);
            m.epoch(task, report);
        }

        @Override
        public void cancelled(CandidateTask task, int epoch) {
            ((TrainingObserver) first).cancelled(task, epoch);
            m.cancelled(task, epoch);
        }

        @Override
        public void finished(CandidateTask task, Outcome outcome, int epochs) {
            ((TrainingObserver) first).finished(task, outcome, epochs);
            m.finished(task, outcome, epochs);
        }

        @Override
        public void decided(StopDecision decision, String outcome) {
            ((StopperObserver) first).decided(decision, outcome);
            m.decided(decision, outcome);
        }

        @Override
        public void searchEvent(SearchEvent event) {
            ((StopperObserver) first).searchEvent(event);
            m.searchEvent(event);
        }

        @Override
        public void retrained(String searchId, long version, int results, double kendallTau, double rmse) {
            ((SurrogateObserver) first).retrained(searchId, version, results, kendallTau, rmse);
            m.retrained(searchId, version, results, kendallTau, rmse);
        }

        @Override
        public void published(int predictions) {
            ((SurrogateObserver) first).published(predictions);
            m.published(predictions);
        }
    }

    @Override
    public void close() {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                log.warn("closing {}: {}", closeables.get(i).getClass().getSimpleName(), e.toString());
            }
        }
        closeables.clear();
    }

    public static final class Builder {
        private final Path workDir;
        private KafkaSettings kafka;
        private TemporalSettings temporal = TemporalSettings.embedded();
        private TopicSettings topics = TopicSettings.defaults();
        private List<String> taskQueues = List.of("nasflow");
        private int workerSlots = 4;
        private List<CandidateTrainer> trainers = List.of();
        private boolean stopper = true;
        private Duration stopperWatchEvery = Duration.ofSeconds(5);
        private Duration predictionWait = StopperService.PREDICTION_WAIT;
        private boolean surrogate = true;
        private int surrogateRetrainEvery = 5;
        private Duration surrogateTimeout = Duration.ofSeconds(3);
        private TrainingObserver trainingObserver = TrainingObserver.NONE;
        private StopperObserver stopperObserver = StopperObserver.NONE;
        private SurrogateObserver surrogateObserver = SurrogateObserver.NONE;
        private NasflowMetrics metrics;
        private int metricsPort = -1;
        private String metricsBind = MetricsServer.DEFAULT_BIND;
        private String metricsRole = "dev";
        private Duration metricsInterval = Duration.ofSeconds(5);

        private Builder(Path workDir) {
            this.workDir = workDir;
        }

        /** External Kafka; null = start the embedded broker under the work dir. */
        public Builder kafka(KafkaSettings settings) {
            this.kafka = settings;
            return this;
        }

        /** External Temporal when the settings name an address; else the in-process server. */
        public Builder temporal(TemporalSettings settings) {
            this.temporal = settings;
            return this;
        }

        public Builder topics(TopicSettings topics) {
            this.topics = topics;
            return this;
        }

        public Builder taskQueues(List<String> queues) {
            this.taskQueues = List.copyOf(queues);
            return this;
        }

        /** Concurrent activity slots of the in-process worker; 0 = no worker in this process. */
        public Builder workerSlots(int slots) {
            this.workerSlots = slots;
            return this;
        }

        public Builder trainers(List<CandidateTrainer> trainers) {
            this.trainers = List.copyOf(trainers);
            return this;
        }

        /** How often the stopper checks that live searches still run (terminated / timed out: it says so). */
        public Builder stopperWatchEvery(Duration every) {
            this.stopperWatchEvery = every;
            return this;
        }

        /** How long the surrogate rule waits for the prediction made from an epoch before the median fallback. */
        public Builder predictionWait(Duration wait) {
            this.predictionWait = wait;
            return this;
        }

        public Builder stopper(boolean on) {
            this.stopper = on;
            return this;
        }

        public Builder surrogate(boolean on) {
            this.surrogate = on;
            return this;
        }

        public Builder surrogateRetrainEvery(int n) {
            this.surrogateRetrainEvery = n;
            return this;
        }

        public Builder surrogateTimeout(Duration timeout) {
            this.surrogateTimeout = timeout;
            return this;
        }

        public Builder trainingObserver(TrainingObserver o) {
            this.trainingObserver = o;
            return this;
        }

        public Builder stopperObserver(StopperObserver o) {
            this.stopperObserver = o;
            return this;
        }

        public Builder surrogateObserver(SurrogateObserver o) {
            this.surrogateObserver = o;
            return this;
        }

        /**
         * Report to these metrics (owned by the caller: the stack does not close them, nor serve them). Overrides
         * {@link #serveMetrics}.
         */
        public Builder metrics(NasflowMetrics metrics) {
            this.metrics = metrics;
            return this;
        }

        /**
         * Serve Prometheus metrics on {@code bind:port} (port 0 = any free port, see {@link #metricsServer()}), from a
         * registry the stack owns, with the common tag {@code role}.
         */
        public Builder serveMetrics(String bind, int port, String role) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("metrics port " + port + " is outside 0..65535");
            }
            this.metricsBind = bind == null ? MetricsServer.DEFAULT_BIND : bind;
            this.metricsPort = port;
            this.metricsRole = role == null ? "dev" : role;
            return this;
        }

        /** How often Temporal SDK metrics are reported and consumer lag is computed (default 5 s). */
        public Builder metricsInterval(Duration every) {
            if (every.isNegative() || every.isZero()) {
                throw new IllegalArgumentException("metrics interval must be positive, got " + every);
            }
            this.metricsInterval = every;
            return this;
        }

        public DevStack start() {
            return new DevStack(this).start();
        }
    }
}
