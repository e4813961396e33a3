package dev.nasflow.cli;

import org.slf4j.LoggerFactory;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;

/**
 * Where library logging goes (DJL, Kafka, Temporal, gRPC, and nasflow's own slf4j loggers): configured once, at the
 * start of {@link Main#main}, before any logger exists.
 *
 * <p>Quiet by default: every log line goes to a file under the work directory ({@code work/logs/COMMAND.log}, or
 * {@code DIR/nasflow.log} with {@code --work-dir DIR}), appended to, and the terminal says once where it is, when the
 * first line is written. The terminal keeps the command's own output (progress, tables, errors). {@code --verbose}
 * leaves the logs on stderr. The long-running services ({@code worker}, {@code stopper}, {@code surrogate}) keep
 * their logs on stderr too: their log is their output (containers, process supervisors).
 *
 * <p>slf4j-simple takes its settings from system properties; its output stream is cached at initialization
 * ({@code cacheOutputStream}), which is how it is pointed at the file without touching the real stderr. java.util.logging
 * (gRPC) is forwarded to slf4j.
 */
final class CliLogging {
    /** Commands whose logs stay on stderr: services run under supervisors and containers. */
    static final Set<String> SERVICES = Set.of("worker", "stopper", "surrogate");

    private static volatile Path file;

    private CliLogging() {
    }

    /** The log file of this process, or null when logs go to the terminal. */
    static Path file() {
        return file;
    }

    /** Configures logging for a run with {@code args}; returns the log file, or null when logs stay on stderr. */
    static synchronized Path configure(String[] args) {
        List<String> a = Arrays.asList(args);
        String command = a.stream().filter(s -> !s.startsWith("-")).findFirst().orElse("nasflow");
        if (a.contains(CliErrors.VERBOSE) || SERVICES.contains(command) || a.contains("--help")
                || a.contains("-h") || a.contains("--version") || a.contains("-V")) {
            return null;
        }
        Path target = logFile(a, command);
        PrintStream terminal = System.err;
        PrintStream logs = new PrintStream(new LazyFile(target, terminal), true, StandardCharsets.UTF_8);
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        System.setProperty("org.slf4j.simpleLogger.cacheOutputStream", "true");
        System.setErr(logs);
        try {
            LoggerFactory.getLogger(CliLogging.class); // initializes slf4j-simple on the cached stream
        } finally {
            System.setErr(terminal);
        }
        LogManager.getLogManager().reset();
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        root.setLevel(Level.INFO);
        root.addHandler(new ToSlf4j());
        file = target;
        return target;
    }

    static Path logFile(List<String> args, String command) {
        int i = args.indexOf("--work-dir");
        if (i >= 0 && i + 1 < args.size()) {
            return Path.of(args.get(i + 1)).resolve("nasflow.log");
        }
        for (String s : args) {
            if (s.startsWith("--work-dir=")) {
                return Path.of(s.substring("--work-dir=".length())).resolve("nasflow.log");
            }
        }
        String name = command.matches("[A-Za-z0-9_-]{1,40}") ? command : "nasflow";
        return Services.workDir(null, "logs").resolve(name + ".log");
    }

    /** A file opened (for appending) at the first byte written; then the terminal is told, once, where it is. */
    static final class LazyFile extends OutputStream {
        private final Path path;
        private final PrintStream terminal;
        private OutputStream out;
        private boolean failed;

        LazyFile(Path path, PrintStream terminal) {
            this.path = path;
            this.terminal = terminal;
        }

        private OutputStream out() {
            if (out == null && !failed) {
                try {
                    if (path.getParent() != null) {
                        Files.createDirectories(path.getParent());
                    }
                    out = new FileOutputStream(path.toFile(), true);
                    out.write(("---- nasflow " + Instant.now() + " pid " + ProcessHandle.current().pid() + "\n")
                            .getBytes(StandardCharsets.UTF_8));
                    terminal.println("nasflow: library logs go to " + path + " (--verbose shows them here)");
                } catch (IOException e) {
                    failed = true;
                    terminal.println("nasflow: cannot write the log file " + path + " (" + e.getMessage()
                            + "): library logs are dropped; --verbose shows them here");
                }
            }
            return out;
        }

        @Override
        public synchronized void write(int b) throws IOException {
            OutputStream o = out();
            if (o != null) {
                o.write(b);
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            OutputStream o = out();
            if (o != null) {
                o.write(b, off, len);
            }
        }

        @Override
        public synchronized void flush() throws IOException {
            if (out != null) {
                out.flush();
            }
        }
    }

    /** java.util.logging records (gRPC, some JDK parts) to slf4j, so they land in the same place. */
    static final class ToSlf4j extends Handler {
        @Override
        public void publish(LogRecord r) {
            if (r == null || !isLoggable(r)) {
                return;
            }
            org.slf4j.Logger log = LoggerFactory.getLogger(r.getLoggerName() == null ? "jul" : r.getLoggerName());
            String msg = r.getMessage();
            if (msg != null && r.getParameters() != null && r.getParameters().length > 0) {
                try {
                    msg = java.text.MessageFormat.format(msg, r.getParameters());
                } catch (IllegalArgumentException ignored) {
                    // keep the raw message
                }
            }
            int level = r.getLevel().intValue();
            if (level >= Level.SEVERE.intValue()) {
                log.error(msg, r.getThrown());
            } else if (level >= Level.WARNING.intValue()) {
                log.warn(msg, r.getThrown());
            } else if (level >= Level.INFO.intValue()) {
                log.info(msg, r.getThrown());
            } else {
                log.debug(msg, r.getThrown());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
