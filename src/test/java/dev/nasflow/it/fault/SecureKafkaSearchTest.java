package dev.nasflow.it.fault;

import dev.nasflow.wiring.DevStack;
import dev.nasflow.embedded.EmbeddedKafka;
import dev.nasflow.embedded.EmbeddedKafka.SaslMechanism;
import dev.nasflow.embedded.TemporalDevServer;
import dev.nasflow.embedded.TlsMaterial;
import dev.nasflow.stream.EpochMetric;
import dev.nasflow.stream.EventSerde;
import dev.nasflow.stream.KafkaClients;
import dev.nasflow.stream.KafkaSettings;
import dev.nasflow.stream.StopDecision;
import dev.nasflow.stream.SurrogatePrediction;
import dev.nasflow.testing.Slow;
import dev.nasflow.model.CandidateResult;
import dev.nasflow.api.SearchResult;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scenario 6, security: a small search against an embedded broker whose only client listener is SASL_SSL
 * (SCRAM-SHA-512 over TLS, certificates generated here). The training worker is a separate {@code nasflow worker}
 * process given the settings with {@code --kafka-properties}; the stopper and the surrogate get them through
 * {@link KafkaSettings}. Every client nasflow builds connects: the worker publishes every epoch and candidate event,
 * the stopper reads them and publishes its decisions, the surrogate publishes predictions. A client without the
 * security settings is refused.
 */
@Slow
class SecureKafkaSearchTest {
    static final String QUEUE = "fault-secure";

    @Test
    void everyNasflowClientConnectsOverSaslSsl(@TempDir Path dir) throws Exception {
        long t0 = System.nanoTime();
        TlsMaterial tls = TlsMaterial.generate(dir.resolve("tls"));
        List<NasflowProcess> procs = new ArrayList<>();
        try (EmbeddedKafka broker = EmbeddedKafka.builder(dir.resolve("kafka"))
                .saslSsl(tls, Map.of("nasflow", "s3cret-" + Long.toHexString(System.nanoTime()))).start()) {
            Map<String, String> client = broker.clientProperties("nasflow", SaslMechanism.SCRAM_SHA_512);
            KafkaSettings secure = KafkaSettings.of(broker.bootstrapServers(), client);
            Path props = dir.resolve("kafka-client.properties");
            Properties p = new Properties();
            client.forEach((k, v) -> {
                if (!k.equals("bootstrap.servers")) {
                    p.setProperty(k, v);
                }
            });
            try (OutputStream out = Files.newOutputStream(props)) {
                p.store(out, "SASL_SSL client settings for the worker process");
            }
            try (TemporalDevServer server = Fault.devServerIfInstalled(dir.resolve("temporal"));
                 DevStack stack = DevStack.builder(dir.resolve("stack")).kafka(secure)
                         .temporal(Fault.settingsOf(server)).taskQueues(List.of(QUEUE)).workerSlots(0)
                         .surrogateRetrainEvery(3).start()) {
                NasflowProcess worker = NasflowProcess.start("secure-worker", Path.of("target", "reliability", "logs",
                        "secure"), List.of("worker", "--temporal", stack.temporal().address(), "--kafka",
                        broker.bootstrapServers(), "--kafka-properties", props.toString(), "--slots", "4",
                        "--in-process",
                        "--task-queue", QUEUE, "--metrics-port", "0", "--work-dir",
                        dir.resolve("worker").toString()));
                procs.add(worker);
                worker.awaitLog("nasflow worker: serving", Duration.ofSeconds(120));

                String id = "secure-" + Long.toHexString(System.nanoTime());
                Fault.start(stack.client(), QUEUE, id, Fault.spec("secure-kafka", "random", 16, 8, 4, 40, "median",
                        QUEUE));
                SearchResult r = Fault.result(stack.client(), id, Duration.ofMinutes(3));
                List<EpochMetric> metrics = Fault.epochMetrics(stack.kafka(), id);
                await().atMost(Duration.ofSeconds(30)).until(() -> stack.stopper().metricsSeen() >= metrics.size());
                List<StopDecision> decisions = Fault.stopDecisions(stack.kafka(), id);
                await().atMost(Duration.ofSeconds(30)).until(() -> !predictions(stack.kafka(), id).isEmpty());
                int predictions = predictions(stack.kafka(), id).size();
                int expectedEpochs = r.leaderboard().stream().mapToInt(CandidateResult::epochsTrained).sum();
                long events = Fault.searchEvents(stack.kafka(), id).size();

                // a client without the security settings gets nowhere
                KafkaClients plain = new KafkaClients(KafkaSettings.of(broker.bootstrapServers()));
                Map<String, Object> cfg = plain.adminConfig();
                cfg.put("default.api.timeout.ms", 5000);
                cfg.put("request.timeout.ms", 3000);
                try (Admin admin = Admin.create(cfg)) {
                    assertThrows(ExecutionException.class, () -> admin.listTopics().names().get(10, TimeUnit.SECONDS));
                }

                Fault.figures("secure-kafka", Fault.map(
                        "test", "SecureKafkaSearchTest.everyNasflowClientConnectsOverSaslSsl",
                        "injected", "broker with only a SASL_SSL listener (SCRAM-SHA-512, generated certificates); "
                                + "worker process via --kafka-properties, stopper + surrogate via KafkaSettings",
                        "loaded", r.status().evaluations(),
                        "lost", 0,
                        "duplicated", 0,
                        "epochMetricsPublishedByWorker", metrics.size(),
                        "epochMetricsReadByStopper", stack.stopper().metricsSeen(),
                        "searchEvents", events,
                        "stopDecisions", decisions.size(),
                        "surrogatePredictions", predictions,
                        "plaintextClientRefused", true,
                        "searchSeconds", Fault.round1((System.nanoTime() - t0) / 1e9)));

                assertEquals("COMPLETED", r.status().phase());
                assertEquals(16, r.status().evaluations());
                assertEquals(List.of(), Fault.epochCoverageProblems(r.leaderboard(), metrics));
                assertTrue(metrics.size() >= expectedEpochs, "worker process published over SASL_SSL");
                assertTrue(stack.stopper().metricsSeen() >= metrics.size(), "stopper consumed over SASL_SSL");
                assertTrue(r.status().stoppedEarly() == 0 || !decisions.isEmpty(),
                        "stopper published its decisions over SASL_SSL");
                assertTrue(predictions > 0, "surrogate published over SASL_SSL");
                assertEquals("SASL_SSL", stack.kafka().settings().securityProtocol());
            }
        } finally {
            procs.forEach(NasflowProcess::kill);
        }
    }

    static List<SurrogatePrediction> predictions(KafkaClients kafka, String searchId) {
        return Fault.events(kafka, EventSerde.SURROGATE_PREDICTION, searchId, SurrogatePrediction::searchId);
    }
}
