package dev.nasflow.cli;

import dev.nasflow.wiring.DevStack;
import dev.nasflow.metrics.MetricsServer;
import picocli.CommandLine.Option;

/**
 * Prometheus endpoint options of the long-running commands ({@code @Mixin MetricsOptions metrics;}). Each command has
 * its own default port so that they can run side by side on one machine: dev 9464, worker 9465, stopper 9466,
 * surrogate 9467; quickstart serves none unless asked.
 */
public final class MetricsOptions {
    @Option(names = "--metrics-port", paramLabel = "PORT",
            description = "Serve Prometheus metrics on http://HOST:PORT/metrics; 0 = off. Default: dev 9464, "
                    + "worker 9465, stopper 9466, surrogate 9467, quickstart off.")
    Integer port;

    @Option(names = "--metrics-bind", paramLabel = "HOST", defaultValue = MetricsServer.DEFAULT_BIND,
            description = "Interface of the metrics endpoint (default ${DEFAULT-VALUE}: every interface).")
    String bind;

    /** The port to serve on (0 = off). */
    public int port(int commandDefault) {
        return port != null ? port : commandDefault;
    }

    /** Points the stack's metrics at the endpoint, unless off. */
    public DevStack.Builder apply(DevStack.Builder b, int commandDefault, String role) {
        int p = port(commandDefault);
        return p > 0 ? b.serveMetrics(bind, p, role) : b;
    }

    /** A line for the banner: where the metrics are, or that they are off. */
    public static String describe(DevStack stack) {
        return stack.metricsServer() == null ? "off (--metrics-port PORT to serve)"
                : "http://" + "127.0.0.1:" + stack.metricsServer().port() + "/metrics";
    }
}
