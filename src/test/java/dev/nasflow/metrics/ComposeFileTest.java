package dev.nasflow.metrics;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docker-compose.yml is valid for {@code docker-compose config} (Debian's docker-compose v1; no Docker engine needed)
 * with every profile it defines and with the override ops/compose/host-dirs.yml, has the whole stack, mounts files
 * that exist, keeps the nasflow services scalable, shares the artifacts volume between the workers, and gives the
 * GPU worker (profile gpu) its own task queue, its devices and the NVIDIA device reservation.
 */
@Tag("compose")
class ComposeFileTest {
    private static final Path REPO = Path.of("").toAbsolutePath();

    @Test
    void dockerComposeConfigAcceptsTheStack() throws Exception {
        Path compose = ExternalTools.require("DOCKER_COMPOSE_BIN", "apt-get install -y docker-compose",
                "docker-compose");
        ExternalTools.Run quiet = ExternalTools.run(REPO, 60, compose.toString(), "-f", "docker-compose.yml",
                "config", "-q");
        assertEquals(0, quiet.exitCode(), "docker-compose config:\n" + quiet.output());
        ExternalTools.Run services = ExternalTools.run(REPO, 60, compose.toString(), "-f", "docker-compose.yml",
                "config", "--services");
        assertEquals(0, services.exitCode(), services.output());
        List<String> names = Arrays.stream(services.output().split("\\R")).map(String::strip)
                .filter(s -> !s.isEmpty()).sorted().toList();
        assertEquals(List.of("grafana", "kafka", "postgresql", "prometheus", "stopper", "surrogate", "temporal",
                "temporal-ui", "worker", "worker-gpu"), names);
        ExternalTools.Run full = ExternalTools.run(REPO, 60, compose.toString(), "-f", "docker-compose.yml",
                "config");
        assertEquals(0, full.exitCode(), full.output());
        String cfg = full.output();
        for (String expected : List.of("nasflow worker", "temporal:7233", "kafka:9092", "--metrics-port",
                "/etc/prometheus", "/etc/grafana/provisioning", "/var/lib/grafana/dashboards", "postgres12")) {
            String flat = cfg.replace("\n    - ", " ").replace("\n      - ", " ");
            assertTrue(cfg.contains(expected) || flat.contains(expected), expected + " missing from\n" + cfg);
        }
    }

    @Test
    void mountedFilesExistAndWorkersCanScale() throws Exception {
        String yml = Files.readString(REPO.resolve("docker-compose.yml"));
        for (String path : List.of("ops/prometheus/prometheus.yml", "ops/grafana/provisioning/datasources",
                "ops/grafana/provisioning/dashboards", "ops/grafana/dashboards/search-overview.json", "Dockerfile")) {
            assertTrue(Files.exists(REPO.resolve(path)), path);
        }
        assertTrue(yml.contains("./ops/prometheus:/etc/prometheus"));
        assertTrue(yml.contains("./ops/grafana/dashboards:/var/lib/grafana/dashboards"));
        String worker = yml.substring(yml.indexOf("\n  worker:"), yml.indexOf("\n  stopper:"));
        assertFalse(worker.contains("container_name"), "a fixed container name would forbid --scale worker=N");
        assertFalse(worker.contains("ports:"), "host ports would clash when scaling workers");
        String prom = Files.readString(REPO.resolve("ops/prometheus/prometheus.yml"));
        assertTrue(prom.contains("dns_sd_configs") && prom.contains("names: [worker, worker-gpu]"),
                "Prometheus finds every worker replica through Docker's DNS");
        String dockerfile = Files.readString(REPO.resolve("Dockerfile"));
        assertTrue(dockerfile.contains("eclipse-temurin:17-jre"), "JRE 17 runtime");
        assertTrue(dockerfile.contains(
                "CMD [\"nasflow\", \"worker\", \"--temporal\", \"temporal:7233\", \"--kafka\", \"kafka:9092\""));
    }

    private static final String OVERRIDE = "ops/compose/host-dirs.yml";

    /** The profiles the compose file defines (services' {@code profiles}). */
    static List<String> profiles() throws Exception {
        JsonNode root = new YAMLMapper().readTree(REPO.resolve("docker-compose.yml").toFile());
        TreeSet<String> out = new TreeSet<>();
        root.path("services").forEach(svc -> svc.path("profiles").forEach(p -> out.add(p.asText())));
        return List.copyOf(out);
    }

    private static JsonNode config(Path compose, List<String> files, List<String> profiles) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(compose.toString()));
        for (String f : files) {
            cmd.addAll(List.of("-f", f));
        }
        for (String p : profiles) {
            cmd.addAll(List.of("--profile", p));
        }
        cmd.add("config");
        ExternalTools.Run r = ExternalTools.run(REPO, 60, cmd.toArray(String[]::new));
        assertEquals(0, r.exitCode(), String.join(" ", cmd) + ":\n" + r.output());
        return new YAMLMapper().readTree(r.output());
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void everyProfileAndTheHostDirsOverrideAreValid() throws Exception {
        Path compose = ExternalTools.require("DOCKER_COMPOSE_BIN", "apt-get install -y docker-compose",
                "docker-compose");
        List<String> profiles = profiles();
        assertTrue(profiles.contains("gpu"), "profile gpu: " + profiles);
        List<List<String>> fileSets = List.of(List.of("docker-compose.yml"), List.of("docker-compose.yml", OVERRIDE));
        for (List<String> files : fileSets) {
            config(compose, files, List.of());
            for (String p : profiles) {
                JsonNode cfg = config(compose, files, List.of(p));
                assertTrue(cfg.path("services").has("worker"), files + " --profile " + p);
            }
            config(compose, files, profiles); // all at once
        }

        // docker-compose config lists every service; `up` starts worker-gpu only with --profile gpu
        JsonNode plain = config(compose, List.of("docker-compose.yml"), List.of());
        plain.path("services").fields().forEachRemaining(e -> assertEquals(
                e.getKey().equals("worker-gpu") ? List.of("gpu") : List.of(), strings(e.getValue().path("profiles")),
                e.getKey() + " profiles"));
        JsonNode gpu = config(compose, List.of("docker-compose.yml"), List.of("gpu"));
        assertEquals("nasflow-artifacts", gpu.path("volumes").path("artifacts").path("name").asText());
        for (String svc : List.of("worker", "worker-gpu")) {
            List<String> vols = strings(gpu.path("services").path(svc).path("volumes"));
            assertTrue(vols.stream().anyMatch(v -> v.startsWith("artifacts:/opt/nasflow/artifacts")),
                    svc + " mounts the shared artifacts volume: " + vols);
        }
        JsonNode w = gpu.path("services").path("worker-gpu");
        assertEquals("ops/docker/Dockerfile.gpu", w.path("build").path("dockerfile").asText());
        List<String> cmd = strings(w.path("command"));
        String joined = String.join(" ", cmd);
        assertTrue(joined.contains("--task-queue nasflow-gpu") && joined.contains("--devices 0")
                && joined.contains("--slots 1"), joined);
        JsonNode dev = w.path("deploy").path("resources").path("reservations").path("devices").path(0);
        assertEquals("nvidia", dev.path("driver").asText(), w.toString());
        assertEquals(List.of("gpu"), strings(dev.path("capabilities")));
        assertEquals("all", dev.path("count").asText());

        JsonNode host = config(compose, List.of("docker-compose.yml", OVERRIDE), List.of("gpu"));
        for (String svc : List.of("worker", "worker-gpu")) {
            List<String> vols = strings(host.path("services").path(svc).path("volumes"));
            assertTrue(vols.contains(REPO.resolve("artifacts") + ":/opt/nasflow/artifacts:rw"), svc + ": " + vols);
            assertTrue(vols.contains("/usr/share/datasets:/usr/share/datasets:ro"), svc + ": " + vols);
            assertFalse(vols.stream().anyMatch(v -> v.startsWith("artifacts:")), svc + ": bind replaces the volume");
        }
        assertEquals(List.of("gpu"), strings(host.path("services").path("worker-gpu").path("profiles")));
    }
}
