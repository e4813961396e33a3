package dev.nasflow.wiring;

import dev.nasflow.activity.SupernetActivitiesImpl;
import dev.nasflow.api.SearchActivities;
import dev.nasflow.api.SupernetActivities;
import dev.nasflow.api.TrainingActivities;
import dev.nasflow.train.DjlSupernetTrainer;
import dev.nasflow.workflow.SearchWorkflowImpl;
import dev.nasflow.workflow.SupernetWorkflowImpl;
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
        return register(factory, taskQueue, options, training, search,
                new SupernetActivitiesImpl(new DjlSupernetTrainer()));
    }

    /** As above, with the supernet activities of one-shot searches ({@code SupernetWorkflow}) given explicitly. */
    public static Worker register(WorkerFactory factory, String taskQueue, WorkerOptions options,
                                  TrainingActivities training, SearchActivities search, SupernetActivities supernet) {
        Worker w = factory.newWorker(taskQueue, options);
        w.registerWorkflowImplementationTypes(SearchWorkflowImpl.class, SupernetWorkflowImpl.class,
                dev.nasflow.workflow.CandidateShardWorkflowImpl.class);
        w.registerActivitiesImplementations(training, search, supernet);
        return w;
    }
}
