package dev.nasflow.cli;

import dev.nasflow.embedded.TemporalSettings;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Temporal connection options shared by every command that talks to Temporal ({@code @Mixin TemporalOptions temporal;}).
 * Command-line options win over the environment variables the {@code temporal} CLI also reads (TEMPORAL_ADDRESS,
 * TEMPORAL_NAMESPACE, TEMPORAL_TLS*, TEMPORAL_API_KEY); without an address the in-process server is used.
 */
public final class TemporalOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--temporal", paramLabel = "HOST:PORT",
            description = "External Temporal server (env TEMPORAL_ADDRESS). Default: an in-process test server.")
    String address;

    @Option(names = "--namespace", paramLabel = "NS",
            description = "Temporal namespace (env TEMPORAL_NAMESPACE; default: default).")
    String namespace;

    @Option(names = "--tls", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "Use TLS (env TEMPORAL_TLS). On automatically with an API key or any --tls-* option.")
    Boolean tls;

    @Option(names = "--tls-cert-path", paramLabel = "PEM",
            description = "Client certificate chain for mutual TLS (env TEMPORAL_TLS_CLIENT_CERT_PATH).")
    Path tlsCertPath;

    @Option(names = "--tls-key-path", paramLabel = "PEM",
            description = "Client private key, PKCS#8 PEM (env TEMPORAL_TLS_CLIENT_KEY_PATH).")
    Path tlsKeyPath;

    @Option(names = "--tls-ca-path", paramLabel = "PEM",
            description = "CA certificate(s) of the server (env TEMPORAL_TLS_SERVER_CA_CERT_PATH). Default: system trust.")
    Path tlsCaPath;

    @Option(names = "--tls-server-name", paramLabel = "NAME",
            description = "Name to verify the server certificate against (env TEMPORAL_TLS_SERVER_NAME).")
    String tlsServerName;

    @Option(names = "--tls-disable-host-verification",
            description = "Skip the host-name check, keep the chain check (env TEMPORAL_TLS_DISABLE_HOST_VERIFICATION).")
    boolean tlsDisableHostVerification;

    @Option(names = "--api-key-file", paramLabel = "FILE",
            description = "File holding the API key (else env TEMPORAL_API_KEY; never pass the key itself as an argument).")
    Path apiKeyFile;

    /** The settings from the environment overridden by the options given. */
    public TemporalSettings settings() {
        return settings(System.getenv());
    }

    /** As {@link #settings()} with another environment. Bad values become a usage error naming the option. */
    public TemporalSettings settings(Map<String, String> env) {
        try {
            TemporalSettings.Builder b = TemporalSettings.builder().applyEnv(env);
            if (address != null) {
                b.address(address);
            }
            if (namespace != null) {
                b.namespace(namespace);
            }
            if (tls != null) {
                b.tls(tls);
            }
            if (tlsCertPath != null) {
                b.tlsCertPath(tlsCertPath);
            }
            if (tlsKeyPath != null) {
                b.tlsKeyPath(tlsKeyPath);
            }
            if (tlsCaPath != null) {
                b.tlsCaPath(tlsCaPath);
            }
            if (tlsServerName != null) {
                b.tlsServerName(tlsServerName);
            }
            if (tlsDisableHostVerification) {
                b.tlsDisableHostVerification(true);
            }
            if (apiKeyFile != null) {
                b.apiKey(readApiKey(apiKeyFile));
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            if (mixee != null) {
                throw new CommandLine.ParameterException(mixee.commandLine(), e.getMessage(), e);
            }
            throw e;
        }
    }

    private static String readApiKey(Path file) {
        try {
            String key = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (key.isEmpty()) {
                throw new IllegalArgumentException("--api-key-file " + file + " is empty: put the API key in it");
            }
            return key;
        } catch (IOException e) {
            throw new IllegalArgumentException("--api-key-file " + file + " cannot be read (" + e.getMessage()
                    + "): give a readable file holding the API key");
        }
    }
}
