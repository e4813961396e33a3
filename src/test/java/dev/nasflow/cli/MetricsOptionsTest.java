package dev.nasflow.cli;

import dev.nasflow.metrics.MetricsServer;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsOptionsTest {
    private static MetricsOptions parse(String command, String... args) {
        CommandLine cl = Main.commandLine();
        CommandLine.ParseResult r = cl.parseArgs(prepend(command, args));
        Object cmd = r.subcommand().commandSpec().userObject();
        return (MetricsOptions) r.subcommand().commandSpec().mixins().values().stream()
                .map(m -> m.userObject()).filter(o -> o instanceof MetricsOptions).findFirst()
                .orElseThrow(() -> new AssertionError(command + " has no metrics options: " + cmd));
    }

    private static String[] prepend(String first, String... rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    @Test
    void everyLongRunningCommandHasMetricsOptionsWithItsOwnDefaultPort() {
        Map<String, Integer> defaults = Map.of("dev", MetricsServer.DEV_PORT, "worker", MetricsServer.WORKER_PORT,
                "stopper", MetricsServer.STOPPER_PORT, "surrogate", MetricsServer.SURROGATE_PORT, "quickstart", 0);
        defaults.forEach((command, port) -> {
            MetricsOptions o = parse(command);
            assertEquals(port, o.port(port), command);
            assertEquals(MetricsServer.DEFAULT_BIND, o.bind);
            MetricsOptions given = parse(command, "--metrics-port", "0", "--metrics-bind", "127.0.0.1");
            assertEquals(0, given.port(port), command + ": 0 = off");
            assertEquals("127.0.0.1", given.bind);
        });
        assertEquals(9464, MetricsServer.DEV_PORT);
        assertTrue(Main.commandLine().getSubcommands().containsKey("report"));
    }
}
