package dev.nasflow.metrics;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docker-compose.yml is valid for {@code docker-compose config} (Debian's docker-compose v1; no Docker engine needed),
 * has the whole stack, mounts files that exist, and keeps the nasflow services scalable.
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
                "temporal-ui", "worker"), names);
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
        assertTrue(prom.contains("dns_sd_configs") && prom.contains("names: [worker]"),
                "Prometheus finds every worker replica through Docker's DNS");
        String dockerfile = Files.readString(REPO.resolve("Dockerfile"));
        assertTrue(dockerfile.contains("eclipse-temurin:17-jre"), "JRE 17 runtime");
        assertTrue(dockerfile.contains(
                "CMD [\"nasflow\", \"worker\", \"--temporal\", \"temporal:7233\", \"--kafka\", \"kafka:9092\""));
    }
}
