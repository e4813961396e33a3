package dev.nasflow.cli;

import dev.nasflow.metrics.MetricsServer;
import dev.nasflow.metrics.NasflowMetrics;
import dev.nasflow.stream.KafkaClients;
import dev.nasflow.stream.TopicSettings;
import dev.nasflow.stream.Topics;
import dev.nasflow.service.SurrogateService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code nasflow surrogate}: the live surrogate service as its own process. */
@Command(name = "surrogate", mixinStandardHelpOptions = true,
        description = "Run the surrogate service: learns from nasflow.search-events and nasflow.epoch-metrics and "
                + "publishes predictions to the compacted nasflow.surrogate-predictions topic: per architecture "
                + "(proposers) and, after every epoch of a running candidate, its predicted final value (the "
                + "'surrogate' stopping rule of every stopper reads those).")
public final class SurrogateCommand implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;
    @Mixin
    MetricsOptions metricsOptions;

    @Option(names = "--retrain-every", paramLabel = "K", defaultValue = "5",
            description = "Refit the architecture model after every K finished candidates of a search (the "
                    + "learning-curve model learns from every finished candidate; default ${DEFAULT-VALUE}).")
    int retrainEvery;

    @Override
    public Integer call() throws Exception {
        var settings = kafka.required("the surrogate consumes search events");
        KafkaClients clients = new KafkaClients(settings);
        int port = metricsOptions.port(MetricsServer.SURROGATE_PORT);
        NasflowMetrics metrics = port > 0 ? NasflowMetrics.prometheus("surrogate") : null;
        MetricsServer server = null;
        try {
            if (metrics != null) {
                server = MetricsServer.start(metrics.prometheusRegistry(), metricsOptions.bind, port);
                clients.metricsBinder(metrics.kafkaBinder());
            }
            clients.ensureTopics(TopicSettings.defaults());
            SurrogateService service = new SurrogateService(clients, retrainEvery, metrics).start();
            if (metrics != null) {
                metrics.monitorLag(clients, Map.of(SurrogateService.GROUP_ID,
                        List.of(Topics.SEARCH_EVENTS, Topics.EPOCH_METRICS)),
                        Duration.ofSeconds(5));
            }
            System.out.println("nasflow surrogate: consuming " + settings.bootstrapServers() + "; Prometheus: "
                    + (server == null ? "off" : server.url()));
            System.out.flush();
            MetricsServer s = server;
            Services.runUntilStopped(() -> {
                service.close();
                if (s != null) {
                    s.close();
                }
                if (metrics != null) {
                    metrics.close();
                }
            });
            return 0;
        } catch (RuntimeException e) {
            if (server != null) {
                server.close();
            }
            if (metrics != null) {
                metrics.close();
            }
            throw e;
        }
    }
}
