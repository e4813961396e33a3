package dev.nasflow.cli;

import dev.nasflow.stream.KafkaSettings;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.Optional;

/** Kafka connection options shared by the commands ({@code @Mixin KafkaOptions kafka;}). */
public final class KafkaOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--kafka", paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (env " + KafkaSettings.ENV_BOOTSTRAP + ").")
    String bootstrap;

    @Option(names = "--kafka-properties", paramLabel = "FILE",
            description = "Kafka client properties, e.g. security.protocol, sasl.*, ssl.* (env "
                    + KafkaSettings.ENV_PROPERTIES + "); applied to every producer, consumer and admin client.")
    Path properties;

    /** The settings given on the command line or in the environment; empty when none (embedded broker). */
    public Optional<KafkaSettings> settings() {
        try {
            return KafkaSettings.resolve(bootstrap, properties, System.getenv());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(mixee.commandLine(), e.getMessage());
        }
    }

    /** The settings, or a usage error explaining how to give them. */
    public KafkaSettings required(String why) {
        return settings().orElseThrow(() -> new CommandLine.ParameterException(mixee.commandLine(),
                "no Kafka broker given (" + why + "): pass --kafka HOST:PORT or set " + KafkaSettings.ENV_BOOTSTRAP
                        + " (nasflow dev prints its broker address)"));
    }
}
