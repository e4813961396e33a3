package dev.nasflow.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaSettingsTest {
    @TempDir
    Path tmp;

    private Path propsFile(String content) throws Exception {
        Path f = tmp.resolve("client.properties");
        Files.writeString(f, content);
        return f;
    }

    @Test
    void optionWinsOverEnvironmentWhichWinsOverFile() throws Exception {
        Path f = propsFile("bootstrap.servers=file:1\nsecurity.protocol=SASL_SSL\n");
        Map<String, String> env = Map.of(KafkaSettings.ENV_BOOTSTRAP, "env:2", KafkaSettings.ENV_PROPERTIES,
                f.toString());
        assertEquals("opt:3", KafkaSettings.resolve("opt:3", null, env).orElseThrow().bootstrapServers());
        assertEquals("env:2", KafkaSettings.resolve(null, null, env).orElseThrow().bootstrapServers());
        KafkaSettings fromFile = KafkaSettings.resolve(null, null, Map.of(KafkaSettings.ENV_PROPERTIES,
                f.toString())).orElseThrow();
        assertEquals("file:1", fromFile.bootstrapServers());
        assertEquals(Map.of("security.protocol", "SASL_SSL"), fromFile.clientProperties());
        assertEquals("SASL_SSL", fromFile.securityProtocol());
    }

    @Test
    void nothingGivenIsEmptyAndRequireExplains() {
        assertTrue(KafkaSettings.resolve(null, null, Map.of()).isEmpty());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KafkaSettings.require(null, null, Map.of()));
        assertTrue(e.getMessage().contains("--kafka HOST:PORT"), e.getMessage());
        assertTrue(e.getMessage().contains(KafkaSettings.ENV_BOOTSTRAP), e.getMessage());
    }

    @Test
    void badInputNamesTheSourceAndTheFix() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KafkaSettings.resolve("localhost", null, Map.of()));
        assertTrue(e.getMessage().startsWith("--kafka"), e.getMessage());
        assertTrue(e.getMessage().contains("HOST:PORT"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> KafkaSettings.resolve(null, null, Map.of(KafkaSettings.ENV_BOOTSTRAP, "h:99999")));
        assertTrue(e.getMessage().startsWith(KafkaSettings.ENV_BOOTSTRAP), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> KafkaSettings.resolve("h:1", tmp.resolve("missing.properties"), Map.of()));
        assertTrue(e.getMessage().contains("missing.properties"), e.getMessage());
        Path f = propsFile("acks=1\n");
        e = assertThrows(IllegalArgumentException.class, () -> KafkaSettings.resolve("h:1", f, Map.of()));
        assertTrue(e.getMessage().contains("'acks'"), e.getMessage());
        assertEquals("a:1,b:2", KafkaSettings.of(" a:1 , b:2 ,").bootstrapServers());
    }

    @Test
    void everyClientGetsThePassThroughPropertiesAndTheEnforcedOnes() throws Exception {
        Path f = propsFile("""
                security.protocol=SASL_SSL
                sasl.mechanism=SCRAM-SHA-512
                sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="u" password="p";
                ssl.truststore.location=/tmp/ts.p12
                ssl.truststore.password=secret
                linger.ms=3
                """);
        KafkaClients clients = new KafkaClients(KafkaSettings.require("h:9093", f, Map.of()));
        for (Map<String, Object> c : new Map[] {clients.adminConfig(), clients.producerConfig("p"),
                clients.consumerConfig("g")}) {
            assertEquals("h:9093", c.get("bootstrap.servers"));
            assertEquals("SASL_SSL", c.get("security.protocol"));
            assertEquals("SCRAM-SHA-512", c.get("sasl.mechanism"));
            assertEquals("/tmp/ts.p12", c.get("ssl.truststore.location"));
            assertTrue(String.valueOf(c.get("sasl.jaas.config")).contains("ScramLoginModule"));
        }
        Map<String, Object> p = clients.producerConfig("p");
        assertEquals(true, p.get("enable.idempotence"));
        assertEquals("all", p.get("acks"));
        assertEquals("3", p.get("linger.ms"));
        Map<String, Object> c = clients.consumerConfig("g");
        assertEquals(false, c.get("enable.auto.commit"));
        assertEquals("g", c.get("group.id"));
        assertFalse(clients.consumerConfig(null).containsKey("group.id"));
        assertEquals(KafkaClients.LINGER_MS, new KafkaClients(KafkaSettings.of("h:1")).producerConfig("x")
                .get("linger.ms"));
        assertTrue(KafkaClients.LINGER_MS <= 5);
    }

    @Test
    void toStringHidesSecrets() {
        KafkaSettings s = KafkaSettings.of("h:1", Map.of("ssl.truststore.password", "s3cr3t",
                "sasl.jaas.config", "x password=\"s3cr3t\";", "security.protocol", "SASL_SSL"));
        assertFalse(s.toString().contains("s3cr3t"), s.toString());
        assertTrue(s.toString().contains("SASL_SSL"));
    }
}
