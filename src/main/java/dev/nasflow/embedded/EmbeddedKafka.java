package dev.nasflow.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.internals.Exit;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka broker (KRaft, combined broker + controller, one static voter) running inside this JVM.
 *
 * <p>Storage is formatted on first start with {@link Formatter} under {@code workDir/kafka-logs}; later starts (also
 * from a new instance on the same work dir) reuse it, so {@link #stop()} followed by {@link #start()} restarts the
 * broker on the same data and the same ports. Ports are chosen once, when the instance is built, unless given.
 *
 * <p>Optionally the client listener is {@code SASL_SSL} (PLAIN and SCRAM-SHA-512 both enabled) with key material from
 * {@link TlsMaterial}; {@link #clientProperties(String, SaslMechanism)} returns what a client needs to connect. The
 * controller listener always stays PLAINTEXT on the loopback interface.
 *
 * <p>Kafka normally exits the JVM on a fatal broker error; by default an embedded broker replaces Kafka's exit and
 * halt procedures with ones that log, record the error ({@link #fatalError()}) and throw instead.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final Pattern CREDENTIAL = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final List<String> FATAL_ERRORS = new CopyOnWriteArrayList<>();
    private static boolean exitTrapped;

    /** SASL mechanisms the secured listener accepts. */
    public enum SaslMechanism {
        PLAIN("PLAIN", "org.apache.kafka.common.security.plain.PlainLoginModule"),
        SCRAM_SHA_512("SCRAM-SHA-512", "org.apache.kafka.common.security.scram.ScramLoginModule");

        private final String kafkaName;
        private final String loginModule;

        SaslMechanism(String kafkaName, String loginModule) {
            this.kafkaName = kafkaName;
            this.loginModule = loginModule;
        }

        /** The name Kafka uses in {@code sasl.mechanism}. */
        public String kafkaName() {
            return kafkaName;
        }

        /** A client {@code sasl.jaas.config} value for this mechanism. */
        public String jaasConfig(String user, String password) {
            return loginModule + " required username=\"" + user + "\" password=\"" + password + "\";";
        }
    }

    private final Path workDir;
    private final Path logDir;
    private final String host;
    private final int port;
    private final int controllerPort;
    private final int nodeId;
    private final int defaultPartitions;
    private final TlsMaterial tls;
    private final Map<String, String> saslUsers;
    private final String brokerUser;
    private final String brokerPassword;
    private final Map<String, String> overrides;
    private final boolean trapExit;
    private final Duration startTimeout;

    private KafkaRaftServer server;
    private String clusterId;
    private Duration lastStartDuration = Duration.ZERO;
    private int starts;

    private EmbeddedKafka(Builder b) {
        this.workDir = b.workDir.toAbsolutePath().normalize();
        this.logDir = workDir.resolve("kafka-logs");
        this.host = b.host;
        this.port = b.port > 0 ? b.port : freePort(b.host);
        int cp = b.controllerPort > 0 ? b.controllerPort : freePort(b.host);
        while (cp == this.port) {
            cp = freePort(b.host);
        }
        this.controllerPort = cp;
        this.nodeId = b.nodeId;
        this.defaultPartitions = b.defaultPartitions;
        this.tls = b.tls;
        this.saslUsers = Collections.unmodifiableMap(new LinkedHashMap<>(b.saslUsers));
        this.brokerUser = "nasflow-broker";
        this.brokerPassword = TlsMaterial.randomToken(24);
        this.overrides = Collections.unmodifiableMap(new LinkedHashMap<>(b.overrides));
        this.trapExit = b.trapExit;
        this.startTimeout = b.startTimeout;
    }

    /** A builder for a broker keeping its data under {@code workDir}. */
    public static Builder builder(Path workDir) {
        return new Builder(workDir);
    }

    /** Starts a plaintext broker with defaults under {@code workDir}. */
    public static EmbeddedKafka start(Path workDir) {
        return builder(workDir).build().start();
    }

    /**
     * Starts the broker (formatting storage first if needed) and returns when it accepts clients. Does nothing when
     * already running. Throws {@link IllegalStateException} when the broker cannot start; the partial server is shut
     * down first.
     */
    public synchronized EmbeddedKafka start() {
        if (server != null) {
            return this;
        }
        long t0 = System.nanoTime();
        if (trapExit) {
            trapKafkaExit();
        }
        try {
            Files.createDirectories(logDir);
            clusterId = formatIfNeeded();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare Kafka storage under " + logDir, e);
        }
        KafkaConfig config = new KafkaConfig(brokerProperties(), false);
        KafkaRaftServer s = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            s.startup();
        } catch (RuntimeException | Error e) {
            shutdownQuietly(s);
            throw new IllegalStateException("embedded Kafka failed to start on " + bootstrapServers()
                    + " (data " + logDir + "): " + e.getMessage(), e);
        }
        server = s;
        starts++;
        lastStartDuration = Duration.ofNanos(System.nanoTime() - t0);
        log.info("embedded Kafka {} started on {} ({}) in {} ms, data {}", clusterId, bootstrapServers(),
                isSecured() ? "SASL_SSL" : "PLAINTEXT", lastStartDuration.toMillis(), logDir);
        return this;
    }

    /**
     * Shuts the broker down gracefully (logs flushed, ports released, broker threads ended) and keeps its data, so
     * {@link #start()} can bring it back on the same directory and ports. Does nothing when not running.
     */
    public synchronized void stop() {
        KafkaRaftServer s = server;
        if (s == null) {
            return;
        }
        server = null;
        long t0 = System.nanoTime();
        shutdownQuietly(s);
        awaitPortFree(port, Duration.ofSeconds(10));
        awaitPortFree(controllerPort, Duration.ofSeconds(10));
        log.info("embedded Kafka on {} stopped in {} ms", bootstrapServers(),
                Duration.ofNanos(System.nanoTime() - t0).toMillis());
    }

    /** {@link #stop()} then {@link #start()}: same data directory, same ports. */
    public synchronized EmbeddedKafka restart() {
        stop();
        return start();
    }

    /** Stops the broker; the data directory stays (delete the work dir yourself if it was temporary). */
    @Override
    public void close() {
        stop();
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    /** {@code host:port} of the client listener. */
    public String bootstrapServers() {
        return hostForClients() + ":" + port;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public int controllerPort() {
        return controllerPort;
    }

    public Path workDir() {
        return workDir;
    }

    /** The broker's log (and metadata log) directory. */
    public Path logDir() {
        return logDir;
    }

    /** The cluster id written at format time; null before the first start. */
    public synchronized String clusterId() {
        return clusterId;
    }

    /** How long the last {@link #start()} took (format included). */
    public synchronized Duration lastStartDuration() {
        return lastStartDuration;
    }

    /** How many times this instance was started. */
    public synchronized int starts() {
        return starts;
    }

    /** True when the client listener is SASL_SSL. */
    public boolean isSecured() {
        return tls != null;
    }

    /** The users accepted by the SASL_SSL listener (name → password); empty for a plaintext broker. */
    public Map<String, String> saslUsers() {
        return saslUsers;
    }

    /** Client properties for a plaintext broker: only {@code bootstrap.servers}. */
    public Map<String, String> clientProperties() {
        if (isSecured()) {
            throw new IllegalStateException("this broker's listener is SASL_SSL: use clientProperties(user, mechanism)");
        }
        return Map.of("bootstrap.servers", bootstrapServers());
    }

    /**
     * Client properties to reach the SASL_SSL listener as {@code user}: bootstrap servers, security protocol, SASL
     * mechanism and JAAS config, and the trust store.
     */
    public Map<String, String> clientProperties(String user, SaslMechanism mechanism) {
        if (!isSecured()) {
            throw new IllegalStateException("this broker's listener is PLAINTEXT: build it with saslSsl(...)");
        }
        String password = saslUsers.get(user);
        if (password == null) {
            throw new IllegalArgumentException("unknown SASL user '" + user + "': known users are " + saslUsers.keySet());
        }
        Map<String, String> p = new LinkedHashMap<>();
        p.put("bootstrap.servers", bootstrapServers());
        p.putAll(tlsClientProperties());
        p.put("sasl.mechanism", mechanism.kafkaName());
        p.put("sasl.jaas.config", mechanism.jaasConfig(user, password));
        return p;
    }

    /** Only the TLS part of the client properties (security protocol and trust store), without credentials. */
    public Map<String, String> tlsClientProperties() {
        if (!isSecured()) {
            throw new IllegalStateException("this broker's listener is PLAINTEXT");
        }
        Map<String, String> p = new LinkedHashMap<>();
        p.put("security.protocol", "SASL_SSL");
        p.put("ssl.truststore.location", tls.trustStore().toString());
        p.put("ssl.truststore.password", tls.password());
        p.put("ssl.truststore.type", TlsMaterial.STORE_TYPE);
        return p;
    }

    /** Fatal errors Kafka reported through its exit/halt procedures while exits were trapped (any broker). */
    public static List<String> fatalErrors() {
        return List.copyOf(FATAL_ERRORS);
    }

    private String hostForClients() {
        return host.contains(":") ? "[" + host + "]" : host;
    }

    private String listenerName() {
        return isSecured() ? "SASL_SSL" : "PLAINTEXT";
    }

    private String formatIfNeeded() throws IOException {
        Path meta = logDir.resolve(MetaPropertiesEnsemble.META_PROPERTIES_NAME);
        if (Files.exists(meta)) {
            Properties p = new Properties();
            try (var in = Files.newInputStream(meta)) {
                p.load(in);
            }
            String id = p.getProperty("cluster.id");
            String node = p.getProperty("node.id");
            if (id == null || node == null) {
                throw new IOException(meta + " has no cluster.id/node.id: delete " + logDir + " to start afresh");
            }
            if (Integer.parseInt(node.trim()) != nodeId) {
                throw new IOException(meta + " belongs to node " + node + ", not " + nodeId
                        + ": use nodeId(" + node + ") or another work dir");
            }
            return id.trim();
        }
        String id = Uuid.randomUuid().toString();
        Formatter f = new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(nodeId)
                .setClusterId(id)
                .setControllerListenerName("CONTROLLER")
                .setMetadataLogDirectory(logDir.toString())
                .addDirectory(logDir.toString())
                .setReleaseVersion(MetadataVersion.latestProduction());
        if (isSecured()) {
            List<String> scram = new ArrayList<>();
            scram.add("SCRAM-SHA-512=[name=" + brokerUser + ",password=" + brokerPassword + "]");
            saslUsers.forEach((u, pw) -> scram.add("SCRAM-SHA-512=[name=" + u + ",password=" + pw + "]"));
            f.setScramArguments(scram);
        }
        try {
            f.run();
        } catch (Exception e) {
            throw new IOException("cannot format Kafka storage in " + logDir + ": " + e.getMessage(), e);
        }
        return id;
    }

    private Properties brokerProperties() {
        String listener = listenerName();
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(nodeId));
        p.put("controller.quorum.voters", nodeId + "@" + hostForClients() + ":" + controllerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("listeners", listener + "://" + hostForClients() + ":" + port + ",CONTROLLER://" + hostForClients()
                + ":" + controllerPort);
        p.put("advertised.listeners", listener + "://" + hostForClients() + ":" + port);
        p.put("listener.security.protocol.map", listener + ":" + listener + ",CONTROLLER:PLAINTEXT");
        p.put("inter.broker.listener.name", listener);
        p.put("log.dirs", logDir.toString());
        p.put("metadata.log.dir", logDir.toString());
        p.put("num.partitions", Integer.toString(defaultPartitions));
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("share.coordinator.state.topic.num.partitions", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // a small machine: few threads, small cleaner buffer
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("background.threads", "2");
        p.put("num.recovery.threads.per.data.dir", "1");
        p.put("num.replica.fetchers", "1");
        p.put("log.cleaner.threads", "1");
        p.put("log.cleaner.dedupe.buffer.size", Long.toString(16L * 1024 * 1024));
        p.put("broker.heartbeat.interval.ms", "500");
        p.put("server.max.startup.time.ms", Long.toString(startTimeout.toMillis()));
        if (isSecured()) {
            String prefix = "listener.name." + listener.toLowerCase() + ".";
            p.put("sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-512");
            p.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
            StringBuilder plain = new StringBuilder(SaslMechanism.PLAIN.loginModule)
                    .append(" required username=\"").append(brokerUser).append("\" password=\"")
                    .append(brokerPassword).append("\" user_").append(brokerUser).append("=\"")
                    .append(brokerPassword).append('"');
            saslUsers.forEach((u, pw) -> plain.append(" user_").append(u).append("=\"").append(pw).append('"'));
            plain.append(';');
            p.put(prefix + "plain.sasl.jaas.config", plain.toString());
            p.put(prefix + "scram-sha-512.sasl.jaas.config",
                    SaslMechanism.SCRAM_SHA_512.jaasConfig(brokerUser, brokerPassword));
            p.put("ssl.keystore.location", tls.keyStore().toString());
            p.put("ssl.keystore.password", tls.password());
            p.put("ssl.key.password", tls.password());
            p.put("ssl.keystore.type", TlsMaterial.STORE_TYPE);
            p.put("ssl.truststore.location", tls.trustStore().toString());
            p.put("ssl.truststore.password", tls.password());
            p.put("ssl.truststore.type", TlsMaterial.STORE_TYPE);
            p.put("ssl.client.auth", "none");
        }
        p.putAll(overrides);
        return p;
    }

    private static void shutdownQuietly(KafkaRaftServer s) {
        try {
            s.shutdown();
            s.awaitShutdown();
        } catch (RuntimeException e) {
            log.warn("embedded Kafka shutdown reported an error: {}", e.toString());
        }
    }

    private static synchronized void trapKafkaExit() {
        if (exitTrapped) {
            return;
        }
        exitTrapped = true;
        Exit.setExitProcedure((code, message) -> fatal("exit", code, message));
        Exit.setHaltProcedure((code, message) -> fatal("halt", code, message));
    }

    private static void fatal(String kind, int code, String message) {
        String text = "Kafka requested JVM " + kind + " with status " + code + (message == null ? "" : ": " + message);
        FATAL_ERRORS.add(text);
        log.error("embedded Kafka: {} (trapped; the JVM keeps running)", text);
        throw new IllegalStateException(text);
    }

    private void awaitPortFree(int p, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (canBind(host, p)) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        log.warn("port {} still in use {} ms after the embedded broker stopped", p, timeout.toMillis());
    }

    static boolean canBind(String host, int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(host), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort(String host) {
        return FreePorts.reserve(host);
    }

    /** Options for {@link EmbeddedKafka}. */
    public static final class Builder {
        private final Path workDir;
        private String host = "127.0.0.1";
        private int port;
        private int controllerPort;
        private int nodeId = 1;
        private int defaultPartitions = 1;
        private TlsMaterial tls;
        private final Map<String, String> saslUsers = new LinkedHashMap<>();
        private final Map<String, String> overrides = new LinkedHashMap<>();
        private boolean trapExit = true;
        private Duration startTimeout = Duration.ofMinutes(2);

        private Builder(Path workDir) {
            this.workDir = Objects.requireNonNull(workDir, "workDir");
        }

        /** Interface to bind and advertise (default 127.0.0.1). */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** Client listener port; 0 (default) picks a free one. */
        public Builder port(int port) {
            this.port = checkPort(port, "port");
            return this;
        }

        /** Controller listener port; 0 (default) picks a free one. */
        public Builder controllerPort(int port) {
            this.controllerPort = checkPort(port, "controllerPort");
            return this;
        }

        public Builder nodeId(int nodeId) {
            if (nodeId < 0) {
                throw new IllegalArgumentException("nodeId must be >= 0, got " + nodeId);
            }
            this.nodeId = nodeId;
            return this;
        }

        /** {@code num.partitions} for auto-created topics (default 1). */
        public Builder defaultPartitions(int partitions) {
            if (partitions < 1) {
                throw new IllegalArgumentException("defaultPartitions must be >= 1, got " + partitions);
            }
            this.defaultPartitions = partitions;
            return this;
        }

        /**
         * Makes the client listener SASL_SSL with this key material; {@code users} (name → password, letters, digits,
         * {@code _ . -} only) may log in with PLAIN or SCRAM-SHA-512. SCRAM credentials are written when the storage
         * is formatted, so users added later to an existing work dir only work with PLAIN.
         */
        public Builder saslSsl(TlsMaterial tls, Map<String, String> users) {
            Objects.requireNonNull(tls, "tls");
            if (users.isEmpty()) {
                throw new IllegalArgumentException("saslSsl needs at least one user");
            }
            users.forEach((u, pw) -> {
                if (!CREDENTIAL.matcher(u).matches() || !CREDENTIAL.matcher(pw).matches()) {
                    throw new IllegalArgumentException("SASL user '" + u + "': names and passwords may only use "
                            + "letters, digits, '_', '.', '-' (1-64 characters)");
                }
            });
            this.tls = tls;
            this.saslUsers.clear();
            this.saslUsers.putAll(users);
            return this;
        }

        /** Any broker property, applied last (overrides the embedded defaults). */
        public Builder brokerProperty(String key, String value) {
            overrides.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Whether to replace Kafka's JVM exit/halt on fatal errors by log + exception (default true). */
        public Builder trapExit(boolean trapExit) {
            this.trapExit = trapExit;
            return this;
        }

        /** Upper bound for one start ({@code server.max.startup.time.ms}, default 2 minutes). */
        public Builder startTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("startTimeout must be positive");
            }
            this.startTimeout = timeout;
            return this;
        }

        /** Builds the broker (ports fixed now); call {@link EmbeddedKafka#start()} to run it. */
        public EmbeddedKafka build() {
            return new EmbeddedKafka(this);
        }

        /** {@code build().start()}. */
        public EmbeddedKafka start() {
            return build().start();
        }

        private static int checkPort(int port, String name) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException(name + " must be 0 (pick a free one) or 1-65535, got " + port);
            }
            return port;
        }
    }
}
