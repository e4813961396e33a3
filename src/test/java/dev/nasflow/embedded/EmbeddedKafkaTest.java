package dev.nasflow.embedded;

import dev.nasflow.testing.Slow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Slow
class EmbeddedKafkaTest {
    @TempDir
    Path tmp;

    @Test
    void builderRejectsBadOptions() {
        var b = EmbeddedKafka.builder(tmp);
        assertThrows(IllegalArgumentException.class, () -> b.port(70000));
        assertThrows(IllegalArgumentException.class, () -> b.defaultPartitions(0));
        assertThrows(IllegalArgumentException.class, () -> b.nodeId(-1));
        assertThrows(IllegalArgumentException.class, () -> b.saslSsl(
                new TlsMaterial(tmp.resolve("k"), tmp.resolve("t"), "pw"), Map.of("bad user", "x")));
        assertThrows(IllegalArgumentException.class, () -> b.saslSsl(
                new TlsMaterial(tmp.resolve("k"), tmp.resolve("t"), "pw"), Map.of()));
        EmbeddedKafka k = b.build();
        assertFalse(k.isRunning());
        assertTrue(k.port() > 0 && k.controllerPort() > 0 && k.port() != k.controllerPort());
        assertEquals("127.0.0.1:" + k.port(), k.bootstrapServers());
        assertThrows(IllegalStateException.class, () -> k.clientProperties("u",
                EmbeddedKafka.SaslMechanism.PLAIN));
        k.close(); // closing a never-started broker is fine
    }

    @Test
    void dataSurvivesANewInstanceOnTheSameDirAndPortAndCloseLeavesNothingBehind() throws Exception {
        Set<Thread> before = ThreadLeaks.snapshot();
        Path work = tmp.resolve("kafka");
        int port = freePort();
        String clusterId;
        try (EmbeddedKafka k = EmbeddedKafka.builder(work).port(port).start()) {
            assertTrue(k.isRunning());
            assertEquals("127.0.0.1:" + port, k.bootstrapServers());
            assertTrue(Files.exists(k.logDir().resolve("meta.properties")));
            clusterId = k.clusterId();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", k.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("persist", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
            try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of("bootstrap.servers",
                    k.bootstrapServers(), "acks", "all"), new StringSerializer(), new StringSerializer())) {
                p.send(new ProducerRecord<>("persist", "k", "v1")).get(30, TimeUnit.SECONDS);
            }
            System.out.printf("embedded Kafka: first start %d ms%n", k.lastStartDuration().toMillis());
        }
        assertTrue(portFree(port), "client port released after close");
        try (EmbeddedKafka k = EmbeddedKafka.builder(work).port(port).start()) {
            assertEquals(clusterId, k.clusterId(), "same storage, same cluster");
            System.out.printf("embedded Kafka: start on existing data %d ms%n", k.lastStartDuration().toMillis());
            try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of("bootstrap.servers",
                    k.bootstrapServers()), new StringDeserializer(), new StringDeserializer())) {
                TopicPartition tp = new TopicPartition("persist", 0);
                c.assign(List.of(tp));
                c.seekToBeginning(List.of(tp));
                ConsumerRecord<String, String> got = null;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (got == null && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                        got = r;
                    }
                }
                assertTrue(got != null, "record written before the restart is read after it");
                assertEquals("v1", got.value());
            }
        }
        assertTrue(portFree(port), "client port released after close");
        Set<String> leaked = ThreadLeaks.leakedNonDaemon(before, Duration.ofSeconds(15));
        assertEquals(Set.of(), leaked, "non-daemon threads left after close");
        assertEquals(List.of(), EmbeddedKafka.fatalErrors());
    }

    @Test
    void tlsMaterialIsGenerated() throws IOException {
        TlsMaterial tls = TlsMaterial.generate(tmp.resolve("tls"));
        assertTrue(Files.size(tls.keyStore()) > 0);
        assertTrue(Files.size(tls.trustStore()) > 0);
        assertTrue(Files.readString(tmp.resolve("tls/broker.crt"), StandardCharsets.US_ASCII)
                .startsWith("-----BEGIN CERTIFICATE-----"));
        assertTrue(tls.password().length() >= 16);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static boolean portFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
