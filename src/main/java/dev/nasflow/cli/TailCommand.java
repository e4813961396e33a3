package dev.nasflow.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.nasflow.stream.KafkaClients;
import dev.nasflow.stream.RecordJson;
import dev.nasflow.stream.KafkaSettings;
import dev.nasflow.stream.Topics;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.WakeupException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nasflow tail TOPIC}: prints the records of a topic as JSON lines. */
@Command(name = "tail", mixinStandardHelpOptions = true,
        description = {"Print the records of a Kafka topic, one JSON line each: topic, partition, offset, "
                + "timestamp, key, value (embedded JSON when the value is JSON) and headers.",
                "TOPIC may be a short nasflow name (epoch-metrics, stop-decisions, surrogate-predictions, "
                        + "search-events, dead-letters) or any full topic name.",
                "Reads with a fresh consumer group and commits nothing."})
public final class TailCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TOPIC", description = "Topic to read (short or full name).")
    String topic;

    @Option(names = "--from-beginning", description = "Start from the oldest record instead of new records only.")
    boolean fromBeginning;

    @Option(names = "--max", paramLabel = "N", description = "Exit after printing N records.")
    Integer max;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Exit after this long in total (e.g. 30s, 500ms, 2m, PT1M; a bare number is seconds). "
                    + "Default: run until --max or Ctrl-C.")
    Duration timeout;

    @Option(names = "--kafka", paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (default: env " + KafkaSettings.ENV_BOOTSTRAP + ").")
    String kafka;

    @Option(names = "--kafka-properties", paramLabel = "FILE",
            description = "Kafka client properties (security settings), default: env "
                    + KafkaSettings.ENV_PROPERTIES + ".")
    Path kafkaProperties;

    @Option(names = "--group", paramLabel = "ID", description = "Consumer group id (default: a fresh one).")
    String group;

    @Override
    public Integer call() {
        CommandLine cl = spec.commandLine();
        if (max != null && max < 1) {
            throw new CommandLine.ParameterException(cl, "--max must be at least 1, got " + max);
        }
        if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
            throw new CommandLine.ParameterException(cl, "--timeout must be positive, got " + timeout);
        }
        KafkaSettings settings;
        String fullTopic;
        try {
            settings = KafkaSettings.require(kafka, kafkaProperties, System.getenv());
            fullTopic = Topics.resolve(topic);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        String groupId = group != null ? group : KafkaClients.uniqueGroupId("nasflow-tail");
        KafkaClients clients = new KafkaClients(settings);
        var out = cl.getOut();
        var err = cl.getErr();
        CountDownLatch done = new CountDownLatch(1);
        Consumer<byte[], byte[]> consumer = clients.consumer(groupId,
                Map.of("auto.offset.reset", fromBeginning ? "earliest" : "latest"));
        Thread hook = new Thread(() -> {
            consumer.wakeup();
            try {
                done.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "nasflow-tail-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        int printed = 0;
        try {
            Duration probe = Duration.ofSeconds(10);
            if (timeout != null && timeout.compareTo(probe) < 0) {
                probe = timeout;
            }
            Map<String, ?> topics;
            try {
                topics = consumer.listTopics(probe);
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                throw new CliException(ExitCodes.UNREACHABLE, "cannot reach the Kafka broker at "
                        + settings.bootstrapServers() + " within " + probe.toMillis() + " ms",
                        CliErrors.KAFKA_FIX, e);
            }
            if (!topics.containsKey(fullTopic)) {
                err.println("nasflow tail: topic " + fullTopic + " does not exist yet; waiting for it");
                err.flush();
            }
            consumer.subscribe(List.of(fullTopic));
            while ((max == null || printed < max) && System.nanoTime() < deadline) {
                long leftMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(Math.min(200, leftMs)))) {
                    out.println(RecordJson.line(r));
                    printed++;
                    if (max != null && printed >= max) {
                        break;
                    }
                }
                out.flush();
            }
        } catch (WakeupException e) {
            // Ctrl-C
        } finally {
            out.flush();
            consumer.close(java.time.Duration.ofSeconds(5));
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down
            }
        }
        return 0;
    }

    /** Parses {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, ISO-8601 ({@code PT30S}) or bare seconds. */
    public static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        private static final Pattern SIMPLE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

        @Override
        public Duration convert(String value) {
            String v = value.strip().toLowerCase(Locale.ROOT);
            Matcher m = SIMPLE.matcher(v);
            if (m.matches()) {
                double x = Double.parseDouble(m.group(1));
                String unit = m.group(2) == null ? "s" : m.group(2);
                double ms = switch (unit) {
                    case "ms" -> x;
                    case "m" -> x * 60_000;
                    case "h" -> x * 3_600_000;
                    default -> x * 1000;
                };
                return Duration.ofMillis(Math.round(ms));
            }
            try {
                return Duration.parse(value.strip().toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a duration: use e.g. 30s, "
                        + "500ms, 2m, 1h or PT30S");
            }
        }
    }
}
