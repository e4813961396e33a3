package dev.nasflow.embedded;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach a Temporal server: address, namespace, TLS and API key. Immutable; build with {@link #builder()} or read
 * from the environment with {@link #fromEnv(Map)}.
 *
 * <p>An empty {@link #address()} means "no external server": {@link EmbeddedTemporal} then starts the in-process
 * Temporal test server. The environment variable names are the ones the official {@code temporal} CLI reads, so one
 * environment configures both nasflow and the CLI:
 * <ul>
 *   <li>{@value #ENV_ADDRESS} ({@code HOST:PORT}), {@value #ENV_NAMESPACE} (default {@value #DEFAULT_NAMESPACE});</li>
 *   <li>{@value #ENV_TLS} ({@code true}/{@code false}; TLS is switched on automatically when an API key or any other
 *       TLS option is given, as in the CLI);</li>
 *   <li>{@value #ENV_TLS_CERT} and {@value #ENV_TLS_KEY}: client certificate chain and PKCS#8 private key, PEM (mTLS);</li>
 *   <li>{@value #ENV_TLS_CA}: PEM file with the CA certificate(s) that signed the server's certificate (without it the
 *       JVM's default trust store is used);</li>
 *   <li>{@value #ENV_TLS_SERVER_NAME}: the name to verify the server certificate against (and send as SNI and
 *       {@code :authority}) when it differs from the host in the address;</li>
 *   <li>{@value #ENV_TLS_DISABLE_HOST_VERIFICATION}: keep the certificate chain check but skip the host-name check;</li>
 *   <li>{@value #ENV_API_KEY}: sent as {@code authorization: Bearer <key>} on every request (Temporal Cloud).</li>
 * </ul>
 */
public final class TemporalSettings {
    public static final String DEFAULT_NAMESPACE = "default";

    public static final String ENV_ADDRESS = "TEMPORAL_ADDRESS";
    public static final String ENV_NAMESPACE = "TEMPORAL_NAMESPACE";
    public static final String ENV_TLS = "TEMPORAL_TLS";
    public static final String ENV_TLS_CERT = "TEMPORAL_TLS_CLIENT_CERT_PATH";
    public static final String ENV_TLS_KEY = "TEMPORAL_TLS_CLIENT_KEY_PATH";
    public static final String ENV_TLS_CA = "TEMPORAL_TLS_SERVER_CA_CERT_PATH";
    public static final String ENV_TLS_SERVER_NAME = "TEMPORAL_TLS_SERVER_NAME";
    public static final String ENV_TLS_DISABLE_HOST_VERIFICATION = "TEMPORAL_TLS_DISABLE_HOST_VERIFICATION";
    public static final String ENV_API_KEY = "TEMPORAL_API_KEY";

    private final String address;
    private final String namespace;
    private final Boolean tls;
    private final Path tlsCertPath;
    private final Path tlsKeyPath;
    private final Path tlsCaPath;
    private final String tlsServerName;
    private final boolean tlsDisableHostVerification;
    private final String apiKey;

    private TemporalSettings(Builder b) {
        this.address = b.address;
        this.namespace = b.namespace;
        this.tls = b.tls;
        this.tlsCertPath = b.tlsCertPath;
        this.tlsKeyPath = b.tlsKeyPath;
        this.tlsCaPath = b.tlsCaPath;
        this.tlsServerName = b.tlsServerName;
        this.tlsDisableHostVerification = b.tlsDisableHostVerification;
        this.apiKey = b.apiKey;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Settings for the in-process server: no address, namespace {@value #DEFAULT_NAMESPACE}, no TLS. */
    public static TemporalSettings embedded() {
        return builder().build();
    }

    /** Plain-text settings for a server at {@code address} (HOST:PORT) in namespace {@value #DEFAULT_NAMESPACE}. */
    public static TemporalSettings of(String address) {
        return builder().address(address).build();
    }

    /** Settings read from the process environment (see the class comment for the variable names). */
    public static TemporalSettings fromEnv() {
        return fromEnv(System.getenv());
    }

    /**
     * Settings read from {@code env} (see the class comment for the variable names). Blank values count as absent.
     *
     * @throws IllegalArgumentException naming the variable and the fix when a value is malformed
     */
    public static TemporalSettings fromEnv(Map<String, String> env) {
        return builder().applyEnv(env).build();
    }

    /** A builder holding these settings, to change some of them. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.address = address;
        b.namespace = namespace;
        b.tls = tls;
        b.tlsCertPath = tlsCertPath;
        b.tlsKeyPath = tlsKeyPath;
        b.tlsCaPath = tlsCaPath;
        b.tlsServerName = tlsServerName;
        b.tlsDisableHostVerification = tlsDisableHostVerification;
        b.apiKey = apiKey;
        return b;
    }

    /** The external server's {@code HOST:PORT}; empty means "start the in-process server". */
    public Optional<String> address() {
        return Optional.ofNullable(address);
    }

    public boolean isExternal() {
        return address != null;
    }

    public String namespace() {
        return namespace;
    }

    /** The explicit TLS switch: empty when not given (then {@link #tlsEnabled()} decides from the other options). */
    public Optional<Boolean> tls() {
        return Optional.ofNullable(tls);
    }

    /** Whether the connection uses TLS: the explicit switch, or else true when any TLS option or an API key is set. */
    public boolean tlsEnabled() {
        if (tls != null) {
            return tls;
        }
        return apiKey != null || hasTlsOptions();
    }

    private boolean hasTlsOptions() {
        return tlsCertPath != null || tlsKeyPath != null || tlsCaPath != null || tlsServerName != null
                || tlsDisableHostVerification;
    }

    public Optional<Path> tlsCertPath() {
        return Optional.ofNullable(tlsCertPath);
    }

    public Optional<Path> tlsKeyPath() {
        return Optional.ofNullable(tlsKeyPath);
    }

    public Optional<Path> tlsCaPath() {
        return Optional.ofNullable(tlsCaPath);
    }

    public Optional<String> tlsServerName() {
        return Optional.ofNullable(tlsServerName);
    }

    public boolean tlsDisableHostVerification() {
        return tlsDisableHostVerification;
    }

    public Optional<String> apiKey() {
        return Optional.ofNullable(apiKey);
    }

    /** Host part of the address (brackets of an IPv6 literal removed). */
    public Optional<String> host() {
        return address().map(a -> {
            String h = a.substring(0, a.lastIndexOf(':'));
            return h.startsWith("[") ? h.substring(1, h.length() - 1) : h;
        });
    }

    /** Port part of the address. */
    public Optional<Integer> port() {
        return address().map(a -> Integer.parseInt(a.substring(a.lastIndexOf(':') + 1)));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TemporalSettings s && Objects.equals(address, s.address)
                && namespace.equals(s.namespace) && Objects.equals(tls, s.tls)
                && Objects.equals(tlsCertPath, s.tlsCertPath) && Objects.equals(tlsKeyPath, s.tlsKeyPath)
                && Objects.equals(tlsCaPath, s.tlsCaPath) && Objects.equals(tlsServerName, s.tlsServerName)
                && tlsDisableHostVerification == s.tlsDisableHostVerification && Objects.equals(apiKey, s.apiKey);
    }

    @Override
    public int hashCode() {
        return Objects.hash(address, namespace, tls, tlsCertPath, tlsKeyPath, tlsCaPath, tlsServerName,
                tlsDisableHostVerification, apiKey);
    }

    /** Describes the settings; never prints the API key. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("TemporalSettings{");
        s.append(address == null ? "in-process" : address).append(", namespace=").append(namespace);
        s.append(", tls=").append(tlsEnabled());
        if (tlsCertPath != null) {
            s.append(", cert=").append(tlsCertPath).append(", key=").append(tlsKeyPath);
        }
        if (tlsCaPath != null) {
            s.append(", ca=").append(tlsCaPath);
        }
        if (tlsServerName != null) {
            s.append(", serverName=").append(tlsServerName);
        }
        if (tlsDisableHostVerification) {
            s.append(", hostVerification=off");
        }
        if (apiKey != null) {
            s.append(", apiKey=<set>");
        }
        return s.append('}').toString();
    }

    /** Builder; {@link #build()} checks the combination and names the option to fix. */
    public static final class Builder {
        private String address;
        private String namespace = DEFAULT_NAMESPACE;
        private Boolean tls;
        private Path tlsCertPath;
        private Path tlsKeyPath;
        private Path tlsCaPath;
        private String tlsServerName;
        private boolean tlsDisableHostVerification;
        private String apiKey;

        private Builder() {
        }

        /** {@code HOST:PORT} of an external server, or null/blank for the in-process server. */
        public Builder address(String address) {
            this.address = blankToNull(address);
            return this;
        }

        public Builder namespace(String namespace) {
            this.namespace = blankToNull(namespace) == null ? DEFAULT_NAMESPACE : namespace.trim();
            return this;
        }

        /** Forces TLS on or off; null means automatic (on when any TLS option or an API key is set). */
        public Builder tls(Boolean tls) {
            this.tls = tls;
            return this;
        }

        /** Client certificate chain (PEM) and its private key (PKCS#8 PEM) for mutual TLS; both or neither. */
        public Builder tlsClientCert(Path certPath, Path keyPath) {
            this.tlsCertPath = certPath;
            this.tlsKeyPath = keyPath;
            return this;
        }

        public Builder tlsCertPath(Path certPath) {
            this.tlsCertPath = certPath;
            return this;
        }

        public Builder tlsKeyPath(Path keyPath) {
            this.tlsKeyPath = keyPath;
            return this;
        }

        /** PEM file with the CA certificate(s) that the server's certificate must chain to. */
        public Builder tlsCaPath(Path caPath) {
            this.tlsCaPath = caPath;
            return this;
        }

        public Builder tlsServerName(String serverName) {
            this.tlsServerName = blankToNull(serverName);
            return this;
        }

        public Builder tlsDisableHostVerification(boolean disable) {
            this.tlsDisableHostVerification = disable;
            return this;
        }

        /** API key sent as a bearer token on every request; null/blank for none. */
        public Builder apiKey(String apiKey) {
            this.apiKey = blankToNull(apiKey);
            return this;
        }

        /** Applies the variables present in {@code env} (absent or blank ones leave the builder as it is). */
        public Builder applyEnv(Map<String, String> env) {
            Objects.requireNonNull(env, "env");
            String v;
            if ((v = blankToNull(env.get(ENV_ADDRESS))) != null) {
                address(v);
            }
            if ((v = blankToNull(env.get(ENV_NAMESPACE))) != null) {
                namespace(v);
            }
            if ((v = blankToNull(env.get(ENV_TLS))) != null) {
                tls(parseBoolean(ENV_TLS, v));
            }
            if ((v = blankToNull(env.get(ENV_TLS_CERT))) != null) {
                tlsCertPath(Path.of(v));
            }
            if ((v = blankToNull(env.get(ENV_TLS_KEY))) != null) {
                tlsKeyPath(Path.of(v));
            }
            if ((v = blankToNull(env.get(ENV_TLS_CA))) != null) {
                tlsCaPath(Path.of(v));
            }
            if ((v = blankToNull(env.get(ENV_TLS_SERVER_NAME))) != null) {
                tlsServerName(v);
            }
            if ((v = blankToNull(env.get(ENV_TLS_DISABLE_HOST_VERIFICATION))) != null) {
                tlsDisableHostVerification(parseBoolean(ENV_TLS_DISABLE_HOST_VERIFICATION, v));
            }
            if ((v = blankToNull(env.get(ENV_API_KEY))) != null) {
                apiKey(v);
            }
            return this;
        }

        /**
         * @throws IllegalArgumentException naming the option and the fix when the settings are malformed or
         *                                  contradictory
         */
        public TemporalSettings build() {
            if (address != null) {
                address = checkAddress(address);
            }
            if (!namespace.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,254}")) {
                throw new IllegalArgumentException("temporal namespace '" + namespace + "' is not a valid namespace "
                        + "name: use letters, digits, '.', '_' and '-' (--namespace / " + ENV_NAMESPACE + ")");
            }
            if ((tlsCertPath == null) != (tlsKeyPath == null)) {
                throw new IllegalArgumentException("temporal TLS client "
                        + (tlsCertPath == null ? "key given without its certificate" : "certificate given without its key")
                        + ": set both --tls-cert-path and --tls-key-path (" + ENV_TLS_CERT + " / " + ENV_TLS_KEY + ")");
            }
            if (Boolean.FALSE.equals(tls)) {
                String clash = tlsCertPath != null ? "--tls-cert-path" : tlsCaPath != null ? "--tls-ca-path"
                        : tlsServerName != null ? "--tls-server-name"
                        : tlsDisableHostVerification ? "--tls-disable-host-verification" : null;
                if (clash != null) {
                    throw new IllegalArgumentException("temporal TLS is switched off (--tls=false / " + ENV_TLS
                            + "=false) but " + clash + " is set: remove one of the two");
                }
            }
            if (tlsServerName != null && !tlsServerName.matches("[A-Za-z0-9.:\\[\\]_-]{1,253}")) {
                throw new IllegalArgumentException("temporal TLS server name '" + tlsServerName
                        + "' is not a host name: use e.g. temporal.example.com (--tls-server-name / "
                        + ENV_TLS_SERVER_NAME + ")");
            }
            return new TemporalSettings(this);
        }

        private static String checkAddress(String a) {
            String s = a.trim();
            int colon = s.lastIndexOf(':');
            String hint = ": expected HOST:PORT, e.g. 127.0.0.1:7233 or [::1]:7233 (--temporal / " + ENV_ADDRESS + ")";
            if (s.contains("://")) {
                throw new IllegalArgumentException("temporal address '" + a + "' has a URL scheme" + hint);
            }
            if (colon <= 0 || colon == s.length() - 1) {
                throw new IllegalArgumentException("temporal address '" + a + "' has no port" + hint);
            }
            String host = s.substring(0, colon);
            if (host.contains(":") && !(host.startsWith("[") && host.endsWith("]"))) {
                throw new IllegalArgumentException("temporal address '" + a
                        + "': an IPv6 host must be in brackets" + hint);
            }
            if (!host.matches("\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9._-]+")) {
                throw new IllegalArgumentException("temporal address '" + a + "' has an invalid host '" + host + "'"
                        + hint);
            }
            int port;
            try {
                port = Integer.parseInt(s.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("temporal address '" + a + "' has a non-numeric port" + hint);
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("temporal address '" + a + "' has port " + port
                        + " outside 1..65535" + hint);
            }
            return s;
        }

        private static boolean parseBoolean(String name, String v) {
            switch (v.trim().toLowerCase(Locale.ROOT)) {
                case "true", "1", "yes", "on":
                    return true;
                case "false", "0", "no", "off":
                    return false;
                default:
                    throw new IllegalArgumentException(name + "='" + v + "' is not a boolean: use true or false");
            }
        }

        private static String blankToNull(String s) {
            return s == null || s.isBlank() ? null : s.trim();
        }
    }
}
