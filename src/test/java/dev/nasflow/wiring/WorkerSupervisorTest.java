package dev.nasflow.wiring;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The supervisor's process handling with stand-in children (shell commands; the per-child options it appends become
 * the shell's positional arguments). The real worker processes: it.fault.WorkerSlotsTest.
 */
class WorkerSupervisorTest {
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);

    private String output() {
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aChildThatDiesIsRestartedAndItsOutputPrefixed(@TempDir Path dir) throws Exception {
        WorkerSupervisor sup = new WorkerSupervisor(new WorkerSupervisor.Config(2,
                List.of("sh", "-c", "echo hello from a child; exit 3"), dir, false), out).start("127.0.0.1", 0);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (sup.restarts() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        sup.close();
        assertEquals(0, sup.await(), "stopped on request");
        assertTrue(sup.restarts() >= 3, output());
        String text = output();
        assertTrue(text.contains("[slot-0] hello from a child") && text.contains("[slot-1] hello from a child"), text);
        assertTrue(text.contains("exited unexpectedly with status 3") && text.contains("restarting in 1.0 s"), text);
    }

    @Test
    void aRunningChildGetsSigtermOnClose(@TempDir Path dir) throws Exception {
        WorkerSupervisor sup = new WorkerSupervisor(new WorkerSupervisor.Config(1,
                List.of("sh", "-c", "echo up; while true; do sleep 0.1; done"),
                dir, false), out).start("127.0.0.1", 0);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while ((sup.childPids().isEmpty() || !output().contains("[slot-0] up")) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        long pid = sup.childPids().get(0);
        long t0 = System.nanoTime();
        sup.close();
        assertEquals(0, sup.await());
        assertTrue(ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true), "child stopped");
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(20), "SIGTERM, not the SIGKILL after 30 s");
        assertTrue(output().contains("stopping 1 worker process(es) (SIGTERM") && !output().contains("did not stop"),
                output());
        assertEquals(0, sup.restarts(), "a stop is not a crash: " + output());
    }

    @Test
    void aChildRejectingItsOptionsStopsTheWorkerWithStatusTwo(@TempDir Path dir) throws Exception {
        WorkerSupervisor sup = new WorkerSupervisor(new WorkerSupervisor.Config(2,
                List.of("sh", "-c", "echo 'Unknown option'; exit 2"), dir, false), out).start("127.0.0.1", 0);
        assertEquals(2, sup.await());
        assertTrue(output().contains("rejected its options"), output());
        assertEquals(0, sup.restarts());
    }

    @Test
    void childrenRunTheCliEntryPoint() {
        assertEquals(dev.nasflow.cli.Main.class.getName(), WorkerSupervisor.MAIN_CLASS);
    }
}
