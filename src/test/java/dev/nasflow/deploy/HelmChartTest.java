package dev.nasflow.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.nasflow.metrics.ExternalTools;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Helm chart ops/helm/nasflow: {@code helm lint}, {@code helm template} with the default values, the GPU values
 * (values-gpu.yaml) and every CI values file (ci/*-values.yaml: TLS, SASL, ServiceMonitor, ...), and every rendered
 * manifest validated offline against the Kubernetes schemas of the oldest and newest versions the chart supports
 * ({@code kubernetes-validate --strict}). The ServiceMonitor (a Prometheus Operator CRD, not in those schemas) is
 * checked here: it must select the chart's metrics Services by their labels and name their port.
 *
 * <p>Tools: helm (v4; {@code go install helm.sh/helm/v4/cmd/helm@v4.3.2} into ~/.cache/nasflow/bin) and
 * kubernetes-validate (in .venv); {@code bash ops/scripts/install-test-deps.sh} installs both. Missing: a loud skip,
 * but a failure under CI ({@code CI=true}), where the install step must have provided them.
 */
@Tag("helm")
class HelmChartTest {
    static final Path REPO = Path.of("").toAbsolutePath();
    static final Path CHART = REPO.resolve("ops/helm/nasflow");
    static final Path OUT = REPO.resolve("target/helm");
    /** Oldest (Chart.yaml kubeVersion) and newest Kubernetes whose schemas kubernetes-validate carries. */
    static final List<String> KUBE_VERSIONS = List.of("1.25.0", "1.37.0");

    private static Path tool(String name, String envVar, List<Path> extra, String install) {
        // $envVar, then the project's own install (the version install-test-deps.sh pins), then the PATH
        String given = System.getenv(envVar);
        Optional<Path> p = given != null && !given.isBlank() && Files.isExecutable(Path.of(given))
                ? Optional.of(Path.of(given)) : extra.stream().filter(Files::isExecutable).findFirst();
        if (p.isEmpty()) {
            p = ExternalTools.find(envVar, name);
        }
        if (p.isEmpty()) {
            String msg = "'" + name + "' not found ($" + envVar + ", " + extra + ", PATH): " + install
                    + " (bash ops/scripts/install-test-deps.sh does it)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail("CI=true and " + msg);
            }
            System.err.println("*".repeat(100));
            System.err.println("* SKIPPED: " + msg);
            System.err.println("*".repeat(100));
            Assumptions.abort(msg);
        }
        return p.get();
    }

    static Path helm() {
        String bin = System.getenv("NASFLOW_TOOLS_BIN"); // where install-test-deps.sh puts helm
        Path dir = bin != null && !bin.isBlank() ? Path.of(bin)
                : Path.of(System.getProperty("user.home"), ".cache", "nasflow", "bin");
        return tool("helm", "HELM_BIN", List.of(dir.resolve("helm")), "go install helm.sh/helm/v4/cmd/helm@v4.3.2");
    }

    static Path kubernetesValidate() {
        return tool("kubernetes-validate", "KUBERNETES_VALIDATE_BIN", List.of(REPO.resolve(".venv/bin/"
                + "kubernetes-validate")), ".venv/bin/pip install kubernetes-validate");
    }

    /** name → values files (relative to the chart), the sets rendered and validated. */
    static Map<String, List<String>> valueSets() throws Exception {
        Map<String, List<String>> sets = new java.util.LinkedHashMap<>();
        sets.put("default", List.of());
        sets.put("gpu", List.of("values-gpu.yaml"));
        try (Stream<Path> s = Files.list(CHART.resolve("ci"))) {
            for (Path p : s.filter(f -> f.toString().endsWith("-values.yaml")).sorted().toList()) {
                String f = p.getFileName().toString();
                sets.put("ci-" + f.substring(0, f.length() - "-values.yaml".length()), List.of("ci/" + f));
            }
        }
        return sets;
    }

    private static ExternalTools.Run helmRun(Path helm, String verb, List<String> files, String... more)
            throws Exception {
        List<String> cmd = new ArrayList<>(List.of(helm.toString(), verb));
        if (verb.equals("template")) {
            cmd.addAll(List.of("nasflow-test", CHART.toString(), "--namespace", "nasflow")); // release nasflow-test
        } else {
            cmd.add(CHART.toString());
        }
        for (String f : files) {
            cmd.addAll(List.of("-f", CHART.resolve(f).toString()));
        }
        cmd.addAll(List.of(more));
        return ExternalTools.run(REPO, 120, cmd.toArray(String[]::new));
    }

    static List<JsonNode> docs(String yaml) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        try (MappingIterator<JsonNode> it = new YAMLMapper().readerFor(JsonNode.class).readValues(yaml)) {
            while (it.hasNext()) {
                JsonNode n = it.next();
                if (n != null && n.has("kind")) {
                    out.add(n);
                }
            }
        }
        return out;
    }

    private static JsonNode find(List<JsonNode> docs, String kind, String name) {
        return docs.stream().filter(d -> d.path("kind").asText().equals(kind)
                && d.path("metadata").path("name").asText().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(kind + " " + name + " not rendered"));
    }

    private static List<String> strings(JsonNode a) {
        List<String> out = new ArrayList<>();
        a.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static JsonNode container(JsonNode deployment) {
        return deployment.path("spec").path("template").path("spec").path("containers").path(0);
    }

    private static Map<String, String> env(JsonNode container) {
        Map<String, String> out = new HashMap<>();
        container.path("env").forEach(e -> out.put(e.path("name").asText(), e.has("value") ? e.path("value").asText()
                : "<from " + e.path("valueFrom").path("secretKeyRef").path("name").asText() + ">"));
        return out;
    }

    @Test
    void lintTemplateAndValidateEveryValueSet() throws Exception {
        Path helm = helm();
        Path validate = kubernetesValidate();
        Files.createDirectories(OUT);
        Map<String, List<JsonNode>> rendered = new HashMap<>();
        for (Map.Entry<String, List<String>> set : valueSets().entrySet()) {
            ExternalTools.Run lint = helmRun(helm, "lint", set.getValue(), "--strict");
            assertEquals(0, lint.exitCode(), "helm lint " + set + ":\n" + lint.output());
            ExternalTools.Run tpl = helmRun(helm, "template", set.getValue());
            assertEquals(0, tpl.exitCode(), "helm template " + set + ":\n" + tpl.output());
            Path file = OUT.resolve(set.getKey() + ".yaml");
            Files.writeString(file, tpl.output());
            List<JsonNode> docs = docs(tpl.output());
            rendered.put(set.getKey(), docs);
            long core = docs.stream().filter(d -> !d.path("apiVersion").asText().startsWith("monitoring.coreos.com"))
                    .count();
            for (String k : KUBE_VERSIONS) {
                ExternalTools.Run v = ExternalTools.run(REPO, 120, validate.toString(), "--strict", "-k", k,
                        file.toString());
                assertEquals(0, v.exitCode(), "kubernetes-validate -k " + k + " " + file + ":\n" + v.output());
                long passed = v.output().lines().filter(l -> l.contains(" passed for resource ")).count();
                assertEquals(core, passed, "every Kubernetes resource of " + set.getKey() + " validated against "
                        + k + ":\n" + v.output());
                assertFalse(v.output().contains("ERROR"), v.output());
            }
            System.out.println("[helm] " + set.getKey() + ": lint ok, " + docs.size() + " manifests, " + core
                    + " validated against Kubernetes " + KUBE_VERSIONS + " (" + file + ")");
        }

        // default: CPU workers, stopper, surrogate, metrics Services, 4 dashboards, the shared artifacts claim
        List<JsonNode> def = rendered.get("default");
        JsonNode worker = container(find(def, "Deployment", "nasflow-test-worker"));
        assertEquals(List.of("nasflow", "worker", "--slots", "2", "--task-queue", "nasflow", "--metrics-port",
                "9465"), strings(worker.path("args")));
        assertEquals("temporal-frontend.temporal.svc.cluster.local:7233", env(worker).get("TEMPORAL_ADDRESS"));
        assertTrue(env(worker).containsKey("KAFKA_BOOTSTRAP_SERVERS"));
        assertTrue(strings(worker.path("volumeMounts").findValues("mountPath").stream().collect(
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance::arrayNode,
                com.fasterxml.jackson.databind.node.ArrayNode::add, (a, b) -> a.addAll(b)))
                .contains("/opt/nasflow/artifacts"));
        assertEquals("ReadWriteMany", find(def, "PersistentVolumeClaim", "nasflow-test-artifacts").path("spec")
                .path("accessModes").path(0).asText());
        find(def, "Deployment", "nasflow-test-stopper");
        find(def, "Deployment", "nasflow-test-surrogate");
        assertFalse(def.stream().anyMatch(d -> d.path("metadata").path("name").asText().contains("worker-gpu")));
        assertFalse(def.stream().anyMatch(d -> d.path("kind").asText().equals("ServiceMonitor")));
        try (Stream<Path> boards = Files.list(REPO.resolve("ops/grafana/dashboards"))) {
            for (Path b : boards.sorted().toList()) {
                String name = b.getFileName().toString();
                JsonNode cm = find(def, "ConfigMap", "nasflow-test-dashboard-" + name.replace(".json", ""));
                assertEquals("1", cm.path("metadata").path("labels").path("grafana_dashboard").asText());
                assertEquals(Files.readString(b).strip(), cm.path("data").path(name).asText().strip(), name);
            }
        }

        // GPU: a Deployment asking for nvidia.com/gpu, one pinned process per GPU, its own task queue and image
        JsonNode gpu = container(find(rendered.get("gpu"), "Deployment", "nasflow-test-worker-gpu"));
        assertEquals(List.of("nasflow", "worker", "--slots", "2", "--devices", "0,1", "--task-queue", "nasflow-gpu",
                "--metrics-port", "9465"), strings(gpu.path("args")));
        assertEquals(2, gpu.path("resources").path("limits").path("nvidia.com/gpu").asInt());
        assertTrue(gpu.path("image").asText().startsWith("nasflow-gpu:"));

        // secure: TLS/SASL passed through, ServiceMonitor selecting every metrics Service
        List<JsonNode> sec = rendered.get("ci-secure");
        JsonNode sw = container(find(sec, "Deployment", "nasflow-test-worker-gpu"));
        Map<String, String> e = env(sw);
        assertEquals("true", e.get("TEMPORAL_TLS"));
        assertEquals("/etc/nasflow/temporal-tls/tls.crt", e.get("TEMPORAL_TLS_CLIENT_CERT_PATH"));
        assertEquals("/etc/nasflow/temporal-tls/ca.crt", e.get("TEMPORAL_TLS_SERVER_CA_CERT_PATH"));
        assertEquals("<from temporal-api-key>", e.get("TEMPORAL_API_KEY"));
        assertEquals("/etc/nasflow/kafka/client.properties", e.get("NASFLOW_KAFKA_PROPERTIES"));
        assertTrue(strings(sw.path("args")).containsAll(List.of("--slots", "8", "--devices", "0,1,2,3")));
        String props = find(sec, "Secret", "nasflow-test-kafka").path("stringData").path("client.properties")
                .asText();
        assertTrue(props.contains("security.protocol=SASL_SSL") && props.contains("sasl.mechanism=SCRAM-SHA-512"),
                props);
        JsonNode sm = find(sec, "ServiceMonitor", "nasflow-test");
        JsonNode sel = sm.path("spec").path("selector").path("matchLabels");
        List<JsonNode> services = sec.stream().filter(d -> d.path("kind").asText().equals("Service")).toList();
        assertEquals(4, services.size());
        for (JsonNode svc : services) {
            JsonNode labels = svc.path("metadata").path("labels");
            sel.fields().forEachRemaining(kv -> assertEquals(kv.getValue().asText(), labels.path(kv.getKey())
                    .asText(), svc.path("metadata").path("name") + " label " + kv.getKey()));
            assertEquals("metrics", svc.path("spec").path("ports").path(0).path("name").asText());
        }
        assertEquals("metrics", sm.path("spec").path("endpoints").path(0).path("port").asText());
        assertEquals("kube-prometheus-stack", sm.path("metadata").path("labels").path("release").asText());
    }

    @Test
    void badValuesFailWithTheValueAndTheFix() throws Exception {
        Path helm = helm();
        for (String[] c : new String[][] {
                {"workerGpu.enabled=true,workerGpu.gpus=0", "workerGpu.gpus is 0: give the number of GPUs"},
                {"worker.slots=0", "worker.slots is 0: give the candidates each worker pod trains at once"},
                {"temporal.address=", "temporal.address is empty: set it to the Temporal frontend"},
                {"kafka.bootstrap=", "kafka.bootstrap is empty"},
                {"temporal.tls.secretName=x", "temporal.tls.secretName is set but temporal.tls.enabled is false"}}) {
            ExternalTools.Run r = helmRun(helm, "template", List.of(), "--set", c[0]);
            assertNotEquals(0, r.exitCode(), c[0] + ":\n" + r.output());
            assertTrue(r.output().contains(c[1]), c[0] + ":\n" + r.output());
            assertFalse(r.output().contains("goroutine") || r.output().contains("panic"), r.output());
        }
    }
}
