package dev.nasflow.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsServerTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private PrometheusMeterRegistry registry;
    private MetricsServer server;

    @BeforeEach
    void setUp() {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        NasflowMetrics metrics = new NasflowMetrics(registry);
        metrics.finished(new dev.nasflow.model.CandidateTask("s", "s-g0-c0", 0, 0, null, "a", "h", 4, 1, null),
                dev.nasflow.model.Outcome.COMPLETED, 4);
        server = MetricsServer.start(registry, "127.0.0.1", 0);
    }

    @AfterEach
    void tearDown() {
        server.close();
        registry.close();
    }

    private HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void servesPrometheusTextOnMetrics() throws Exception {
        HttpResponse<byte[]> r = get("/metrics");
        assertEquals(200, r.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", r.headers().firstValue("Content-Type").orElse(""));
        String body = new String(r.body(), StandardCharsets.UTF_8);
        assertTrue(body.contains("# TYPE nasflow_candidates_finished_total counter"), body);
        assertTrue(body.contains("nasflow_candidates_finished_total{outcome=\"completed\"} 1.0"), body);
        assertTrue(server.url().endsWith(":" + server.port() + "/metrics"));
    }

    @Test
    void gzipAndOpenMetricsWhenAsked() throws Exception {
        HttpResponse<byte[]> r = get("/metrics", "Accept-Encoding", "gzip",
                "Accept", "application/openmetrics-text; version=1.0.0");
        assertEquals("gzip", r.headers().firstValue("Content-Encoding").orElse(""));
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/openmetrics-text"));
        String body = new String(new GZIPInputStream(new ByteArrayInputStream(r.body())).readAllBytes(),
                StandardCharsets.UTF_8);
        assertTrue(body.contains("nasflow_candidates_finished_total{outcome=\"completed\"} 1.0"), body);
        assertTrue(body.trim().endsWith("# EOF"), "OpenMetrics ends with # EOF");
    }

    @Test
    void healthRootNotFoundAndWrongMethod() throws Exception {
        assertEquals("ok\n", new String(get("/health").body(), StandardCharsets.UTF_8));
        assertTrue(new String(get("/").body(), StandardCharsets.UTF_8).contains("/metrics"));
        HttpResponse<byte[]> missing = get("/nope");
        assertEquals(404, missing.statusCode());
        assertTrue(new String(missing.body(), StandardCharsets.UTF_8).contains("try /metrics"));
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/metrics")).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
        HttpResponse<Void> head = http.send(HttpRequest.newBuilder(URI.create(server.url()))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(200, head.statusCode());
    }

    @Test
    void aTakenPortIsAClearError() {
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> MetricsServer.start(registry, "127.0.0.1", server.port()));
        assertTrue(e.getMessage().contains("--metrics-port"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MetricsServer.start(registry, "127.0.0.1", 70000));
    }
}
