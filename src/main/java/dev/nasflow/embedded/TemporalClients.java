package dev.nasflow.embedded;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.module.paramnames.ParameterNamesModule;
import com.uber.m3.tally.Scope;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.common.converter.JacksonJsonPayloadConverter;
import io.temporal.serviceclient.SimpleSslContextBuilder;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.WorkerOptions;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collection;

/**
 * Builds the Temporal objects every nasflow process uses, the same way everywhere: service stubs (target, TLS, API
 * key), a {@link WorkflowClient} with nasflow's JSON data converter, and workers tuned so that activity cancellation
 * lands fast.
 *
 * <pre>{@code
 * TemporalSettings settings = TemporalSettings.fromEnv();          // or EmbeddedTemporal#settings()
 * WorkflowServiceStubs stubs = TemporalClients.connect(settings, Duration.ofSeconds(10));
 * WorkflowClient client = TemporalClients.newClient(stubs, settings);
 * WorkerFactory factory = TemporalClients.newWorkerFactory(client);
 * Worker worker = TemporalClients.newWorker(factory, "nasflow", 8);  // 8 concurrent activities
 * worker.registerWorkflowImplementationTypes(...); worker.registerActivitiesImplementations(...);
 * factory.start();
 * ... factory.shutdown(); factory.awaitTermination(...); stubs.shutdown();
 * }</pre>
 */
public final class TemporalClients {
    /**
     * Upper bound on the heartbeat throttle of every worker. An activity learns that it was cancelled only from the
     * answer to a heartbeat that reaches the server, and the SDK sends heartbeats at most every
     * {@code min(0.8 × heartbeatTimeout, maxHeartbeatThrottleInterval)}; the SDK's default of 60 s would delay a stop
     * decision by up to a minute. 100 ms makes cancellation land within about 100 ms plus one round trip.
     */
    public static final Duration HEARTBEAT_THROTTLE = Duration.ofMillis(100);

    /** Default number of activities one worker runs at the same time. */
    public static final int DEFAULT_MAX_CONCURRENT_ACTIVITIES = 8;

    /** Default time to wait for a server to answer its health check. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(15);

    private static final ObjectMapper MAPPER = newObjectMapper();
    private static final DataConverter DATA_CONVERTER = DefaultDataConverter.newDefaultInstance()
            .withPayloadConverterOverrides(new JacksonJsonPayloadConverter(MAPPER));

    private TemporalClients() {
    }

    /**
     * A new copy of the ObjectMapper behind nasflow's Temporal payloads: Temporal's default mapper (java.time and
     * Optional support, fields visible) plus constructor parameter names, so Java records and classes such as
     * {@code Genome} round-trip as plain JSON objects. Use it wherever JSON must match what workflows see.
     */
    public static ObjectMapper objectMapper() {
        return MAPPER.copy();
    }

    private static ObjectMapper newObjectMapper() {
        ObjectMapper m = JacksonJsonPayloadConverter.newDefaultObjectMapper();
        m.registerModule(new ParameterNamesModule());
        return m;
    }

    /** nasflow's data converter: Temporal's standard converters with the JSON one using {@link #objectMapper()}. */
    public static DataConverter dataConverter() {
        return DATA_CONVERTER;
    }

    /**
     * Service-stub options for {@code settings}: target, TLS (client certificate, CA or system trust, server name,
     * host-name check) and API key.
     *
     * @throws IllegalArgumentException when the settings have no address, or a TLS file is missing or malformed (the
     *                                  message names the option and the fix)
     */
    public static WorkflowServiceStubsOptions stubsOptions(TemporalSettings settings) {
        return stubsOptions(settings, null);
    }

    /**
     * As {@link #stubsOptions(TemporalSettings)}, with the SDK's metrics reported to {@code metricsScope} (a tally
     * scope, e.g. over Micrometer; null = no SDK metrics). Workers made from a client on these stubs report there too.
     */
    public static WorkflowServiceStubsOptions stubsOptions(TemporalSettings settings, Scope metricsScope) {
        String target = settings.address().orElseThrow(() -> new IllegalArgumentException(
                "no Temporal address: give --temporal HOST:PORT (or " + TemporalSettings.ENV_ADDRESS
                        + "), or use EmbeddedTemporal for the in-process server"));
        WorkflowServiceStubsOptions.Builder b = WorkflowServiceStubsOptions.newBuilder().setTarget(target);
        if (settings.tlsEnabled()) {
            b.setSslContext(sslContext(settings));
        } else {
            // an API key alone would switch TLS on inside the SDK; an explicit --tls=false wins
            b.setEnableHttps(false);
        }
        settings.tlsServerName().ifPresent(name -> b.setChannelInitializer(cb -> cb.overrideAuthority(name)));
        settings.apiKey().ifPresent(key -> b.addApiKey(() -> key));
        if (metricsScope != null) {
            b.setMetricsScope(metricsScope);
        }
        return b.build();
    }

    /** Stubs for {@code settings}, not yet connected (the first call connects). Shut them down when done. */
    public static WorkflowServiceStubs newStubs(TemporalSettings settings) {
        return newStubs(settings, null);
    }

    /** As {@link #newStubs(TemporalSettings)}, reporting SDK metrics to {@code metricsScope} (null = none). */
    public static WorkflowServiceStubs newStubs(TemporalSettings settings, Scope metricsScope) {
        return WorkflowServiceStubs.newServiceStubs(stubsOptions(settings, metricsScope));
    }

    /**
     * Stubs for {@code settings} whose server answered its health check within {@code timeout}, and which knows the
     * settings' namespace. A server that is not up yet is retried until the timeout; a refused API key or a failed TLS
     * handshake fails at once.
     *
     * @throws IllegalStateException naming the address and what to check when the server does not answer, refuses
     *                               the credentials, or lacks the namespace
     */
    public static WorkflowServiceStubs connect(TemporalSettings settings, Duration timeout) {
        return connect(settings, timeout, null);
    }

    /** As {@link #connect(TemporalSettings, Duration)}, reporting SDK metrics to {@code metricsScope} (null = none). */
    public static WorkflowServiceStubs connect(TemporalSettings settings, Duration timeout, Scope metricsScope) {
        WorkflowServiceStubs stubs = newStubs(settings, metricsScope);
        String where = "Temporal server at " + settings.address().orElse("?");
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                try {
                    stubs.healthCheck();
                    break;
                } catch (StatusRuntimeException e) {
                    Status.Code code = e.getStatus().getCode();
                    if (code == Status.Code.UNAUTHENTICATED || code == Status.Code.PERMISSION_DENIED) {
                        throw new IllegalStateException(where + " refused the credentials (" + e.getMessage()
                                + "): check the API key (" + TemporalSettings.ENV_API_KEY + ") and the client "
                                + "certificate (--tls-cert-path / --tls-key-path); " + settings, e);
                    }
                    Throwable ssl = sslCause(e);
                    if (ssl != null) {
                        throw new IllegalStateException(where + ": TLS handshake failed (" + rootMessage(ssl)
                                + "): check --tls-ca-path (the CA that signed the server certificate), "
                                + "--tls-server-name (the name in the certificate), the client certificate, or "
                                + "--tls=false for a plain-text server; " + settings, e);
                    }
                    if (System.nanoTime() > deadline) {
                        throw new TemporalUnreachableException(where + " did not answer within "
                                + timeout.toMillis() + " ms (" + e.getMessage() + "): check --temporal / "
                                + TemporalSettings.ENV_ADDRESS + " and that the server runs; " + settings,
                                settings.address().orElse("?"), e.getMessage(), e);
                    }
                    sleepQuietly(100);
                }
            }
            checkNamespace(stubs, settings);
            return stubs;
        } catch (RuntimeException e) {
            stubs.shutdownNow();
            throw e;
        }
    }

    private static Throwable sslCause(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException) {
                return t;
            }
        }
        return null;
    }

    /** The innermost cause's message: for TLS failures it says what was wrong with the certificate. */
    private static String rootMessage(Throwable t) {
        String msg = t.getMessage();
        for (Throwable c = t.getCause(); c != null && c != t; t = c, c = c.getCause()) {
            if (c.getMessage() != null) {
                msg = c.getClass().getSimpleName() + ": " + c.getMessage();
            }
        }
        return msg;
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to Temporal", e);
        }
    }

    /**
     * Fails with a clear message when the server does not know the settings' namespace. The in-process test server
     * accepts every namespace.
     */
    public static void checkNamespace(WorkflowServiceStubs stubs, TemporalSettings settings) {
        try {
            stubs.blockingStub().describeNamespace(
                    DescribeNamespaceRequest.newBuilder().setNamespace(settings.namespace()).build());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                throw new IllegalStateException("Temporal namespace '" + settings.namespace() + "' does not exist on "
                        + settings.address().orElse("the server") + ": create it (temporal operator namespace create "
                        + "--namespace " + settings.namespace() + ") or pick another with --namespace / "
                        + TemporalSettings.ENV_NAMESPACE, e);
            }
            throw e;
        }
    }

    /** A client on {@code stubs} in the settings' namespace with nasflow's data converter. */
    public static WorkflowClient newClient(WorkflowServiceStubs stubs, TemporalSettings settings) {
        return newClient(stubs, settings.namespace());
    }

    /** A client on {@code stubs} in {@code namespace} with nasflow's data converter. */
    public static WorkflowClient newClient(WorkflowServiceStubs stubs, String namespace) {
        return WorkflowClient.newInstance(stubs, clientOptions(namespace).build());
    }

    /** Client options: {@code namespace} and nasflow's data converter; add interceptors etc. before building. */
    public static WorkflowClientOptions.Builder clientOptions(String namespace) {
        return WorkflowClientOptions.newBuilder()
                .setNamespace(namespace)
                .setDataConverter(DATA_CONVERTER);
    }

    /** A worker factory on {@code client}; create workers with {@link #newWorker(WorkerFactory, String, int)}. */
    public static WorkerFactory newWorkerFactory(WorkflowClient client) {
        return WorkerFactory.newInstance(client, WorkerFactoryOptions.newBuilder().build());
    }

    /**
     * Worker options: at most {@code maxConcurrentActivities} activities at once, heartbeats throttled to at most
     * {@link #HEARTBEAT_THROTTLE} (also when an activity has no heartbeat timeout) so cancellation lands fast.
     */
    public static WorkerOptions workerOptions(int maxConcurrentActivities) {
        return workerOptions(maxConcurrentActivities, HEARTBEAT_THROTTLE);
    }

    /** As {@link #workerOptions(int)} with another heartbeat throttle bound (must be positive). */
    public static WorkerOptions workerOptions(int maxConcurrentActivities, Duration maxHeartbeatThrottle) {
        if (maxConcurrentActivities < 1) {
            throw new IllegalArgumentException("max concurrent activities is " + maxConcurrentActivities
                    + ": a worker needs at least 1 activity slot (--slots)");
        }
        if (maxHeartbeatThrottle.isZero() || maxHeartbeatThrottle.isNegative()) {
            throw new IllegalArgumentException("heartbeat throttle " + maxHeartbeatThrottle
                    + " must be positive, e.g. PT0.1S");
        }
        return WorkerOptions.newBuilder()
                .setMaxConcurrentActivityExecutionSize(maxConcurrentActivities)
                .setMaxHeartbeatThrottleInterval(maxHeartbeatThrottle)
                .setDefaultHeartbeatThrottleInterval(maxHeartbeatThrottle)
                // a shard's first workflow task schedules up to 1,000 activities: on a busy 2-core machine with a
                // cold JIT that took over the SDK's default 1 s, which fails the task as a "potential deadlock" and
                // retries it seconds later
                .setDefaultDeadlockDetectionTimeout(DEADLOCK_DETECTION.toMillis())
                .build();
    }

    /** How long a workflow thread may run without yielding before the SDK calls it a deadlock. */
    static final Duration DEADLOCK_DETECTION = Duration.ofSeconds(10);

    /** A worker polling {@code taskQueue} with {@link #workerOptions(int)}. */
    public static Worker newWorker(WorkerFactory factory, String taskQueue, int maxConcurrentActivities) {
        if (taskQueue == null || taskQueue.isBlank()) {
            throw new IllegalArgumentException("task queue is empty: give a task queue name, e.g. nasflow");
        }
        return factory.newWorker(taskQueue, workerOptions(maxConcurrentActivities));
    }

    // ---- TLS ----

    /**
     * The client TLS context for {@code settings}: client certificate + PKCS#8 key when given, the CA file (or the
     * JVM's default trust store), and the host-name check unless switched off.
     */
    public static SslContext sslContext(TemporalSettings settings) {
        X509ExtendedTrustManager trust = settings.tlsCaPath().map(TemporalClients::trustManagerFor).orElse(null);
        if (settings.tlsDisableHostVerification()) {
            trust = new NoHostNameCheck(trust != null ? trust : defaultTrustManager());
        }
        try {
            if (settings.tlsCertPath().isPresent()) {
                Path cert = readable(settings.tlsCertPath().get(), "--tls-cert-path", TemporalSettings.ENV_TLS_CERT);
                Path key = readable(settings.tlsKeyPath().orElseThrow(), "--tls-key-path", TemporalSettings.ENV_TLS_KEY);
                checkPemCertificate(cert, "--tls-cert-path");
                checkPkcs8Key(key);
                try (InputStream c = Files.newInputStream(cert); InputStream k = Files.newInputStream(key)) {
                    SimpleSslContextBuilder b = SimpleSslContextBuilder.forPKCS8(c, k);
                    if (trust != null) {
                        b.setTrustManager(trust);
                    }
                    return b.build();
                }
            }
            SimpleSslContextBuilder b = SimpleSslContextBuilder.noKeyOrCertChain();
            if (trust != null) {
                b.setTrustManager(trust);
            }
            return b.build();
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException iae && iae.getMessage() != null
                    && iae.getMessage().startsWith("temporal TLS")) {
                throw iae;
            }
            throw new IllegalArgumentException("temporal TLS: cannot build the TLS context from "
                    + settings + ": " + e.getMessage(), e);
        }
    }

    /** A trust manager that trusts exactly the certificates in the PEM file {@code caPath}. */
    static X509ExtendedTrustManager trustManagerFor(Path caPath) {
        Path ca = readable(caPath, "--tls-ca-path", TemporalSettings.ENV_TLS_CA);
        Collection<? extends Certificate> certs;
        try (InputStream in = Files.newInputStream(ca)) {
            certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException | CertificateException e) {
            throw new IllegalArgumentException("temporal TLS CA file " + ca + " is not a PEM X.509 certificate ("
                    + e.getMessage() + "): give the CA certificate in PEM (--tls-ca-path / "
                    + TemporalSettings.ENV_TLS_CA + ")", e);
        }
        if (certs.isEmpty()) {
            throw new IllegalArgumentException("temporal TLS CA file " + ca + " holds no certificate: give the CA "
                    + "certificate in PEM (--tls-ca-path / " + TemporalSettings.ENV_TLS_CA + ")");
        }
        try {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                ks.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            return extendedTrustManager(tmf);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a trust store from " + ca + ": " + e.getMessage(), e);
        }
    }

    private static X509ExtendedTrustManager defaultTrustManager() {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init((KeyStore) null);
            return extendedTrustManager(tmf);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the JVM's default trust store: " + e.getMessage(), e);
        }
    }

    private static X509ExtendedTrustManager extendedTrustManager(TrustManagerFactory tmf) {
        for (var tm : tmf.getTrustManagers()) {
            if (tm instanceof X509ExtendedTrustManager x) {
                return x;
            }
        }
        throw new IllegalStateException("no X509ExtendedTrustManager in " + tmf.getAlgorithm());
    }

    private static Path readable(Path p, String option, String env) {
        if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
            throw new IllegalArgumentException("temporal TLS file " + p + " does not exist or is not readable: fix "
                    + option + " / " + env);
        }
        return p;
    }

    private static void checkPemCertificate(Path cert, String option) throws IOException {
        String pem = Files.readString(cert, StandardCharsets.US_ASCII);
        if (!pem.contains("-----BEGIN CERTIFICATE-----")) {
            throw new IllegalArgumentException("temporal TLS certificate " + cert + " is not a PEM certificate "
                    + "(no BEGIN CERTIFICATE block): give the client certificate chain in PEM (" + option + ")");
        }
    }

    private static void checkPkcs8Key(Path key) throws IOException {
        String pem = Files.readString(key, StandardCharsets.US_ASCII);
        if (pem.contains("-----BEGIN PRIVATE KEY-----") || pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
            return;
        }
        String fix = "convert it with: openssl pkcs8 -topk8 -nocrypt -in " + key + " -out key.pk8.pem, then give "
                + "that file (--tls-key-path / " + TemporalSettings.ENV_TLS_KEY + ")";
        if (pem.contains("-----BEGIN RSA PRIVATE KEY-----") || pem.contains("-----BEGIN EC PRIVATE KEY-----")) {
            throw new IllegalArgumentException("temporal TLS key " + key + " is in PKCS#1/SEC1 form; nasflow needs "
                    + "PKCS#8 PEM: " + fix);
        }
        throw new IllegalArgumentException("temporal TLS key " + key + " is not a PEM private key: " + fix);
    }

    /** Checks the certificate chain with {@code delegate} but not the host name (--tls-disable-host-verification). */
    static final class NoHostNameCheck extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager delegate;

        NoHostNameCheck(X509ExtendedTrustManager delegate) {
            this.delegate = delegate;
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            delegate.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            delegate.checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            delegate.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            // the two-argument check verifies the chain only; the socket/engine variants add the host-name check
            delegate.checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            delegate.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            delegate.checkServerTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return delegate.getAcceptedIssuers();
        }
    }
}
