package dev.nasflow.wiring;

import dev.nasflow.metrics.MetricsServer;
import dev.nasflow.metrics.PrometheusText;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code nasflow worker --slots N} (N &gt; 1): N child worker JVMs ({@code nasflow worker --in-process --slots 1}, this
 * JVM's java, JVM options and class path), each with one training slot, its own work directory
 * ({@code <work-dir>/slot-<i>}) and Temporal identity (its {@code pid@host}). One training per process is what DJL
 * needs (its gradient collector is global); the table trainer runs the same way.
 *
 * <p>Supervision: a child that exits while the supervisor is not stopping is restarted after a backoff (1 s, doubled
 * per quick failure up to 30 s; reset once a child has run a minute). A child that fails with a usage error (exit 2)
 * before serving stops the whole worker with exit status 2: restarting would fail the same way. Stopping (SIGTERM,
 * Ctrl-C) forwards SIGTERM to every child and waits for their graceful shutdown (SIGKILL after
 * {@link #STOP_GRACE}). Children watch the supervisor's pid ({@code --exit-with}) and stop when it dies, so a
 * SIGKILLed supervisor leaves no orphan. Every child line goes to the supervisor's stdout prefixed with
 * {@code [slot-<i>]}. With metrics on, children serve on free loopback ports and the supervisor serves their merged
 * scrape (label {@code worker_slot}) on the worker's port.
 *
 * <p>Devices ({@code --devices}): slot i's process gets {@code CUDA_VISIBLE_DEVICES} set to its device
 * ({@link SlotDevice}), so the CUDA runtime under DJL's PyTorch engine sees that one GPU only and DJL's
 * {@code gpu(0)} is it; the child also gets {@code NASFLOW_WORKER_SLOT} and {@code NASFLOW_DEVICE} (for its log).
 * The assignment is in the supervisor's log lines and in the gauge {@code nasflow_worker_slot_device}.
 */
public final class WorkerSupervisor implements AutoCloseable {
    public static final Duration STOP_GRACE = Duration.ofSeconds(30);
    public static final Duration MIN_BACKOFF = Duration.ofSeconds(1);
    public static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    public static final Duration STABLE_AFTER = Duration.ofMinutes(1);
    public static final Duration EXIT_SETTLE = Duration.ofMillis(300);
    public static final String SERVING = "nasflow worker: serving";
    public static final String LABEL = "worker_slot";
    public static final String RAM_PERCENTAGE = "-XX:MaxRAMPercentage=";
    /**
     * The entry point a worker child runs. Named, not imported: the CLI sits above the wiring and starts it, so the
     * wiring may not depend on the CLI ({@code LayeredArchitectureTest}); {@code WorkerSupervisorTest} checks the name.
     */
    public static final String MAIN_CLASS = "dev.nasflow.cli.Main";
    public static final String ENV_CUDA_VISIBLE = "CUDA_VISIBLE_DEVICES";
    public static final String ENV_SLOT = "NASFLOW_WORKER_SLOT";
    public static final String ENV_DEVICE = "NASFLOW_DEVICE";

    /**
     * The device of one slot: {@code index} as given to {@code --devices} (an index among the devices this worker
     * sees) and {@code visible}, the value of the child's {@code CUDA_VISIBLE_DEVICES} (the same index, or the
     * entry of the worker's own {@code CUDA_VISIBLE_DEVICES} at that index when it has one).
     */
    public record SlotDevice(int index, String visible) {
    }

    /**
     * What every child gets: its command before the per-child options, where its state lives, and its device
     * ({@code devices.get(slot)}; empty list = no device pinning).
     */
    public record Config(int children, List<String> command, Path workDir, boolean metrics, List<SlotDevice> devices) {
        public Config {
            if (children < 1) {
                throw new IllegalArgumentException("--slots must be >= 1, got " + children);
            }
            command = List.copyOf(command);
            devices = List.copyOf(devices);
            if (!devices.isEmpty() && devices.size() != children) {
                throw new IllegalArgumentException("one device per slot: " + devices.size() + " devices for "
                        + children + " slots");
            }
        }

        public Config(int children, List<String> command, Path workDir, boolean metrics) {
            this(children, command, workDir, metrics, List.of());
        }

        /** Slot {@code slot}'s device, or null when devices are not pinned. */
        public SlotDevice device(int slot) {
            return devices.isEmpty() ? null : devices.get(slot);
        }
    }

    /**
     * Slot devices for {@code --slots slots --devices given}: slot i gets {@code given[i mod given.size()]}
     * (round-robin when there are more slots than devices). {@code inherited} is this worker's own
     * {@code CUDA_VISIBLE_DEVICES} (null when unset): when set, the indices count among the devices it lists, and a
     * child gets the listed entry, so a worker that was handed GPUs 4,5 and runs {@code --devices 0,1} pins its
     * slots to GPUs 4 and 5.
     *
     * @throws IllegalArgumentException with a message that names {@code --devices} and the fix
     */
    public static List<SlotDevice> slotDevices(List<String> given, int slots, String inherited) {
        if (given == null || given.isEmpty()) {
            throw new IllegalArgumentException("--devices is empty (fix: give CUDA device indices separated by "
                    + "commas, e.g. --devices 0,1,2,3; `nvidia-smi -L` lists them)");
        }
        List<String> seen = null;
        if (inherited != null) {
            seen = new ArrayList<>();
            for (String e : inherited.split(",", -1)) {
                if (!e.isBlank()) {
                    seen.add(e.strip());
                }
            }
            if (seen.isEmpty() || seen.get(0).startsWith("-")) {
                throw new IllegalArgumentException("--devices given, but this worker's " + ENV_CUDA_VISIBLE + "='"
                        + inherited + "' hides every GPU (fix: unset " + ENV_CUDA_VISIBLE + " or list the GPUs "
                        + "this worker may use in it, or drop --devices to train on the CPU)");
            }
        }
        List<Integer> indices = new ArrayList<>();
        for (String raw : given) {
            String d = raw == null ? "" : raw.strip();
            if (d.isEmpty()) {
                throw new IllegalArgumentException("--devices has an empty entry (fix: give CUDA device indices "
                        + "separated by commas without blanks, e.g. --devices 0,1,2,3)");
            }
            if (!d.matches("[0-9]{1,4}")) {
                throw new IllegalArgumentException("--devices: '" + d + "' is not a device index (fix: give CUDA "
                        + "device indices 0, 1, ... separated by commas, e.g. --devices 0,1,2,3; `nvidia-smi -L` "
                        + "lists them)");
            }
            int i = Integer.parseInt(d);
            if (indices.contains(i)) {
                throw new IllegalArgumentException("--devices lists device " + i + " twice (fix: list each device "
                        + "once; with more --slots than devices the slots are spread over them round-robin)");
            }
            if (seen != null && i >= seen.size()) {
                throw new IllegalArgumentException("--devices: device " + i + " does not exist for this worker: its "
                        + ENV_CUDA_VISIBLE + "=" + inherited + " leaves " + seen.size() + " device(s), indices 0.."
                        + (seen.size() - 1) + " (fix: give indices among those, or widen " + ENV_CUDA_VISIBLE + ")");
            }
            indices.add(i);
        }
        List<SlotDevice> out = new ArrayList<>();
        for (int s = 0; s < slots; s++) {
            int i = indices.get(s % indices.size());
            out.add(new SlotDevice(i, seen == null ? Integer.toString(i) : seen.get(i)));
        }
        return out;
    }

    private final Config config;
    private final PrintStream out;
    private final List<Child> children = new ArrayList<>();
    private final CountDownLatch done = new CountDownLatch(1);
    private final AtomicInteger restarts = new AtomicInteger();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private volatile boolean stopping;
    private volatile int exitCode;
    private MetricsServer metricsServer;

    public WorkerSupervisor(Config config, PrintStream out) {
        this.config = config;
        this.out = out;
    }

    /**
     * The JVM part of a child's command: this JVM's java, its JVM options and class path. A debugger agent is left
     * out (its port would clash); a heap given as a share of the machine's memory ({@code -XX:MaxRAMPercentage=P},
     * as in the Docker image) is shared out, each of the {@code children} getting P / children percent; an explicit
     * {@code -Xmx} is per process already and is kept.
     */
    public static List<String> javaCommand(int children) {
        return javaCommand(ManagementFactory.getRuntimeMXBean().getInputArguments(), children);
    }

    public static List<String> javaCommand(List<String> jvmArgs, int children) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : jvmArgs) {
            if (a.startsWith("-agentlib:jdwp") || a.startsWith("-Xrunjdwp") || a.startsWith("-Xdebug")) {
                continue;
            }
            if (a.startsWith(RAM_PERCENTAGE) && children > 1) {
                try {
                    double p = Double.parseDouble(a.substring(RAM_PERCENTAGE.length()));
                    a = RAM_PERCENTAGE + String.format(Locale.ROOT, "%.1f", p / children);
                } catch (NumberFormatException e) {
                    // not a number: the JVM will say so; pass it on unchanged
                }
            }
            cmd.add(a);
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(MAIN_CLASS);
        return cmd;
    }

    /** Starts every child (and the merged metrics endpoint on {@code bind:port} when {@code port} &gt; 0). */
    public WorkerSupervisor start(String bind, int port) throws IOException {
        Files.createDirectories(config.workDir());
        if (config.metrics() && port > 0) {
            metricsServer = MetricsServer.startText(this::mergedScrape, bind, port);
        }
        for (int i = 0; i < config.children(); i++) {
            Child c = new Child(i);
            children.add(c);
            Thread t = new Thread(c::superviseLoop, "nasflow-slot-" + i);
            t.setDaemon(true);
            c.thread = t;
            t.start();
        }
        return this;
    }

    /** Port of the merged metrics endpoint, or -1 when off. */
    public int metricsPort() {
        return metricsServer == null ? -1 : metricsServer.port();
    }

    public int restarts() {
        return restarts.get();
    }

    /** Pids of the children running now. */
    public List<Long> childPids() {
        List<Long> pids = new ArrayList<>();
        for (Child c : children) {
            Process p = c.process;
            if (p != null && p.isAlive()) {
                pids.add(p.pid());
            }
        }
        return pids;
    }

    /** Blocks until {@link #close()} (e.g. from the shutdown hook) or a fatal child failure; the exit status. */
    public int await() throws InterruptedException {
        done.await();
        return exitCode;
    }

    /** SIGTERM to every child, wait for them (SIGKILL after the grace period); idempotent. */
    @Override
    public void close() {
        stopping = true;
        List<Process> live = new ArrayList<>();
        for (Child c : children) {
            Process p;
            synchronized (c) {
                p = c.process; // after this, the child's loop sees stopping and launches nothing more
            }
            if (p != null && p.isAlive()) {
                p.destroy();
                live.add(p);
            }
        }
        if (!live.isEmpty()) {
            say("stopping " + live.size() + " worker process(es) (SIGTERM; SIGKILL after " + STOP_GRACE.toSeconds()
                    + " s)");
        }
        long deadline = System.nanoTime() + STOP_GRACE.toNanos();
        for (Process p : live) {
            try {
                long left = deadline - System.nanoTime();
                if (!p.waitFor(Math.max(0, left), TimeUnit.NANOSECONDS)) {
                    say("slot process " + p.pid() + " did not stop within " + STOP_GRACE.toSeconds()
                            + " s: SIGKILL");
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
        for (Child c : children) {
            if (c.thread != null) {
                c.thread.interrupt();
            }
            Thread pump = c.pumpThread;
            if (pump != null) {
                try {
                    pump.join(2000); // the children's last lines come before ours
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        if (metricsServer != null) {
            metricsServer.close();
        }
        if (!live.isEmpty()) {
            say("every worker process stopped");
        }
        done.countDown();
    }

    private void fatal(int code, String why) {
        say(why);
        exitCode = code;
        Thread t = new Thread(this::close, "nasflow-supervisor-stop");
        t.start();
    }

    private void say(String line) {
        synchronized (out) {
            out.println("nasflow worker: " + line);
            out.flush();
        }
    }

    /** The children's scrapes, merged; a child that does not answer is left out (its processes gauge says so). */
    public String mergedScrape() {
        List<PrometheusText.Scrape> scrapes = new ArrayList<>();
        int up = 0;
        for (Child c : children) {
            int p = c.metricsPort;
            Process proc = c.process;
            if (p <= 0 || proc == null || !proc.isAlive()) {
                continue;
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p
                                + "/metrics")).timeout(Duration.ofSeconds(5)).header("Accept", "text/plain").GET()
                                .build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                if (r.statusCode() == 200) {
                    scrapes.add(new PrometheusText.Scrape(Integer.toString(c.slot), r.body()));
                    up++;
                }
            } catch (IOException e) {
                // not serving yet (starting) or just died: left out of this scrape
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        String own = "# HELP nasflow_worker_processes Worker processes of this supervisor, by state\n"
                + "# TYPE nasflow_worker_processes gauge\n"
                + "nasflow_worker_processes{role=\"worker\",state=\"configured\"} " + config.children() + "\n"
                + "nasflow_worker_processes{role=\"worker\",state=\"scraped\"} " + up + "\n"
                + "# HELP nasflow_worker_process_restarts_total Child worker processes restarted after an "
                + "unexpected exit\n"
                + "# TYPE nasflow_worker_process_restarts_total counter\n"
                + "nasflow_worker_process_restarts_total{role=\"worker\"} " + restarts.get() + "\n"
                + deviceGauge();
        return PrometheusText.merge(LABEL, scrapes) + own;
    }

    /**
     * {@code nasflow_worker_slot_device{worker_slot, device}}: the device index of each slot (one series per slot,
     * whether or not its process is up); nothing when devices are not pinned.
     */
    public String deviceGauge() {
        if (config.devices().isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder("# HELP nasflow_worker_slot_device Device index (--devices) each slot's "
                + "worker process is pinned to through " + ENV_CUDA_VISIBLE + "\n"
                + "# TYPE nasflow_worker_slot_device gauge\n");
        for (int i = 0; i < config.children(); i++) {
            SlotDevice d = config.device(i);
            b.append("nasflow_worker_slot_device{role=\"worker\",").append(LABEL).append("=\"").append(i)
                    .append("\",device=\"").append(d.index()).append("\",cuda_visible_devices=\"")
                    .append(labelValue(d.visible())).append("\"} ").append(d.index()).append('\n');
        }
        return b.toString();
    }

    private static String labelValue(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static int freeLoopbackPort() {
        return dev.nasflow.embedded.FreePorts.reserve(InetAddress.getLoopbackAddress());
    }

    private final class Child {
        final int slot;
        volatile Process process;
        volatile int metricsPort;
        volatile boolean serving;
        volatile Thread thread;
        volatile Thread pumpThread;

        Child(int slot) {
            this.slot = slot;
        }

        List<String> command() throws IOException {
            List<String> cmd = new ArrayList<>(config.command());
            metricsPort = config.metrics() ? freeLoopbackPort() : 0;
            cmd.addAll(List.of("--in-process", "--slots", "1",
                    "--metrics-port", Integer.toString(metricsPort), "--metrics-bind", "127.0.0.1",
                    "--work-dir", config.workDir().resolve("slot-" + slot).toString(),
                    "--exit-with", Long.toString(ProcessHandle.current().pid())));
            return cmd;
        }

        void superviseLoop() {
            Duration backoff = MIN_BACKOFF;
            while (!stopping) {
                long started = System.nanoTime();
                int code;
                try {
                    ProcessBuilder pb = new ProcessBuilder(command()).redirectErrorStream(true)
                            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
                    SlotDevice device = config.device(slot);
                    if (device != null) {
                        pb.environment().put(ENV_CUDA_VISIBLE, device.visible());
                        pb.environment().put(ENV_SLOT, Integer.toString(slot));
                        pb.environment().put(ENV_DEVICE, Integer.toString(device.index()));
                    }
                    serving = false;
                    synchronized (this) {
                        if (stopping) {
                            return;
                        }
                        process = pb.start();
                    }
                    say("slot " + slot + ": started worker process " + process.pid() + (device == null ? ""
                            : " on device " + device.index() + " (" + ENV_CUDA_VISIBLE + "=" + device.visible() + ")"));
                    pump(process);
                    code = process.waitFor();
                    // Ctrl-C reaches the whole process group: let our own shutdown hook flag the stop first
                    Thread.sleep(EXIT_SETTLE.toMillis());
                } catch (InterruptedException e) {
                    return;
                } catch (IOException | UncheckedIOException e) {
                    say("slot " + slot + ": cannot start a worker process: " + e.getMessage());
                    code = -1;
                }
                if (stopping) {
                    return;
                }
                if (code == 2 && !serving) {
                    fatal(2, "slot " + slot + ": the worker process rejected its options (exit 2, see above); "
                            + "stopping every slot");
                    return;
                }
                double ranSeconds = (System.nanoTime() - started) / 1e9;
                if (ranSeconds >= STABLE_AFTER.toSeconds()) {
                    backoff = MIN_BACKOFF;
                }
                restarts.incrementAndGet();
                say(String.format(Locale.ROOT, "slot %d: worker process %s exited unexpectedly with status %d "
                                + "after %.1f s; restarting in %.1f s", slot,
                        process == null ? "-" : Long.toString(process.pid()), code, ranSeconds,
                        backoff.toMillis() / 1000.0));
                try {
                    Thread.sleep(backoff.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }

        /** Copies the child's output to ours, prefixed; notes when it serves. */
        private void pump(Process p) {
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        if (line.startsWith(SERVING)) {
                            serving = true;
                        }
                        synchronized (out) {
                            out.println("[slot-" + slot + "] " + line);
                            out.flush();
                        }
                    }
                } catch (IOException e) {
                    // the process is gone
                }
            }, "nasflow-slot-" + slot + "-out");
            t.setDaemon(true);
            pumpThread = t;
            t.start();
        }
    }
}
