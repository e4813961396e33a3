package dev.nasflow.it.fault;

import dev.nasflow.testing.Slow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code nasflow worker --slots 3 --devices 0,1} as a real process on a machine without a GPU: three child worker
 * JVMs, each started with its own {@code CUDA_VISIBLE_DEVICES} (0, 1, 0: round-robin), each reporting it in its own
 * log line; the supervisor logs the assignment and serves it as {@code nasflow_worker_slot_device}. The children
 * need no Temporal or Kafka to report their device (they print it before connecting), so none is started; SIGTERM
 * then stops them all.
 */
@Slow
class WorkerDevicesTest {
    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void eachChildJvmGetsItsOwnDeviceIndex(@TempDir Path dir) throws Exception {
        Path logs = Path.of("target", "reliability", "logs", "worker-devices");
        int port = freePort();
        int closed = freePort(); // nothing listens there: the children print their device, then keep retrying
        NasflowProcess sup = NasflowProcess.start("worker-devices", logs, List.of("worker", "--temporal",
                "127.0.0.1:" + closed, "--kafka", "127.0.0.1:" + closed, "--slots", "3", "--devices", "0,1",
                "--task-queue", "nasflow-gpu", "--metrics-port", Integer.toString(port), "--metrics-bind",
                "127.0.0.1", "--work-dir", dir.resolve("w").toString()));
        try {
            sup.awaitLog("nasflow worker: supervising 3 worker processes", Duration.ofSeconds(60));
            assertTrue(sup.logText().contains("devices slot 0 -> 0, slot 1 -> 1, slot 2 -> 0"), sup.tail(3000));
            int[] expected = {0, 1, 0};
            for (int i = 0; i < expected.length; i++) {
                sup.awaitLog("[slot-" + i + "] nasflow worker: slot " + i + " on device " + expected[i]
                        + " (CUDA_VISIBLE_DEVICES=" + expected[i] + ": DJL's gpu(0) in this process is that device)",
                        Duration.ofSeconds(120));
                assertTrue(sup.logText().contains("nasflow worker: slot " + i + ": started worker process"),
                        sup.tail(3000));
            }
            assertTrue(sup.logText().matches("(?s).*slot 1: started worker process \\d+ on device 1 "
                    + "\\(CUDA_VISIBLE_DEVICES=1\\).*"), sup.tail(3000));
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            for (int i = 0; i < expected.length; i++) {
                String series = "nasflow_worker_slot_device{role=\"worker\",worker_slot=\"" + i + "\",device=\""
                        + expected[i] + "\",cuda_visible_devices=\"" + expected[i] + "\"} " + expected[i];
                assertTrue(r.body().contains(series), series + " missing from\n" + r.body());
            }
            List<Long> children = java.util.regex.Pattern.compile("started worker process (\\d+)")
                    .matcher(sup.logText()).results().map(m -> Long.parseLong(m.group(1))).toList();
            sup.close();
            assertEquals(143, sup.exitCode(Duration.ofSeconds(5)), sup.tail(3000));
            for (long pid : children) {
                assertTrue(ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true), "child " + pid + " left behind");
            }
        } finally {
            sup.close();
        }
    }
}
