package dev.nasflow.embedded;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TemporalSettingsTest {
    @Test
    void emptyEnvMeansInProcessDefaultNamespace() {
        TemporalSettings s = TemporalSettings.fromEnv(Map.of());
        assertFalse(s.isExternal());
        assertEquals("default", s.namespace());
        assertFalse(s.tlsEnabled());
        assertEquals(TemporalSettings.embedded(), s);
    }

    @Test
    void readsTheTemporalCliVariables() {
        TemporalSettings s = TemporalSettings.fromEnv(Map.of(
                "TEMPORAL_ADDRESS", "temporal.example.com:7233",
                "TEMPORAL_NAMESPACE", "nas.prod",
                "TEMPORAL_TLS_CLIENT_CERT_PATH", "/c.pem",
                "TEMPORAL_TLS_CLIENT_KEY_PATH", "/k.pem",
                "TEMPORAL_TLS_SERVER_CA_CERT_PATH", "/ca.pem",
                "TEMPORAL_TLS_SERVER_NAME", "other.example.com",
                "TEMPORAL_TLS_DISABLE_HOST_VERIFICATION", "true",
                "TEMPORAL_API_KEY", "secret-key"));
        assertTrue(s.isExternal());
        assertEquals("temporal.example.com", s.host().orElseThrow());
        assertEquals(7233, s.port().orElseThrow());
        assertEquals("nas.prod", s.namespace());
        assertTrue(s.tlsEnabled());
        assertEquals(Path.of("/c.pem"), s.tlsCertPath().orElseThrow());
        assertEquals(Path.of("/k.pem"), s.tlsKeyPath().orElseThrow());
        assertEquals(Path.of("/ca.pem"), s.tlsCaPath().orElseThrow());
        assertEquals("other.example.com", s.tlsServerName().orElseThrow());
        assertTrue(s.tlsDisableHostVerification());
        assertEquals("secret-key", s.apiKey().orElseThrow());
        assertFalse(s.toString().contains("secret-key"), "toString must not print the API key: " + s);
        assertEquals(s, s.toBuilder().build());
    }

    @Test
    void tlsIsAutomaticWithAnApiKeyAndExplicitSwitchWins() {
        assertTrue(TemporalSettings.builder().address("h:1").apiKey("k").build().tlsEnabled());
        assertFalse(TemporalSettings.builder().address("h:1").apiKey("k").tls(false).build().tlsEnabled());
        assertTrue(TemporalSettings.builder().address("h:1").tls(true).build().tlsEnabled());
        assertFalse(TemporalSettings.of("h:1").tlsEnabled());
        assertFalse(TemporalSettings.fromEnv(Map.of("TEMPORAL_ADDRESS", "h:1", "TEMPORAL_TLS", "false",
                "TEMPORAL_API_KEY", "k")).tlsEnabled());
    }

    @Test
    void ipv6AddressNeedsBrackets() {
        TemporalSettings s = TemporalSettings.of("[::1]:7233");
        assertEquals("::1", s.host().orElseThrow());
        assertEquals(7233, s.port().orElseThrow());
        assertMessage(() -> TemporalSettings.of("::1:7233"), "brackets");
    }

    @Test
    void badInputNamesTheOptionAndTheFix() {
        assertMessage(() -> TemporalSettings.of("localhost"), "has no port", "--temporal / TEMPORAL_ADDRESS");
        assertMessage(() -> TemporalSettings.of("localhost:"), "has no port");
        assertMessage(() -> TemporalSettings.of("localhost:abc"), "non-numeric port");
        assertMessage(() -> TemporalSettings.of("localhost:70000"), "outside 1..65535");
        assertMessage(() -> TemporalSettings.of("http://localhost:7233"), "URL scheme", "HOST:PORT");
        assertMessage(() -> TemporalSettings.of("bad host:7233"), "invalid host");
        assertMessage(() -> TemporalSettings.builder().namespace("bad ns!").build(), "namespace",
                "--namespace / TEMPORAL_NAMESPACE");
        assertMessage(() -> TemporalSettings.builder().address("h:1").tlsCertPath(Path.of("/c")).build(),
                "certificate given without its key", "--tls-key-path");
        assertMessage(() -> TemporalSettings.builder().address("h:1").tlsKeyPath(Path.of("/k")).build(),
                "key given without its certificate");
        assertMessage(() -> TemporalSettings.builder().address("h:1").tls(false).tlsCaPath(Path.of("/ca")).build(),
                "switched off", "--tls-ca-path");
        assertMessage(() -> TemporalSettings.fromEnv(Map.of("TEMPORAL_TLS", "maybe")), "TEMPORAL_TLS", "boolean");
        assertMessage(() -> TemporalSettings.builder().tlsServerName("a b").build(), "--tls-server-name");
    }

    @Test
    void stubsOptionsNeedAnAddress() {
        assertMessage(() -> TemporalClients.stubsOptions(TemporalSettings.embedded()), "no Temporal address",
                "--temporal");
    }

    @Test
    void workerOptionsAreCheckedAndCarryTheThrottle() {
        var o = TemporalClients.workerOptions(3);
        assertEquals(3, o.getMaxConcurrentActivityExecutionSize());
        assertEquals(TemporalClients.HEARTBEAT_THROTTLE, o.getMaxHeartbeatThrottleInterval());
        assertEquals(TemporalClients.HEARTBEAT_THROTTLE, o.getDefaultHeartbeatThrottleInterval());
        assertMessage(() -> TemporalClients.workerOptions(0), "at least 1 activity slot");
    }

    static void assertMessage(Runnable r, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "message '" + e.getMessage() + "' lacks '" + p + "'");
        }
    }
}
