package dev.nasflow.cli;

import dev.nasflow.stream.KafkaClients;
import dev.nasflow.stream.TopicSettings;
import dev.nasflow.surrogate.SurrogateService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code nasflow surrogate}: the live surrogate service as its own process. */
@Command(name = "surrogate", mixinStandardHelpOptions = true,
        description = "Run the surrogate service: learns from nasflow.search-events and publishes predictions to "
                + "the compacted nasflow.surrogate-predictions topic.")
public final class SurrogateCommand implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;

    @Option(names = "--retrain-every", paramLabel = "K", defaultValue = "5",
            description = "Retrain after every K finished candidates of a search (default ${DEFAULT-VALUE}).")
    int retrainEvery;

    @Override
    public Integer call() throws Exception {
        var settings = kafka.required("the surrogate consumes search events");
        KafkaClients clients = new KafkaClients(settings);
        clients.ensureTopics(TopicSettings.defaults());
        SurrogateService service = new SurrogateService(clients, retrainEvery, null).start();
        System.out.println("nasflow surrogate: consuming " + settings.bootstrapServers());
        System.out.flush();
        Services.runUntilStopped(service);
        return 0;
    }
}
