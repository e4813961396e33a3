package dev.nasflow.cli;

import dev.nasflow.wiring.WorkerSupervisor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code nasflow worker --devices}: which device each slot gets, the errors for bad lists, and (CPU only) that each
 * supervised child process really runs with its own {@code CUDA_VISIBLE_DEVICES}: the children here are shell
 * processes that print their environment. {@code it.fault.WorkerDevicesTest} does the same with real worker JVMs.
 */
class WorkerDevicesTest {
    private static List<String> visible(List<WorkerSupervisor.SlotDevice> ds) {
        return ds.stream().map(WorkerSupervisor.SlotDevice::visible).toList();
    }

    @Test
    void slotsGoRoundRobinOverTheDevices() {
        List<WorkerSupervisor.SlotDevice> ds = WorkerSupervisor.slotDevices(List.of("0", "1", "2", "3"), 6, null);
        assertEquals(List.of(0, 1, 2, 3, 0, 1), ds.stream().map(WorkerSupervisor.SlotDevice::index).toList());
        assertEquals(List.of("0", "1", "2", "3", "0", "1"), visible(ds));
        // fewer slots than devices: the first ones
        assertEquals(List.of("2"), visible(WorkerSupervisor.slotDevices(List.of("2", "0"), 1, null)));
    }

    @Test
    void indicesCountAmongTheDevicesTheWorkerWasHanded() {
        // a worker started with CUDA_VISIBLE_DEVICES=4,5 (e.g. by a scheduler): --devices 0,1 means GPUs 4 and 5
        assertEquals(List.of("4", "5", "4"), visible(WorkerSupervisor.slotDevices(List.of("0", "1"), 3, "4,5")));
        assertEquals(List.of("GPU-b7", "GPU-a1"),
                visible(WorkerSupervisor.slotDevices(List.of("1", "0"), 2, "GPU-a1,GPU-b7")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WorkerSupervisor.slotDevices(List.of("0", "2"), 2, "4,5"));
        assertTrue(e.getMessage().contains("--devices: device 2 does not exist") && e.getMessage().contains("fix:"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> WorkerSupervisor.slotDevices(List.of("0"), 1, ""));
        assertTrue(e.getMessage().contains("hides every GPU") && e.getMessage().contains("fix:"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> WorkerSupervisor.slotDevices(List.of("0"), 1, "-1"));
        assertTrue(e.getMessage().contains("hides every GPU"), e.getMessage());
    }

    @Test
    void badListsAreRefusedWithTheFix() {
        for (List<String> bad : List.of(List.of("gpu0"), List.of("-1"), List.of("0", ""), List.of("1.5"),
                List.of("0", "1", "0"), List.<String>of())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> WorkerSupervisor.slotDevices(bad, 2, null), bad.toString());
            assertTrue(e.getMessage().startsWith("--devices") && e.getMessage().contains("(fix: "), e.getMessage());
        }
    }

    private static int run(StringWriter err, String... args) {
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        return cl.execute(args);
    }

    @Test
    void theCommandLineSaysWhatIsWrongWithoutAStackTrace() {
        StringWriter err = new StringWriter();
        assertEquals(2, run(err, "worker", "--slots", "2", "--devices", "0,x", "--temporal", "127.0.0.1:1",
                "--kafka", "127.0.0.1:1"));
        assertTrue(err.toString().contains("--devices: 'x' is not a device index (fix: give CUDA device indices"),
                err.toString());
        assertFalse(err.toString().contains("Exception") || err.toString().contains("\tat "), err.toString());

        StringWriter err2 = new StringWriter();
        assertEquals(2, run(err2, "worker", "--slots", "2", "--devices", "0,1", "--in-process", "--temporal",
                "127.0.0.1:1", "--kafka", "127.0.0.1:1"));
        assertTrue(err2.toString().contains("--in-process") && err2.toString().contains("(fix: drop --in-process"),
                err2.toString());
    }

    @Test
    void theSupervisorSetsTheDeviceItselfNotTheChildOptions() {
        List<String> args = WorkerCommand.childArgs(new CommandLine(new WorkerCommand()).parseArgs("--temporal",
                "t:7233", "--slots", "4", "--devices", "0,1", "--task-queue", "nasflow-gpu"));
        assertEquals(List.of("--temporal", "t:7233", "--task-queue", "nasflow-gpu"), args);
        assertEquals("slot 0 -> 0, slot 1 -> 1, slot 2 -> 0",
                WorkerCommand.describe(WorkerSupervisor.slotDevices(List.of("0", "1"), 3, null)));
        assertEquals("slot 0 -> 1 (CUDA_VISIBLE_DEVICES=7)",
                WorkerCommand.describe(WorkerSupervisor.slotDevices(List.of("1"), 1, "6,7")));
    }

    @Test
    void eachChildProcessSeesItsOwnDevice(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        // a child that reports what it was given, then idles until SIGTERM (the per-child options become $1...)
        List<String> child = List.of("/bin/sh", "-c", "echo \"env slot=$NASFLOW_WORKER_SLOT device=$NASFLOW_DEVICE "
                + "cuda=$CUDA_VISIBLE_DEVICES\"; exec sleep 60", "sh");
        WorkerSupervisor.Config config = new WorkerSupervisor.Config(3, child, dir, false,
                WorkerSupervisor.slotDevices(List.of("0", "1"), 3, null));
        String text;
        try (WorkerSupervisor sup = new WorkerSupervisor(config, out).start("127.0.0.1", 0)) {
            long deadline = System.nanoTime() + 30_000_000_000L;
            do {
                Thread.sleep(100);
                synchronized (out) {
                    text = bytes.toString(StandardCharsets.UTF_8);
                }
            } while (System.nanoTime() < deadline && !(text.contains("[slot-0] env") && text.contains("[slot-1] env")
                    && text.contains("[slot-2] env")));
            assertEquals(3, sup.childPids().size(), text);
            String scrape = sup.mergedScrape();
            assertTrue(scrape.contains("# TYPE nasflow_worker_slot_device gauge"), scrape);
            assertTrue(scrape.contains("nasflow_worker_slot_device{role=\"worker\",worker_slot=\"0\",device=\"0\","
                    + "cuda_visible_devices=\"0\"} 0"), scrape);
            assertTrue(scrape.contains("nasflow_worker_slot_device{role=\"worker\",worker_slot=\"1\",device=\"1\","
                    + "cuda_visible_devices=\"1\"} 1"), scrape);
            assertTrue(scrape.contains("nasflow_worker_slot_device{role=\"worker\",worker_slot=\"2\",device=\"0\","
                    + "cuda_visible_devices=\"0\"} 0"), scrape);
            assertFalse(scrape.contains("candidate"), "no per-candidate tag");
        }
        assertTrue(text.contains("[slot-0] env slot=0 device=0 cuda=0"), text);
        assertTrue(text.contains("[slot-1] env slot=1 device=1 cuda=1"), text);
        assertTrue(text.contains("[slot-2] env slot=2 device=0 cuda=0"), text);
        assertTrue(text.contains("slot 2: started worker process") && text.contains("on device 0 "
                + "(CUDA_VISIBLE_DEVICES=0)"), text);
    }

    @Test
    void withoutDevicesTheChildrenAreLeftAlone() {
        WorkerSupervisor.Config config = new WorkerSupervisor.Config(2, List.of("true"), Path.of("w"), false);
        assertEquals(null, config.device(1));
        assertEquals("", new WorkerSupervisor(config, System.out).deviceGauge());
    }
}
