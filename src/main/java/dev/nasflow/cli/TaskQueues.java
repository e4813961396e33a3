package dev.nasflow.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.TaskQueueType;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.DescribeTaskQueueRequest;
import io.temporal.client.WorkflowClient;

import java.time.Duration;

/**
 * Whether a worker serves a task queue: the server's DescribeTaskQueue pollers, or where the server cannot list them,
 * whether one picked up the search's first workflow task.
 */
final class TaskQueues {
    private TaskQueues() {
    }

    /**
     * Pollers of {@code queue}'s workflow tasks, or -1 where the server cannot say (the in-process test server does
     * not implement DescribeTaskQueue).
     */
    static int pollers(WorkflowClient client, String queue) {
        try {
            return client.getWorkflowServiceStubs().blockingStub().describeTaskQueue(
                    DescribeTaskQueueRequest.newBuilder()
                            .setNamespace(client.getOptions().getNamespace())
                            .setTaskQueue(TaskQueue.newBuilder().setName(queue).build())
                            .setTaskQueueType(TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW)
                            .build()).getPollersCount();
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
                return -1;
            }
            throw e;
        }
    }

    /**
     * Where the server cannot list pollers (the in-process test server of {@code nasflow dev}): whether a worker has
     * picked up one of the search's workflow tasks, i.e. serves its queue.
     */
    static boolean workflowTaskStarted(WorkflowClient client, String searchId) {
        try {
            for (io.temporal.api.history.v1.HistoryEvent e : client.fetchHistory(searchId).getEvents()) {
                if (e.getEventType() == io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED) {
                    return true;
                }
            }
            return false;
        } catch (RuntimeException e) {
            return true; // cannot tell: do not claim that no worker serves it
        }
    }

    /**
     * Returns once a worker polls {@code queue} (or the server cannot tell); throws a {@link CliException}
     * ({@link ExitCodes#NO_WORKER}) when none did within {@code within}. {@code searchId} has been started already;
     * {@code address} is the server's, for the message.
     */
    static void awaitWorker(WorkflowClient client, String queue, Duration within, String searchId,
                            String address) {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            int n = pollers(client, queue);
            if (n > 0 || (n < 0 && workflowTaskStarted(client, searchId))) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new CliException(ExitCodes.NO_WORKER, "no worker polls task queue '" + queue + "' (waited "
                        + within.toSeconds() + " s); search " + searchId + " is started and runs once one does",
                        "start one: 'nasflow worker --task-queue " + queue + " --temporal " + address + "' (or "
                                + "'./nasflow dev'), or end the search: 'temporal workflow terminate --workflow-id "
                                + searchId + "'");
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
