package dev.nasflow.embedded;

import dev.nasflow.activity.CandidateTrainer;
import dev.nasflow.activity.KafkaTrainingEvents;
import dev.nasflow.activity.SearchActivitiesImpl;
import dev.nasflow.activity.SurrogateClient;
import dev.nasflow.activity.TrainingActivitiesImpl;
import dev.nasflow.activity.TrainingObserver;
import dev.nasflow.activity.Workers;
import dev.nasflow.spec.SpecValidator;
import dev.nasflow.stopping.StopperObserver;
import dev.nasflow.stopping.StopperService;
import dev.nasflow.stream.KafkaClients;
import dev.nasflow.stream.KafkaSettings;
import dev.nasflow.stream.MetricsPublisher;
import dev.nasflow.stream.TopicSettings;
import dev.nasflow.surrogate.SurrogateObserver;
import dev.nasflow.surrogate.SurrogateService;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.WorkerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A whole nasflow deployment in one process, for {@code nasflow dev}, {@code nasflow quickstart} and tests: Kafka
 * (embedded KRaft broker, or external), Temporal (in-process server, or external), a worker serving the task queue,
 * the early-stopping service and the surrogate service. Each part can be left out (e.g. workers in other processes).
 * {@link #close()} stops everything in reverse order.
 */
public final class DevStack implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DevStack.class);

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private EmbeddedKafka broker;
    private KafkaClients kafka;
    private EmbeddedTemporal temporal;
    private StopperService stopper;
    private SurrogateService surrogate;
    private final Builder b;

    private DevStack(Builder b) {
        this.b = b;
    }

    public static Builder builder(Path workDir) {
        return new Builder(workDir);
    }

    private DevStack start() {
        try {
            KafkaSettings ks = b.kafka;
            if (ks == null) {
                broker = EmbeddedKafka.start(b.workDir.resolve("kafka"));
                closeables.add(broker);
                ks = KafkaSettings.of(broker.bootstrapServers(), broker.clientProperties());
            }
            kafka = new KafkaClients(ks);
            kafka.ensureTopics(b.topics);
            temporal = EmbeddedTemporal.start(b.temporal);
            MetricsPublisher publisher = null;
            if (b.workerSlots > 0) {
                publisher = kafka.publisher("nasflow-worker");
                closeables.add(publisher); // closed after the workers (temporal) below
            }
            closeables.add(temporal);
            if (b.workerSlots > 0) {
                WorkerFactory factory = temporal.newWorkerFactory();
                TrainingActivitiesImpl training = new TrainingActivitiesImpl(b.trainers,
                        new KafkaTrainingEvents(publisher), b.trainingObserver);
                SearchActivitiesImpl search = new SearchActivitiesImpl(new SpecValidator(), publisher,
                        new SurrogateClient(kafka, publisher, b.surrogateTimeout, 0.9));
                for (String q : b.taskQueues) {
                    Workers.register(factory, q, TemporalClients.workerOptions(b.workerSlots), training, search);
                }
                factory.start();
            }
            if (b.stopper) {
                stopper = new StopperService(kafka, temporal.client(), null, b.stopperObserver).start();
                closeables.add(stopper);
            }
            if (b.surrogate) {
                surrogate = new SurrogateService(kafka, b.surrogateRetrainEvery, b.surrogateObserver).start();
                closeables.add(surrogate);
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
        private boolean surrogate = true;
        private int surrogateRetrainEvery = 5;
        private Duration surrogateTimeout = Duration.ofSeconds(3);
        private TrainingObserver trainingObserver = TrainingObserver.NONE;
        private StopperObserver stopperObserver = StopperObserver.NONE;
        private SurrogateObserver surrogateObserver = SurrogateObserver.NONE;

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

        public DevStack start() {
            return new DevStack(this).start();
        }
    }
}
