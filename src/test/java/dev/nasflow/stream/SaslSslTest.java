package dev.nasflow.stream;

import dev.nasflow.model.SearchEventType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.nasflow.embedded.EmbeddedKafka;
import dev.nasflow.embedded.EmbeddedKafka.SaslMechanism;
import dev.nasflow.embedded.SharedKafka;
import dev.nasflow.embedded.TlsMaterial;
import dev.nasflow.testing.Slow;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A broker whose client listener is SASL_SSL (certificates generated here): security settings from a properties file
 * reach every client built by {@link KafkaClients}, SCRAM-SHA-512 and PLAIN round trips work, clients without the
 * right credentials or trust are refused.
 */
@Slow
class SaslSslTest {
    static Path dir;
    static EmbeddedKafka kafka;

    @BeforeAll
    static void start() throws IOException {
        dir = Files.createTempDirectory("nasflow-sasl-kafka");
        TlsMaterial tls = TlsMaterial.generate(dir.resolve("tls"));
        kafka = EmbeddedKafka.builder(dir.resolve("broker"))
                .saslSsl(tls, Map.of("alice", "alice-" + UUID.randomUUID().toString().substring(0, 8),
                        "bob", "bob-secret"))
                .start();
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
        SharedKafka.deleteTree(dir);
    }

    private static Path writeProperties(Map<String, String> props) throws IOException {
        Path f = Files.createTempFile(dir, "client", ".properties");
        Properties p = new Properties();
        p.putAll(props);
        try (var out = Files.newOutputStream(f)) {
            p.store(out, "nasflow test client settings");
        }
        return f;
    }

    private static void roundTrip(KafkaClients clients, String tag) throws Exception {
        clients.ensureTopics(TopicSettings.defaults());
        String search = tag + "-" + UUID.randomUUID().toString().substring(0, 6);
        try (MetricsPublisher pub = clients.publisher(tag)) {
            pub.publish(SearchEvent.of(search, SearchEventType.STARTED, null, null, Map.of("secure", true)))
                    .get(30, TimeUnit.SECONDS);
        }
        try (EventConsumer<SearchEvent> c = clients.eventConsumer(KafkaClients.uniqueGroupId(tag),
                EventSerde.SEARCH_EVENT, null)) {
            List<Received<SearchEvent>> got = StreamTestSupport.pollUntil(c, 1, Duration.ofSeconds(30),
                    r -> r.value().searchId().equals(search));
            assertEquals(1, got.size());
            assertEquals(Map.of("secure", true), got.get(0).value().payload());
            c.commit();
        }
    }

    @Test
    void scramOverTlsFromAPropertiesFileGivenByEnvironment() throws Exception {
        Map<String, String> props = new LinkedHashMap<>(kafka.clientProperties("alice",
                SaslMechanism.SCRAM_SHA_512));
        props.remove("bootstrap.servers");
        Path file = writeProperties(props);
        KafkaSettings settings = KafkaSettings.require(null, null, Map.of(
                KafkaSettings.ENV_BOOTSTRAP, kafka.bootstrapServers(),
                KafkaSettings.ENV_PROPERTIES, file.toString()));
        assertEquals("SASL_SSL", settings.securityProtocol());
        KafkaClients clients = new KafkaClients(settings);
        for (Map<String, Object> c : List.of(clients.adminConfig(), clients.producerConfig("x"),
                clients.consumerConfig("g"))) {
            assertEquals("SCRAM-SHA-512", c.get("sasl.mechanism"));
        }
        roundTrip(clients, "scram");
    }

    @Test
    void plainOverTls() throws Exception {
        KafkaSettings settings = KafkaSettings.of(kafka.bootstrapServers(),
                kafka.clientProperties("bob", SaslMechanism.PLAIN));
        roundTrip(new KafkaClients(settings), "plain");
    }

    private static Throwable describeClusterFailure(Map<String, String> props) {
        Map<String, String> p = new LinkedHashMap<>(props);
        p.put("default.api.timeout.ms", "6000");
        p.put("request.timeout.ms", "3000");
        KafkaClients clients = new KafkaClients(KafkaSettings.of(kafka.bootstrapServers(), p));
        try (Admin admin = clients.admin()) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> admin.describeCluster().nodes().get(20, TimeUnit.SECONDS));
            return e.getCause();
        }
    }

    @Test
    void clientsWithoutTheRightCredentialsOrTrustAreRefused() throws IOException {
        // wrong password
        Map<String, String> wrong = new LinkedHashMap<>(kafka.tlsClientProperties());
        wrong.put("sasl.mechanism", "SCRAM-SHA-512");
        wrong.put("sasl.jaas.config", SaslMechanism.SCRAM_SHA_512.jaasConfig("alice", "not-her-password"));
        assertTrue(describeClusterFailure(wrong) instanceof SaslAuthenticationException);
        Map<String, String> unknownUser = new LinkedHashMap<>(wrong);
        unknownUser.put("sasl.mechanism", "PLAIN");
        unknownUser.put("sasl.jaas.config", SaslMechanism.PLAIN.jaasConfig("mallory", "x"));
        assertTrue(describeClusterFailure(unknownUser) instanceof SaslAuthenticationException);

        // no credentials at all: the client cannot even be built
        Map<String, String> noCreds = new LinkedHashMap<>(kafka.tlsClientProperties());
        noCreds.put("sasl.mechanism", "SCRAM-SHA-512");
        KafkaClients noCredClients = new KafkaClients(KafkaSettings.of(kafka.bootstrapServers(), noCreds));
        KafkaException e = assertThrows(KafkaException.class, noCredClients::admin);
        StringBuilder chain = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            chain.append(t).append(" / ");
        }
        assertTrue(chain.toString().toLowerCase().contains("jaas"), chain.toString());

        // credentials but no trust store: the self-signed certificate is rejected
        Map<String, String> noTrust = new LinkedHashMap<>(kafka.clientProperties("alice",
                SaslMechanism.SCRAM_SHA_512));
        noTrust.remove("ssl.truststore.location");
        noTrust.remove("ssl.truststore.password");
        noTrust.remove("ssl.truststore.type");
        noTrust.remove("bootstrap.servers");
        assertTrue(describeClusterFailure(noTrust) instanceof SslAuthenticationException);

        // plaintext client on the SASL_SSL port: never gets an answer
        Throwable plain = describeClusterFailure(Map.of());
        assertTrue(plain instanceof TimeoutException, plain.toString());
    }
}
