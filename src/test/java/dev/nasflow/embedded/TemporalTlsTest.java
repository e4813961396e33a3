package dev.nasflow.embedded;

import dev.nasflow.embedded.TestFlows.EchoWorkflow;
import dev.nasflow.embedded.TestFlows.EchoWorkflowImpl;
import dev.nasflow.embedded.TestFlows.StepActivitiesImpl;
import io.temporal.client.WorkflowOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TLS, mutual TLS and API keys, end to end against the in-process server serving TLS with generated certificates. */
class TemporalTlsTest {
    @TempDir
    static Path dir;
    /** SAN 127.0.0.1 and localhost: matches the address. */
    static TestCerts.Pem server;
    /** SAN temporal.test only: does not match 127.0.0.1. */
    static TestCerts.Pem otherName;
    /** A client certificate for mTLS. */
    static TestCerts.Pem client;

    @BeforeAll
    static void certs() throws Exception {
        // three keytool processes at once: each is a JVM start
        var s = CompletableFuture.supplyAsync(() -> cert("server", "nasflow-test", "ip:127.0.0.1,dns:localhost"));
        var o = CompletableFuture.supplyAsync(() -> cert("other", "temporal.test", "dns:temporal.test"));
        var c = CompletableFuture.supplyAsync(() -> cert("client", "nasflow-worker", "dns:worker.test"));
        server = s.get();
        otherName = o.get();
        client = c.get();
    }

    private static TestCerts.Pem cert(String name, String cn, String san) {
        try {
            return TestCerts.selfSigned(dir, name, cn, san);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void stubsOptionsBuildWithClientCertificateCaAndApiKey() {
        TemporalSettings s = TemporalSettings.builder().address("temporal.example.com:7233")
                .tlsClientCert(client.cert(), client.key()).tlsCaPath(server.cert())
                .tlsServerName("temporal.example.com").apiKey("k-123").build();
        WorkflowServiceStubsOptions o = TemporalClients.stubsOptions(s);
        assertNotNull(o.getSslContext());
        assertTrue(o.getSslContext().isClient());
        assertEquals("temporal.example.com:7233", o.getTarget());
        assertEquals(1, o.getGrpcMetadataProviders().size(), "API key provider");
        assertNotNull(o.getChannelInitializer(), "server-name override");

        // system trust store, no client certificate
        WorkflowServiceStubsOptions sys = TemporalClients.stubsOptions(
                TemporalSettings.builder().address("h:7233").tls(true).build());
        assertNotNull(sys.getSslContext());
        // API key with TLS explicitly off: plain text, key still sent
        WorkflowServiceStubsOptions plain = TemporalClients.stubsOptions(
                TemporalSettings.builder().address("h:7233").apiKey("k").tls(false).build());
        assertEquals(null, plain.getSslContext());
        assertFalse(plain.getEnableHttps());
        assertEquals(1, plain.getGrpcMetadataProviders().size());
        // host-name check off on the system trust store
        assertNotNull(TemporalClients.stubsOptions(TemporalSettings.builder().address("h:7233")
                .tlsDisableHostVerification(true).build()).getSslContext());
    }

    @Test
    void mutualTlsWithApiKeyRunsAWorkflow() {
        try (EmbeddedTemporal temporal = EmbeddedTemporal.builder()
                .tls(server.cert(), server.key(), client.cert()).requireApiKey("secret").start()) {
            // the embedded server's own settings present its cert as client cert; use the separate client cert
            TemporalSettings s = temporal.settings().toBuilder().tlsClientCert(client.cert(), client.key()).build();
            assertTrue(s.tlsEnabled());
            try (EmbeddedTemporal c = EmbeddedTemporal.connect(s, Duration.ofSeconds(10))) {
                WorkerFactory f = c.newWorkerFactory();
                Worker w = TemporalClients.newWorker(f, "tq-tls", 2);
                w.registerWorkflowImplementationTypes(EchoWorkflowImpl.class);
                w.registerActivitiesImplementations(new StepActivitiesImpl());
                f.start();
                EchoWorkflow wf = c.client().newWorkflowStub(EchoWorkflow.class,
                        WorkflowOptions.newBuilder().setTaskQueue("tq-tls").build());
                assertEquals("tls", wf.run(EmbeddedTemporalTest.job("tls", 0)).name());
            }
            // wrong API key, no API key, no client certificate: refused
            assertRefused(s.toBuilder().apiKey("wrong").build(), "refused the credentials");
            assertRefused(s.toBuilder().apiKey(null).tls(true).build(), "refused the credentials");
            assertRefused(TemporalSettings.builder().address(temporal.address()).tlsCaPath(server.cert())
                    .apiKey("secret").build(), "TLS handshake failed");
        }
    }

    @Test
    void hostNameCheckServerNameOverrideAndDisabling() {
        try (EmbeddedTemporal temporal = EmbeddedTemporal.builder().tls(otherName.cert(), otherName.key(), null)
                .start()) {
            TemporalSettings base = TemporalSettings.builder().address(temporal.address())
                    .tlsCaPath(otherName.cert()).build();
            // certificate is for temporal.test, address is 127.0.0.1: refused
            assertRefused(base, "TLS handshake failed");
            // verify against the name in the certificate
            connectAndClose(base.toBuilder().tlsServerName("temporal.test").build());
            // or skip the host-name check but keep the chain check
            connectAndClose(base.toBuilder().tlsDisableHostVerification(true).build());
            // chain check still on: a CA that did not sign the server certificate is refused
            assertRefused(base.toBuilder().tlsCaPath(server.cert()).tlsDisableHostVerification(true).build(),
                    "TLS handshake failed");
        }
    }

    @Test
    void badTlsFilesGetClearMessages() throws Exception {
        Path pkcs1 = dir.resolve("rsa.key.pem");
        Files.writeString(pkcs1, "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n");
        TemporalSettingsTest.assertMessage(() -> TemporalClients.sslContext(TemporalSettings.builder().address("h:1")
                .tlsClientCert(client.cert(), pkcs1).build()), "PKCS#1", "openssl pkcs8 -topk8", "--tls-key-path");
        TemporalSettingsTest.assertMessage(() -> TemporalClients.sslContext(TemporalSettings.builder().address("h:1")
                .tlsCaPath(dir.resolve("missing.pem")).build()), "does not exist", "--tls-ca-path");
        TemporalSettingsTest.assertMessage(() -> TemporalClients.sslContext(TemporalSettings.builder().address("h:1")
                .tlsCaPath(pkcs1).build()), "not a PEM X.509 certificate", "--tls-ca-path");
        TemporalSettingsTest.assertMessage(() -> TemporalClients.sslContext(TemporalSettings.builder().address("h:1")
                .tlsClientCert(client.key(), client.key()).build()), "not a PEM certificate", "--tls-cert-path");
    }

    private static void connectAndClose(TemporalSettings s) {
        WorkflowServiceStubs stubs = TemporalClients.connect(s, Duration.ofSeconds(10));
        stubs.shutdownNow();
    }

    private static void assertRefused(TemporalSettings s, String why) {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> TemporalClients.connect(s, Duration.ofSeconds(5)));
        assertTrue(e.getMessage().contains(s.address().orElseThrow()), e.getMessage());
        assertTrue(e.getMessage().contains(why), e.getMessage());
        System.out.println("refused as expected: " + e.getMessage().lines().findFirst().orElse(""));
    }
}
