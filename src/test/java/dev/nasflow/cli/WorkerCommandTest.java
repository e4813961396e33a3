package dev.nasflow.cli;

import dev.nasflow.wiring.WorkerSupervisor;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What a supervising worker passes on to its child processes. */
class WorkerCommandTest {
    private static List<String> childArgs(String... args) {
        CommandLine cl = new CommandLine(new WorkerCommand());
        return WorkerCommand.childArgs(cl.parseArgs(args));
    }

    @Test
    void connectionOptionsPassOnPerChildOptionsDoNot() {
        List<String> args = childArgs("--temporal", "t:7233", "--kafka=k:9092", "--slots", "3", "--task-queue",
                "a,b", "--metrics-port", "9999", "--metrics-bind", "0.0.0.0", "--work-dir", "/tmp/x", "--tls",
                "--tls-disable-host-verification");
        assertEquals(List.of("--temporal", "t:7233", "--kafka", "k:9092", "--task-queue", "a,b", "--tls", "true",
                "--tls-disable-host-verification"), args);
        // and they parse again, to the same settings
        WorkerCommand again = new WorkerCommand();
        new CommandLine(again).parseArgs(args.toArray(String[]::new));
        assertEquals(List.of("a", "b"), again.taskQueues);
        assertEquals(1, again.slots);
    }

    @Test
    void defaultsArePassedOnByNotBeingGiven() {
        assertEquals(List.of("--temporal", "t:7233"), childArgs("--temporal", "t:7233", "--in-process"));
    }

    @Test
    void childrenShareTheHeapPercentageAndDropTheDebugger() {
        List<String> cmd = WorkerSupervisor.javaCommand(List.of("-XX:MaxRAMPercentage=75", "-Xss512k",
                "-agentlib:jdwp=transport=dt_socket,server=y,address=5005"), 4);
        assertEquals(List.of("-XX:MaxRAMPercentage=18.8", "-Xss512k", "-cp"), cmd.subList(1, 4));
        assertEquals(Main.class.getName(), cmd.get(cmd.size() - 1));
        assertEquals(List.of("-Xmx1g"), WorkerSupervisor.javaCommand(List.of("-Xmx1g"), 4).subList(1, 2));
    }

    @Test
    void slotsBelowOneIsAUsageError() {
        assertEquals(2, Main.commandLine().execute("worker", "--slots", "0", "--temporal", "127.0.0.1:1",
                "--kafka", "127.0.0.1:1"));
    }
}
