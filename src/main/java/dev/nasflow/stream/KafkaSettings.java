package dev.nasflow.stream;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * Where the Kafka brokers are and how to talk to them: bootstrap servers plus client properties passed through to
 * every producer, consumer and admin client built by {@link KafkaClients} (typically security settings:
 * {@code security.protocol}, {@code sasl.mechanism}, {@code sasl.jaas.config}, {@code ssl.truststore.*},
 * {@code ssl.keystore.*}).
 *
 * <p>Sources, first one wins for the bootstrap servers: the {@code --kafka HOST:PORT} option, the environment
 * variable {@value #ENV_BOOTSTRAP}, then {@code bootstrap.servers} in the properties file. The properties file is
 * given by {@code --kafka-properties FILE} or the environment variable {@value #ENV_PROPERTIES}.
 *
 * <p>Settings nasflow relies on cannot be overridden from the file (serializers, {@code acks},
 * {@code enable.idempotence}, {@code enable.auto.commit}); trying is an error naming the property.
 *
 * @param bootstrapServers  comma-separated {@code host:port} list
 * @param clientProperties  extra client properties (never {@code bootstrap.servers})
 */
public record KafkaSettings(String bootstrapServers, Map<String, String> clientProperties) {
    /** Environment variable with the bootstrap servers. */
    public static final String ENV_BOOTSTRAP = "KAFKA_BOOTSTRAP_SERVERS";
    /** Environment variable with the path of a client properties file. */
    public static final String ENV_PROPERTIES = "NASFLOW_KAFKA_PROPERTIES";

    /** Properties nasflow sets itself on every client; a properties file may not change them. */
    public static final Set<String> RESERVED = Set.of("key.serializer", "value.serializer", "key.deserializer",
            "value.deserializer", "acks", "enable.idempotence", "enable.auto.commit");

    public KafkaSettings {
        bootstrapServers = checkBootstrap(bootstrapServers, "bootstrap servers");
        Map<String, String> copy = new TreeMap<>();
        for (Map.Entry<String, String> e : clientProperties.entrySet()) {
            String k = e.getKey().strip();
            if (k.equals("bootstrap.servers")) {
                continue;
            }
            if (RESERVED.contains(k)) {
                throw new IllegalArgumentException("Kafka client property '" + k + "' is set by nasflow (producers "
                        + "are idempotent with acks=all, consumers commit explicitly, values are JSON): remove it "
                        + "from the client properties");
            }
            if (e.getValue() == null) {
                throw new IllegalArgumentException("Kafka client property '" + k + "' has no value");
            }
            copy.put(k, e.getValue());
        }
        clientProperties = Collections.unmodifiableMap(copy);
    }

    /** Plain settings: only the bootstrap servers. */
    public static KafkaSettings of(String bootstrapServers) {
        return new KafkaSettings(bootstrapServers, Map.of());
    }

    /** Bootstrap servers plus client properties ({@code bootstrap.servers} among them is ignored). */
    public static KafkaSettings of(String bootstrapServers, Map<String, String> clientProperties) {
        return new KafkaSettings(bootstrapServers, clientProperties);
    }

    /**
     * Settings from the command line and the environment; empty when no broker is named anywhere (the caller may
     * then start an embedded one).
     *
     * @param kafkaOption    value of {@code --kafka}, or null
     * @param propertiesFile value of {@code --kafka-properties}, or null
     * @param env            the environment (normally {@code System.getenv()})
     */
    public static Optional<KafkaSettings> resolve(String kafkaOption, Path propertiesFile, Map<String, String> env) {
        Path file = propertiesFile;
        String fileSource = "--kafka-properties";
        if (file == null) {
            String p = env.get(ENV_PROPERTIES);
            if (p != null && !p.isBlank()) {
                file = Path.of(p.strip());
                fileSource = ENV_PROPERTIES;
            }
        }
        Map<String, String> props = file == null ? Map.of() : readProperties(file, fileSource);
        String bootstrap;
        if (kafkaOption != null && !kafkaOption.isBlank()) {
            bootstrap = checkBootstrap(kafkaOption, "--kafka");
        } else if (env.get(ENV_BOOTSTRAP) != null && !env.get(ENV_BOOTSTRAP).isBlank()) {
            bootstrap = checkBootstrap(env.get(ENV_BOOTSTRAP), ENV_BOOTSTRAP);
        } else if (props.get("bootstrap.servers") != null) {
            bootstrap = checkBootstrap(props.get("bootstrap.servers"), "bootstrap.servers in " + file);
        } else {
            return Optional.empty();
        }
        return Optional.of(new KafkaSettings(bootstrap, props));
    }

    /** Like {@link #resolve} but a missing broker is an error telling how to give one. */
    public static KafkaSettings require(String kafkaOption, Path propertiesFile, Map<String, String> env) {
        return resolve(kafkaOption, propertiesFile, env).orElseThrow(() -> new IllegalArgumentException(
                "no Kafka broker given: pass --kafka HOST:PORT or set " + ENV_BOOTSTRAP));
    }

    /** Reads a Java properties file of Kafka client settings. */
    public static Map<String, String> readProperties(Path file) {
        return readProperties(file, "properties file");
    }

    private static Map<String, String> readProperties(Path file, String source) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(source + ": Kafka client properties file " + file
                    + " does not exist or is not a file");
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": cannot read Kafka client properties file " + file + ": "
                    + e.getMessage(), e);
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (String k : p.stringPropertyNames()) {
            m.put(k.strip(), p.getProperty(k).strip());
        }
        return m;
    }

    /** The same client properties with other bootstrap servers. */
    public KafkaSettings withBootstrapServers(String servers) {
        return new KafkaSettings(servers, clientProperties);
    }

    /** These settings plus {@code more} client properties (later ones win). */
    public KafkaSettings withClientProperties(Map<String, String> more) {
        Map<String, String> m = new LinkedHashMap<>(clientProperties);
        m.putAll(more);
        return new KafkaSettings(bootstrapServers, m);
    }

    /** {@code security.protocol}, PLAINTEXT when not set. */
    public String securityProtocol() {
        return clientProperties.getOrDefault("security.protocol", "PLAINTEXT").toUpperCase(Locale.ROOT);
    }

    /** Secrets (passwords, JAAS config) masked. */
    @Override
    public String toString() {
        Map<String, String> shown = new TreeMap<>();
        clientProperties.forEach((k, v) -> shown.put(k, isSecret(k) ? "[hidden]" : v));
        return "KafkaSettings[bootstrapServers=" + bootstrapServers + ", clientProperties=" + shown + "]";
    }

    static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password") || k.contains("jaas") || k.contains("secret") || k.endsWith(".key")
                || k.contains("token");
    }

    private static String checkBootstrap(String servers, String source) {
        if (servers == null || servers.isBlank()) {
            throw new IllegalArgumentException(source + ": no Kafka bootstrap servers given (expected HOST:PORT)");
        }
        StringBuilder out = new StringBuilder();
        for (String part : servers.split(",")) {
            String s = part.strip();
            if (s.isEmpty()) {
                continue;
            }
            int colon = s.lastIndexOf(':');
            boolean ok = colon > 0 && colon < s.length() - 1;
            if (ok) {
                try {
                    int port = Integer.parseInt(s.substring(colon + 1));
                    ok = port > 0 && port <= 65535;
                } catch (NumberFormatException e) {
                    ok = false;
                }
            }
            if (!ok) {
                throw new IllegalArgumentException(source + ": '" + s + "' is not HOST:PORT (e.g. localhost:9092)");
            }
            if (!out.isEmpty()) {
                out.append(',');
            }
            out.append(s);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(source + ": no Kafka bootstrap servers given (expected HOST:PORT)");
        }
        return out.toString();
    }
}
