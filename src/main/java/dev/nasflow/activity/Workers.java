package dev.nasflow.activity;

import dev.nasflow.workflow.SearchWorkflowImpl;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;

/**
 * Registers nasflow's workflow and activities on a task queue. One worker process trains one candidate at a time per
 * slot; DJL training allows one per JVM, so DJL workers use one slot and scale with processes.
 */
public final class Workers {
    private Workers() {
    }

    public static Worker register(WorkerFactory factory, String taskQueue, WorkerOptions options,
                                  TrainingActivities training, SearchActivities search) {
        Worker w = factory.newWorker(taskQueue, options);
        w.registerWorkflowImplementationTypes(SearchWorkflowImpl.class);
        w.registerActivitiesImplementations(training, search);
        return w;
    }
}
