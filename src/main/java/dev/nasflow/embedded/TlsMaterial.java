package dev.nasflow.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed TLS key store and the matching trust store (PKCS12), generated on the spot with the JDK's
 * {@code keytool}. Meant for the embedded broker in tests and local demos: the certificate names {@code localhost}
 * and {@code 127.0.0.1} and is valid for a few days.
 *
 * @param keyStore   PKCS12 key store holding the broker's private key and certificate
 * @param trustStore PKCS12 trust store holding only that certificate (what clients need)
 * @param password   password of both stores and of the key
 */
public record TlsMaterial(Path keyStore, Path trustStore, String password) {
    public static final String STORE_TYPE = "PKCS12";

    public TlsMaterial {
        Objects.requireNonNull(keyStore, "keyStore");
        Objects.requireNonNull(trustStore, "trustStore");
        Objects.requireNonNull(password, "password");
    }

    /**
     * Generates a new key pair and certificate into {@code dir} (created if missing): {@code broker.keystore.p12},
     * {@code broker.crt} and {@code client.truststore.p12}. Takes about a second (three keytool runs).
     */
    public static TlsMaterial generate(Path dir) throws IOException {
        Files.createDirectories(dir);
        String password = randomToken(20);
        Path keyStore = dir.resolve("broker.keystore.p12");
        Path cert = dir.resolve("broker.crt");
        Path trustStore = dir.resolve("client.truststore.p12");
        for (Path p : List.of(keyStore, cert, trustStore)) {
            Files.deleteIfExists(p);
        }
        keytool("-genkeypair", "-alias", "broker", "-keyalg", "EC", "-groupname", "secp256r1",
                "-sigalg", "SHA256withECDSA", "-validity", "7", "-dname", "CN=localhost, O=nasflow embedded",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-keystore", keyStore.toString(), "-storetype", STORE_TYPE,
                "-storepass", password, "-keypass", password);
        keytool("-exportcert", "-alias", "broker", "-rfc", "-file", cert.toString(),
                "-keystore", keyStore.toString(), "-storetype", STORE_TYPE, "-storepass", password);
        keytool("-importcert", "-noprompt", "-alias", "nasflow-embedded-ca", "-file", cert.toString(),
                "-keystore", trustStore.toString(), "-storetype", STORE_TYPE, "-storepass", password);
        return new TlsMaterial(keyStore, trustStore, password);
    }

    static String randomToken(int length) {
        final String alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        SecureRandom random = new SecureRandom();
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    private static void keytool(String... args) throws IOException {
        Path exe = Path.of(System.getProperty("java.home"), "bin",
                System.getProperty("os.name", "").toLowerCase().startsWith("windows") ? "keytool.exe" : "keytool");
        if (!Files.isExecutable(exe)) {
            throw new IOException("keytool not found at " + exe + ": run nasflow with a full JDK 17+ (not a JRE)");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(exe.toString());
        cmd.add("-J-Duser.language=en");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out;
        try {
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("keytool " + args[0] + " did not finish within 60 s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running keytool " + args[0], e);
        }
        if (p.exitValue() != 0) {
            throw new IOException("keytool " + args[0] + " failed (exit " + p.exitValue() + "): " + out.strip());
        }
    }
}
