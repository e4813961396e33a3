package dev.nasflow.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One plaintext embedded broker shared by every test class that uses this extension (started on first use, stopped
 * when the whole test run ends). Tests that stop, restart or secure a broker start their own instead.
 */
public final class SharedKafka implements BeforeAllCallback {
    private static final String KEY = "nasflow-shared-embedded-kafka";
    private static volatile Holder holder;

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(KEY, k -> start(), Holder.class);
    }

    /** The shared broker (the extension must be registered on the test class). */
    public static EmbeddedKafka broker() {
        Holder h = holder;
        if (h == null) {
            throw new IllegalStateException("register @ExtendWith(SharedKafka.class) on the test class");
        }
        return h.kafka;
    }

    public static String bootstrapServers() {
        return broker().bootstrapServers();
    }

    private static synchronized Holder start() {
        if (holder == null) {
            try {
                Path dir = Files.createTempDirectory("nasflow-shared-kafka");
                holder = new Holder(dir, EmbeddedKafka.builder(dir).defaultPartitions(1).start());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return holder;
    }

    /**
     * Commits, for {@code group}, the current end of every partition of {@code topics} as a streaming service
     * ({@code ReplayingConsumer}) that has read everything so far and has no live search left would: a service then
     * started with {@code group} re-reads nothing and reads only what comes next, whatever other test classes left
     * on the shared broker (a new group would read all of it, live).
     */
    public static void skipHistory(dev.nasflow.stream.KafkaClients kafka, String group, String... topics) {
        try (org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> c = kafka.consumer(group)) {
            java.util.List<org.apache.kafka.common.TopicPartition> parts = new java.util.ArrayList<>();
            for (String topic : topics) {
                c.partitionsFor(topic).forEach(i -> parts.add(
                        new org.apache.kafka.common.TopicPartition(i.topic(), i.partition())));
            }
            java.util.Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata>
                    commit = new java.util.HashMap<>();
            c.endOffsets(parts).forEach((tp, end) -> commit.put(tp,
                    new org.apache.kafka.clients.consumer.OffsetAndMetadata(end, "replayFrom=" + end)));
            c.commitSync(commit);
        }
    }

    /** Deletes a directory tree (best effort). */
    public static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }

    private static final class Holder implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        final Path dir;
        final EmbeddedKafka kafka;

        Holder(Path dir, EmbeddedKafka kafka) {
            this.dir = dir;
            this.kafka = kafka;
        }

        @Override
        public void close() {
            synchronized (SharedKafka.class) {
                kafka.close();
                deleteTree(dir);
                holder = null;
            }
        }
    }
}
