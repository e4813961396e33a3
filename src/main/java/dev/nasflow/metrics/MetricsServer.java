package dev.nasflow.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.zip.GZIPOutputStream;

/**
 * A tiny HTTP server (JDK {@code com.sun.net.httpserver}) for Prometheus: {@code GET /metrics} answers the registry in
 * the Prometheus text format (OpenMetrics when the scraper asks for it; gzip when accepted), {@code GET /health}
 * answers {@code ok}, {@code /} a one-line pointer.
 */
public final class MetricsServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);

    /** Default ports: one per process kind, so that a dev machine can run them side by side. */
    public static final int DEV_PORT = 9464;
    public static final int WORKER_PORT = 9465;
    public static final int STOPPER_PORT = 9466;
    public static final int SURROGATE_PORT = 9467;

    /** Interface the server binds by default: every interface, so that a Prometheus in a container can scrape. */
    public static final String DEFAULT_BIND = "0.0.0.0";

    private static final String TEXT_004 = "text/plain; version=0.0.4; charset=utf-8";
    private static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor;
    /** Content type → the scrape in that format. */
    private final Function<String, String> scrape;
    private final boolean openMetrics;

    private MetricsServer(HttpServer server, ExecutorService executor, Function<String, String> scrape,
                          boolean openMetrics) {
        this.server = server;
        this.executor = executor;
        this.scrape = scrape;
        this.openMetrics = openMetrics;
    }

    /**
     * Serves {@code registry} on {@code bindHost:port} (port 0 = any free port; see {@link #port()}).
     *
     * @throws UncheckedIOException naming the port and the fix when it is taken
     */
    public static MetricsServer start(PrometheusMeterRegistry registry, String bindHost, int port) {
        Objects.requireNonNull(registry, "registry");
        return start(registry::scrape, true, bindHost, port);
    }

    /**
     * Serves whatever {@code text} returns, in the Prometheus text format 0.0.4 (e.g. the merged scrapes of a worker
     * supervisor's child processes), on {@code bindHost:port}; otherwise as {@link #start(PrometheusMeterRegistry,
     * String, int)}.
     */
    public static MetricsServer startText(Supplier<String> text, String bindHost, int port) {
        Objects.requireNonNull(text, "text");
        return start(type -> text.get(), false, bindHost, port);
    }

    private static MetricsServer start(Function<String, String> scrape, boolean openMetrics, String bindHost,
                                       int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--metrics-port " + port + " is outside 0..65535");
        }
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(bindHost, port), 16);
        } catch (BindException e) {
            throw new UncheckedIOException("cannot serve metrics on " + bindHost + ":" + port + " (" + e.getMessage()
                    + "): the port is taken (another nasflow process?); pass --metrics-port with a free port, "
                    + "or --metrics-port 0 to switch metrics off", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve metrics on " + bindHost + ":" + port + ": " + e.getMessage(),
                    e);
        }
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "nasflow-metrics-http");
            t.setDaemon(true);
            return t;
        });
        MetricsServer s = new MetricsServer(http, executor, scrape, openMetrics);
        http.createContext("/", s::handle);
        http.setExecutor(executor);
        http.start();
        log.info("metrics: Prometheus endpoint on http://{}:{}/metrics", bindHost, s.port());
        return s;
    }

    /** The port listened on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:<port>/metrics}. */
    public String url() {
        return "http://127.0.0.1:" + port() + "/metrics";
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            boolean head = "HEAD".equals(method);
            if (!head && !"GET".equals(method)) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                send(ex, 405, "text/plain; charset=utf-8", "method not allowed\n".getBytes(StandardCharsets.UTF_8),
                        false, false);
                return;
            }
            String path = ex.getRequestURI().getPath();
            switch (path) {
                case "/metrics" -> {
                    String accept = ex.getRequestHeaders().getFirst("Accept");
                    boolean om = openMetrics && accept != null && accept.contains("application/openmetrics-text");
                    String type = om ? OPENMETRICS : TEXT_004;
                    byte[] body;
                    try {
                        body = scrape.apply(type).getBytes(StandardCharsets.UTF_8);
                    } catch (RuntimeException e) {
                        log.warn("scrape failed: {}", e.toString());
                        send(ex, 500, "text/plain; charset=utf-8",
                                ("scrape failed: " + e + "\n").getBytes(StandardCharsets.UTF_8), false, head);
                        return;
                    }
                    send(ex, 200, type, body, acceptsGzip(ex), head);
                }
                case "/health" -> send(ex, 200, "text/plain; charset=utf-8",
                        "ok\n".getBytes(StandardCharsets.UTF_8), false, head);
                case "/" -> send(ex, 200, "text/plain; charset=utf-8",
                        "nasflow metrics: GET /metrics (Prometheus text format)\n".getBytes(StandardCharsets.UTF_8),
                        false, head);
                default -> send(ex, 404, "text/plain; charset=utf-8",
                        ("not found: " + path + " (try /metrics)\n").getBytes(StandardCharsets.UTF_8), false, head);
            }
        }
    }

    private static boolean acceptsGzip(HttpExchange ex) {
        List<String> enc = ex.getRequestHeaders().get("Accept-Encoding");
        return enc != null && enc.stream().anyMatch(v -> v.contains("gzip"));
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body, boolean gzip, boolean head)
            throws IOException {
        if (gzip) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream(body.length / 4 + 64);
            try (GZIPOutputStream z = new GZIPOutputStream(buf)) {
                z.write(body);
            }
            body = buf.toByteArray();
            ex.getResponseHeaders().set("Content-Encoding", "gzip");
        }
        ex.getResponseHeaders().set("Content-Type", type);
        if (head) {
            ex.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    /** Stops listening (exchanges in flight are cut off). */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
