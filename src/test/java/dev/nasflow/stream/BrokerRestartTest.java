package dev.nasflow.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.nasflow.embedded.EmbeddedKafka;
import dev.nasflow.embedded.SharedKafka;
import dev.nasflow.embedded.ThreadLeaks;
import dev.nasflow.testing.Slow;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Stops and restarts the broker (same data dir, same port) while metrics are produced and consumed: every
 * (candidate, epoch) is seen after de-duplication and the producer carries on. Then closes the broker and checks that
 * no non-daemon thread and no port is left behind.
 */
@Slow
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrokerRestartTest {
    static final int CANDIDATES = 10;
    static final int EPOCHS = 40;

    static Set<Thread> threadsBefore;
    static Path dir;
    static EmbeddedKafka kafka;
    static KafkaClients clients;

    @BeforeAll
    static void start() throws IOException {
        threadsBefore = ThreadLeaks.snapshot();
        dir = Files.createTempDirectory("nasflow-restart-kafka");
        kafka = EmbeddedKafka.builder(dir).start();
        clients = new KafkaClients(KafkaSettings.of(kafka.bootstrapServers()));
        clients.ensureTopics(new TopicSettings(3, (short) 1));
    }

    @AfterAll
    static void cleanup() {
        if (kafka != null) {
            kafka.close();
        }
        SharedKafka.deleteTree(dir);
    }

    @Test
    @Order(1)
    void everyEpochMetricSurvivesABrokerRestartMidStream() throws Exception {
        int port = kafka.port();
        String search = "restart";
        int total = CANDIDATES * EPOCHS;
        Set<String> seen = ConcurrentHashMap.newKeySet();
        AtomicInteger deliveries = new AtomicInteger();
        AtomicInteger commitFailures = new AtomicInteger();
        AtomicBoolean stopConsumer = new AtomicBoolean();
        AtomicReference<Throwable> consumerError = new AtomicReference<>();
        CountDownLatch consumerUp = new CountDownLatch(1);

        Thread consumerThread = new Thread(() -> {
            try (EventConsumer<EpochMetric> c = clients.eventConsumer("restart-reader", EventSerde.EPOCH_METRIC,
                    null)) {
                while (!stopConsumer.get()) {
                    List<Received<EpochMetric>> got = c.poll(Duration.ofMillis(100));
                    consumerUp.countDown();
                    for (Received<EpochMetric> r : got) {
                        deliveries.incrementAndGet();
                        seen.add(r.key() + "#" + r.value().epoch());
                    }
                    if (!got.isEmpty()) {
                        try {
                            c.commit();
                        } catch (RuntimeException e) {
                            commitFailures.incrementAndGet(); // broker away: redelivery later is fine
                        }
                    }
                }
            } catch (Throwable t) {
                consumerError.set(t);
            }
        }, "restart-test-consumer");
        consumerThread.setDaemon(true);
        consumerThread.start();
        assertTrue(consumerUp.await(30, TimeUnit.SECONDS));

        List<CompletableFuture<RecordMetadata>> futures = new ArrayList<>();
        CountDownLatch thirdSent = new CountDownLatch(1);
        AtomicReference<Throwable> chaosError = new AtomicReference<>();
        Thread chaos = new Thread(() -> {
            try {
                thirdSent.await();
                long t0 = System.nanoTime();
                kafka.stop();
                System.out.printf("broker stopped in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
                Thread.sleep(1500);
                t0 = System.nanoTime();
                kafka.start();
                System.out.printf("broker restarted in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            } catch (Throwable t) {
                chaosError.set(t);
            }
        }, "restart-test-chaos");
        chaos.setDaemon(true);
        chaos.start();
        try (MetricsPublisher pub = clients.publisher("restart-pub")) {
            int n = 0;
            long maxSendMs = 0;
            for (int e = 1; e <= EPOCHS; e++) {
                for (int c = 0; c < CANDIDATES; c++) {
                    long t0 = System.nanoTime();
                    futures.add(pub.publish(EpochMetric.of(search, search + "-g0-c" + c, 0, e, EPOCHS,
                            Map.of("validAccuracy", 50.0 + e), 3, 1.0)));
                    maxSendMs = Math.max(maxSendMs, (System.nanoTime() - t0) / 1_000_000);
                    if (++n == total / 3) {
                        thirdSent.countDown();
                    }
                }
                Thread.sleep(10);
            }
            chaos.join(120_000);
            assertEquals(null, chaosError.get());
            System.out.printf("longest publish() call: %d ms%n", maxSendMs);
            for (CompletableFuture<RecordMetadata> f : futures) {
                f.get(120, TimeUnit.SECONDS); // throws if any send failed for good
            }
            assertEquals(total, pub.acked(), "every send acknowledged");
            assertEquals(0, pub.failed());
            // the producer keeps working after the restart
            pub.publish(EpochMetric.of(search, search + "-g0-c0", 0, EPOCHS + 1, EPOCHS + 1, Map.of(), 1, 0))
                    .get(30, TimeUnit.SECONDS);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (seen.size() < total + 1 && System.nanoTime() < deadline && consumerError.get() == null) {
            Thread.sleep(100);
        }
        stopConsumer.set(true);
        consumerThread.join(30_000);
        assertEquals(null, consumerError.get());
        System.out.printf("restart: produced %d, distinct (candidate, epoch) seen %d, deliveries %d (duplicates %d),"
                + " commit failures %d%n", total + 1, seen.size(), deliveries.get(), deliveries.get() - seen.size(),
                commitFailures.get());
        assertEquals(total + 1, seen.size(), "every (candidate, epoch) seen after de-duplication");
        assertEquals(port, kafka.port());
        assertEquals(2, kafka.starts());
    }

    @Test
    @Order(2)
    void closeLeavesNoNonDaemonThreadsAndFreesThePorts() throws Exception {
        int port = kafka.port();
        int controllerPort = kafka.controllerPort();
        kafka.close();
        assertTrue(!kafka.isRunning());
        Set<String> leaked = ThreadLeaks.leakedNonDaemon(threadsBefore, Duration.ofSeconds(40));
        assertEquals(Set.of(), leaked, "non-daemon threads left after close");
        for (int p : new int[] {port, controllerPort}) {
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), p));
            }
        }
        assertEquals(List.of(), EmbeddedKafka.fatalErrors());
    }
}
