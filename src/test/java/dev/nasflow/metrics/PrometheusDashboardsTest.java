package dev.nasflow.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nasflow.wiring.DevStack;
import dev.nasflow.embedded.TestBackends;
import dev.nasflow.testing.Slow;
import dev.nasflow.api.SearchResult;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The dashboards against real data: a nasflow search (stack on {@link TestBackends}, metrics on a free port) scraped
 * every second by a real Prometheus (Debian package {@code prometheus}), then EVERY query of every panel of every
 * dashboard in {@code ops/grafana/dashboards} is evaluated through Prometheus's HTTP API and must return data.
 * {@code promtool check config} must pass on the shipped configurations and on the test's own.
 */
@Tag("prometheus")
@Slow
class PrometheusDashboardsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path REPO = Path.of("").toAbsolutePath();
    private static final Path DASHBOARDS = REPO.resolve("ops/grafana/dashboards");
    /** What Grafana would put in for the variables (window long enough to cover the whole test run). */
    static final Map<String, String> VARIABLES = variables();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static Map<String, String> variables() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("${search:regex}", ".*");
        v.put("${search}", ".*");
        v.put("$search", ".*");
        v.put("${__rate_interval}", "1m");
        v.put("$__rate_interval", "1m");
        v.put("${__range}", "5m");
        v.put("$__range", "5m");
        v.put("$__interval", "5s");
        return v;
    }

    static String substitute(String expr) {
        String out = expr;
        for (Map.Entry<String, String> e : VARIABLES.entrySet()) {
            out = out.replace(e.getKey(), e.getValue());
        }
        return out;
    }

    /** Every panel query: dashboard file, panel title, expression (variables substituted). */
    record PanelQuery(String dashboard, String panel, String expr) {
    }

    static List<PanelQuery> panelQueries() throws IOException {
        List<PanelQuery> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(DASHBOARDS)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                JsonNode board = JSON.readTree(f.toFile());
                collect(f.getFileName().toString(), board.path("panels"), out);
            }
        }
        return out;
    }

    private static void collect(String file, JsonNode panels, List<PanelQuery> out) {
        for (JsonNode p : panels) {
            collect(file, p.path("panels"), out); // panels inside (collapsed) rows
            for (JsonNode t : p.path("targets")) {
                String expr = t.path("expr").asText("");
                if (!expr.isBlank()) {
                    out.add(new PanelQuery(file, p.path("title").asText(), substitute(expr)));
                }
            }
        }
    }

    @Test
    void dashboardsAreWellFormed() throws IOException {
        List<String> uids = new ArrayList<>();
        try (Stream<Path> files = Files.list(DASHBOARDS)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                JsonNode board = JSON.readTree(f.toFile());
                uids.add(board.path("uid").asText());
                assertFalse(board.path("title").asText().isBlank(), f + " has a title");
                int panels = 0;
                for (JsonNode p : board.path("panels")) {
                    if ("row".equals(p.path("type").asText())) {
                        continue;
                    }
                    panels++;
                    assertEquals("prometheus", p.path("datasource").path("uid").asText(),
                            f + ": panel " + p.path("title") + " uses the provisioned datasource");
                    assertTrue(p.path("targets").size() > 0, f + ": panel " + p.path("title") + " has a query");
                    assertTrue(p.has("gridPos"), f + ": panel " + p.path("title") + " has a position");
                }
                assertTrue(panels >= 4, f + " has panels");
            }
        }
        assertEquals(List.of("nasflow-search-overview", "nasflow-training", "nasflow-streaming", "nasflow-temporal")
                .stream().sorted().toList(), uids.stream().sorted().toList());
        for (PanelQuery q : panelQueries()) {
            assertFalse(q.expr().contains("$"), "unsubstituted variable in " + q);
            assertFalse(q.expr().contains("candidate_id") || q.expr().contains("candidateId"),
                    "no per-candidate series in " + q);
        }
    }

    @Test
    void everyPanelQueryReturnsDataFromARealSearch(@TempDir Path tmp) throws Exception {
        Path prometheus = ExternalTools.require("PROMETHEUS_BIN", "apt-get install -y prometheus", "prometheus");
        Path promtool = ExternalTools.require("PROMTOOL_BIN", "apt-get install -y prometheus", "promtool");
        long t0 = System.nanoTime();
        for (String shipped : List.of("ops/prometheus/prometheus.yml", "ops/prometheus/prometheus-local.yml")) {
            checkConfig(promtool, REPO.resolve(shipped));
        }
        List<PanelQuery> queries = panelQueries();
        assertTrue(queries.size() >= 40, "dashboards have " + queries.size() + " queries");

        try (TestBackends backends = TestBackends.start();
             DevStack stack = MetricsSearch.start(backends, tmp.resolve("stack"))) {
            int nasflowPort = stack.metricsServer().port();
            int promPort = ExternalTools.freePort();
            Path config = tmp.resolve("prometheus-test.yml");
            Files.writeString(config, testConfig(nasflowPort));
            checkConfig(promtool, config);
            Path promLog = tmp.resolve("prometheus.log");
            Process prom = new ProcessBuilder(prometheus.toString(), "--config.file=" + config,
                    "--storage.tsdb.path=" + tmp.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + promPort,
                    "--storage.tsdb.retention.time=1h", "--log.level=warn")
                    .redirectErrorStream(true).redirectOutput(promLog.toFile()).start();
            String api = "http://127.0.0.1:" + promPort;
            try {
                waitReady(api, prom, promLog);
                System.out.printf("[prometheus test] stack + Prometheus ready after %.1f s (nasflow :%d, "
                        + "Prometheus :%d)%n", (System.nanoTime() - t0) / 1e9, nasflowPort, promPort);
                // a first, tiny search: Temporal's workflow meters appear at the first completion, and a rate
                // needs a second one to see an increase (as on any long-running deployment)
                MetricsSearch.run(stack, "obs-warm-up-" + Long.toString(System.nanoTime(), 36), MetricsSearch.WARM_UP);
                awaitQuery(api, "temporal_workflow_endtoend_latency_seconds_count >= 1", prom, promLog);
                SearchResult result = MetricsSearch.run(stack, "obs-prom-" + Long.toString(System.nanoTime(), 36));
                assertEquals(30, result.status().evaluations());
                System.out.printf("[prometheus test] search done after %.1f s: %d evaluated, %d stopped early%n",
                        (System.nanoTime() - t0) / 1e9, result.status().evaluations(), result.status().stoppedEarly());
                String searchId = result.status().searchId();
                // the stopper saw COMPLETED, Temporal's end-to-end latency was reported, and both were scraped
                awaitQuery(api, "nasflow_search_evaluations{search=\"" + searchId + "\"} == 30", prom, promLog);
                awaitQuery(api, "nasflow_searches_running == 0", prom, promLog);
                awaitQuery(api, "temporal_workflow_endtoend_latency_seconds_count >= 2", prom, promLog);
                Thread.sleep(2_500); // two more scrapes

                List<String> empty = new ArrayList<>();
                int nan = 0;
                for (PanelQuery q : queries) {
                    JsonNode r = query(api, q.expr());
                    if (!"success".equals(r.path("status").asText())) {
                        empty.add(q + ": " + r);
                        continue;
                    }
                    JsonNode data = r.path("data").path("result");
                    if (data.isEmpty()) {
                        empty.add(q + ": empty result");
                        continue;
                    }
                    boolean anyNumber = false;
                    for (JsonNode series : data) {
                        String v = series.path("value").path(1).asText();
                        if (!v.equals("NaN")) {
                            anyNumber = true;
                        }
                    }
                    if (!anyNumber) {
                        nan++;
                        System.out.println("[prometheus test] only NaN: " + q);
                    }
                }
                System.out.printf("[prometheus test] %d panel queries of %d dashboards evaluated, %d empty, "
                        + "%d only NaN; total %.1f s%n", queries.size(), queries.stream().map(PanelQuery::dashboard)
                        .distinct().count(), empty.size(), nan, (System.nanoTime() - t0) / 1e9);
                if (!empty.isEmpty()) {
                    fail(empty.size() + " panel queries returned no data:\n  " + String.join("\n  ", empty));
                }
                assertEquals(0, nan, "every panel query has a number");
            } finally {
                prom.destroy();
                if (!prom.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    prom.destroyForcibly();
                }
            }
        }
    }

    /** The test's Prometheus configuration: the dev job of prometheus-local.yml at the test's port, 1 s scrapes. */
    static String testConfig(int nasflowPort) {
        return """
                # generated by PrometheusDashboardsTest: ops/prometheus/prometheus-local.yml's nasflow-dev job, \
                pointed at the test's port
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                  evaluation_interval: 1s
                  external_labels:
                    system: nasflow
                scrape_configs:
                  - job_name: nasflow-dev
                    static_configs:
                      - targets: ["127.0.0.1:%d"]
                """.formatted(nasflowPort);
    }

    private static void checkConfig(Path promtool, Path config) throws Exception {
        ExternalTools.Run r = ExternalTools.run(REPO, 60, promtool.toString(), "check", "config", config.toString());
        assertEquals(0, r.exitCode(), "promtool check config " + config + ":\n" + r.output());
        assertTrue(r.output().contains("SUCCESS"), r.output());
    }

    private JsonNode query(String api, String expr) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(api + "/api/v1/query?query="
                + URLEncoder.encode(expr, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    private void waitReady(String api, Process prom, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (!prom.isAlive()) {
                fail("prometheus exited with " + prom.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api + "/-/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // starting
            }
            Thread.sleep(100);
        }
        fail("prometheus not ready within 30 s:\n" + Files.readString(log));
    }

    private void awaitQuery(String api, String expr, Process prom, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (!prom.isAlive()) {
                fail("prometheus exited:\n" + Files.readString(log));
            }
            if (!query(api, expr).path("data").path("result").isEmpty()) {
                return;
            }
            Thread.sleep(250);
        }
        fail("no data for " + expr + " within 30 s; targets: " + query(api, "up") + "\n" + Files.readString(log));
    }
}
