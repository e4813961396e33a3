/**
 * The long-running services of the streaming control loop: {@link dev.nasflow.service.StopperService} (reads the
 * epoch metrics, runs the search's stopping rule from {@code stopping}, publishes stop decisions and asks the
 * workflow to stop) and {@link dev.nasflow.service.SurrogateService} (learns the models of {@code surrogate} from the
 * stream and publishes predictions). They talk to workflows and workers through Kafka and workflow updates only.
 */
package dev.nasflow.service;
