/**
 * The processes put together: {@link dev.nasflow.wiring.DevStack} (the whole stack in one process, and the parts a
 * production worker, stopper or surrogate process starts), {@link dev.nasflow.wiring.Workers} (task queues, workflow
 * and activity registrations) and {@link dev.nasflow.wiring.WorkerSupervisor} (worker slots as child processes).
 * Only the CLI and the benchmarks sit above it.
 */
package dev.nasflow.wiring;
