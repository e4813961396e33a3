package dev.nasflow.embedded;

import com.uber.m3.tally.Scope;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.internal.testservice.GRPCServerHelper;
import io.temporal.internal.testservice.TestServicesStarter;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.worker.WorkerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The Temporal server a nasflow process talks to, and the client on it.
 *
 * <p>By default this starts the in-process Temporal Java test server (real time, no time skipping), served over gRPC
 * on a free port of 127.0.0.1, so that other JVMs (workers) and the {@code temporal} CLI can reach it at
 * {@link #address()}. Its state lives in memory and dies with the process. It implements the workflow, activity,
 * signal, update, query and history APIs, but not visibility queries ({@code ListWorkflowExecutions}/{@code Count},
 * so no {@code temporal workflow list}), namespace management or schedules: use the real dev server
 * ({@link TemporalDevServer}) or a real cluster for those.
 *
 * <p>When the settings name an external server ({@code --temporal HOST:PORT} / {@code TEMPORAL_ADDRESS}), nothing is
 * started: this connects to it (health check, namespace check) with the settings' TLS and API key.
 *
 * <pre>{@code
 * try (EmbeddedTemporal temporal = EmbeddedTemporal.start(TemporalSettings.fromEnv())) {
 *     WorkerFactory factory = temporal.newWorkerFactory();
 *     Worker worker = TemporalClients.newWorker(factory, "nasflow", 8);
 *     ... register; factory.start();
 *     temporal.client().newWorkflowStub(...);
 * }   // shuts down the factories made here, the client's stubs, then the server
 * }</pre>
 */
public final class EmbeddedTemporal implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedTemporal.class);

    /** Loopback: the in-process server is reachable from this machine only unless another bind host is given. */
    public static final String DEFAULT_BIND_HOST = "127.0.0.1";

    private final TestServicesStarter services;
    private final Server server;
    private final TemporalSettings settings;
    private final WorkflowServiceStubs stubs;
    private final WorkflowClient client;
    private final List<WorkerFactory> factories = new ArrayList<>();
    private boolean closed;

    private EmbeddedTemporal(TestServicesStarter services, Server server, TemporalSettings settings,
                             WorkflowServiceStubs stubs) {
        this.services = services;
        this.server = server;
        this.settings = settings;
        this.stubs = stubs;
        WorkflowClientOptions.Builder options = TemporalClients.clientOptions(settings.namespace());
        if (server != null) {
            // the test server has no worker-heartbeat RPC; without this each worker factory logs a warning
            options.setWorkerHeartbeatInterval(Duration.ofSeconds(-1));
        }
        this.client = WorkflowClient.newInstance(stubs, options.build());
    }

    /**
     * Connects to the external server in {@code settings}, or starts the in-process server on a free loopback port
     * when the settings have no address.
     */
    public static EmbeddedTemporal start(TemporalSettings settings) {
        return start(settings, null);
    }

    /** As {@link #start(TemporalSettings)}, with the client's SDK metrics reported to {@code metricsScope}. */
    public static EmbeddedTemporal start(TemporalSettings settings, Scope metricsScope) {
        if (settings.isExternal()) {
            return connect(settings, TemporalClients.DEFAULT_CONNECT_TIMEOUT, metricsScope);
        }
        return builder().namespace(settings.namespace()).metricsScope(metricsScope).start();
    }

    /** The in-process server on a free port of 127.0.0.1, namespace {@value TemporalSettings#DEFAULT_NAMESPACE}. */
    public static EmbeddedTemporal startInProcess() {
        return builder().start();
    }

    /** Connects to an external server (no server is started; {@link #close()} only closes the client). */
    public static EmbeddedTemporal connect(TemporalSettings settings, Duration timeout) {
        return connect(settings, timeout, null);
    }

    /** As {@link #connect(TemporalSettings, Duration)}, reporting SDK metrics to {@code metricsScope} (null = none). */
    public static EmbeddedTemporal connect(TemporalSettings settings, Duration timeout, Scope metricsScope) {
        if (!settings.isExternal()) {
            throw new IllegalArgumentException("connect needs an external address (--temporal HOST:PORT or "
                    + TemporalSettings.ENV_ADDRESS + "); use start() for the in-process server");
        }
        WorkflowServiceStubs stubs = TemporalClients.connect(settings, timeout, metricsScope);
        log.info("Temporal: using external server {} namespace {}", settings.address().orElseThrow(),
                settings.namespace());
        return new EmbeddedTemporal(null, null, settings, stubs);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code HOST:PORT} of the server, for workers in other processes and the {@code temporal} CLI. */
    public String address() {
        return settings.address().orElseThrow();
    }

    /** The port the server listens on. */
    public int port() {
        return settings.port().orElseThrow();
    }

    public String namespace() {
        return settings.namespace();
    }

    /** True when this process runs the server (in-process test server); false for an external one. */
    public boolean isInProcess() {
        return server != null;
    }

    /**
     * Settings that reach this server from another process (address, namespace, and for an external server its TLS and
     * API key). Pass them to {@link TemporalClients} or, as environment variables, to a worker process.
     */
    public TemporalSettings settings() {
        return settings;
    }

    /** The shared stubs of this process's client. */
    public WorkflowServiceStubs stubs() {
        return stubs;
    }

    /** A client with nasflow's data converter in {@link #namespace()}. */
    public WorkflowClient client() {
        return client;
    }

    /**
     * A worker factory on {@link #client()} that {@link #close()} shuts down; add workers with
     * {@link TemporalClients#newWorker(WorkerFactory, String, int)} and call {@code start()}.
     */
    public synchronized WorkerFactory newWorkerFactory() {
        if (closed) {
            throw new IllegalStateException("EmbeddedTemporal is closed");
        }
        WorkerFactory f = TemporalClients.newWorkerFactory(client);
        factories.add(f);
        return f;
    }

    /**
     * Shuts down, in order: the worker factories made by {@link #newWorkerFactory()} (running activities are
     * interrupted after a short grace period), the client's stubs, and the in-process server. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (WorkerFactory f : factories) {
            f.shutdown();
        }
        for (WorkerFactory f : factories) {
            f.awaitTermination(5, TimeUnit.SECONDS);
            if (!f.isTerminated()) {
                f.shutdownNow();
                f.awaitTermination(5, TimeUnit.SECONDS);
            }
        }
        stubs.shutdown();
        try {
            if (!stubs.awaitTermination(5, TimeUnit.SECONDS)) {
                stubs.shutdownNow();
                stubs.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (RuntimeException e) {
            log.debug("stubs shutdown", e);
        }
        if (server != null) {
            server.shutdown();
            try {
                if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                    server.shutdownNow();
                    server.awaitTermination(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                server.shutdownNow();
            }
            services.close();
            log.info("Temporal: in-process server on {} stopped", settings.address().orElseThrow());
        }
    }

    @Override
    public String toString() {
        return "EmbeddedTemporal{" + (isInProcess() ? "in-process " : "external ") + settings + "}";
    }

    /** Options of the in-process server. */
    public static final class Builder {
        private String bindHost = DEFAULT_BIND_HOST;
        private int port;
        private String namespace = TemporalSettings.DEFAULT_NAMESPACE;
        private Path tlsCertChain;
        private Path tlsKey;
        private Path tlsClientCa;
        private String apiKey;
        private Scope metricsScope;

        private Builder() {
        }

        /** Report the client's (and its workers') SDK metrics to this tally scope; null = none. */
        public Builder metricsScope(Scope scope) {
            this.metricsScope = scope;
            return this;
        }

        /** Interface to listen on (default 127.0.0.1; {@code 0.0.0.0} for every interface). */
        public Builder bindHost(String bindHost) {
            this.bindHost = Objects.requireNonNull(bindHost, "bindHost");
            return this;
        }

        /** Port to listen on; 0 (default) picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("temporal port " + port + " outside 0..65535 (0 = any free port)");
            }
            this.port = port;
            return this;
        }

        /** Namespace of the client (the test server accepts any namespace). */
        public Builder namespace(String namespace) {
            this.namespace = namespace;
            return this;
        }

        /**
         * Serve TLS with this certificate chain and PKCS#8 key (PEM); with {@code clientCa} non-null, also require
         * client certificates signed by it (mutual TLS).
         */
        public Builder tls(Path certChain, Path key, Path clientCa) {
            this.tlsCertChain = Objects.requireNonNull(certChain, "certChain");
            this.tlsKey = Objects.requireNonNull(key, "key");
            this.tlsClientCa = clientCa;
            return this;
        }

        /** Require {@code authorization: Bearer <apiKey>} on every request (as Temporal Cloud does). */
        public Builder requireApiKey(String apiKey) {
            this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey;
            return this;
        }

        /**
         * Starts the server and a client on it. The client trusts {@code tls}'s certificate chain as CA and, for mutual
         * TLS, presents that same certificate and key; {@link #settings()} carries those options.
         */
        public EmbeddedTemporal start() {
            TestServicesStarter services = new TestServicesStarter(true, 0);
            Server server = null;
            try {
                NettyServerBuilder sb = NettyServerBuilder.forAddress(new InetSocketAddress(bindHost, port));
                if (tlsCertChain != null) {
                    SslContextBuilder ssl = GrpcSslContexts.forServer(tlsCertChain.toFile(), tlsKey.toFile());
                    if (tlsClientCa != null) {
                        ssl.trustManager(tlsClientCa.toFile()).clientAuth(ClientAuth.REQUIRE);
                    }
                    sb.sslContext(ssl.build());
                }
                List<ServerInterceptor> interceptors = apiKey == null ? List.of() : List.of(new BearerCheck(apiKey));
                GRPCServerHelper.registerServicesAndHealthChecks(services.getServices(), sb, interceptors);
                server = sb.build().start();
                String host = bindHost.equals("0.0.0.0") || bindHost.equals("::") ? "127.0.0.1" : bindHost;
                String address = (host.contains(":") ? "[" + host + "]" : host) + ":" + server.getPort();
                TemporalSettings.Builder s = TemporalSettings.builder().address(address).namespace(namespace);
                if (tlsCertChain != null) {
                    s.tlsCaPath(tlsCertChain);
                    if (tlsClientCa != null) {
                        s.tlsClientCert(tlsCertChain, tlsKey);
                    }
                }
                s.apiKey(apiKey);
                TemporalSettings settings = s.build();
                WorkflowServiceStubs stubs = TemporalClients.newStubs(settings, metricsScope);
                log.info("Temporal: in-process test server on {}{}{}", address, tlsCertChain != null ? " (TLS)" : "",
                        apiKey != null ? " (API key required)" : "");
                return new EmbeddedTemporal(services, server, settings, stubs);
            } catch (IOException e) {
                cleanup(server, services);
                throw new UncheckedIOException("cannot start the in-process Temporal server on " + bindHost + ":"
                        + port + " (" + e.getMessage() + "): pick a free port or 0 for any", e);
            } catch (RuntimeException e) {
                cleanup(server, services);
                throw e;
            }
        }

        private static void cleanup(Server server, TestServicesStarter services) {
            if (server != null) {
                server.shutdownNow();
            }
            services.close();
        }
    }

    /** Rejects calls whose {@code authorization} header is not {@code Bearer <key>}. */
    private static final class BearerCheck implements ServerInterceptor {
        private static final Metadata.Key<String> AUTHORIZATION =
                Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
        private final byte[] expected;

        BearerCheck(String apiKey) {
            this.expected = ("Bearer " + apiKey).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                           ServerCallHandler<Q, R> next) {
            String got = headers.get(AUTHORIZATION);
            if (got == null || !MessageDigest.isEqual(expected, got.getBytes(StandardCharsets.UTF_8))) {
                call.close(Status.UNAUTHENTICATED.withDescription(got == null ? "missing API key"
                        : "invalid API key"), new Metadata());
                return new ServerCall.Listener<>() {
                };
            }
            return next.startCall(call, headers);
        }
    }
}
