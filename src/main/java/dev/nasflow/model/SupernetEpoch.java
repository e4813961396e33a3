package dev.nasflow.model;

import java.util.Map;

/**
 * One supernet epoch, as the activity reports it.
 *
 * @param epoch       the epoch now done (checkpointed)
 * @param resumedFrom the checkpoint epoch the attempt started from (epoch − 1 normally; 0 = fresh supernet)
 * @param trained     whether this attempt trained the epoch (false: a checkpoint of it already existed, e.g. the
 *                    previous attempt finished it but its completion was lost)
 * @param metrics     trainLoss, trainAccuracy (the steps' batches), epochSeconds; DARTS also validLoss and
 *                    validAccuracy of the mixed supernet (accuracies in percent)
 * @param checkpoint  directory of the epoch's checkpoint (a path on the worker's artifact store)
 * @param arch        DARTS: the architecture α would derive now; SPOS: null
 * @param attempt     the activity attempt that produced this report
 */
public record SupernetEpoch(int epoch, int resumedFrom, boolean trained, Map<String, Double> metrics,
                            String checkpoint, String arch, double wallSeconds, int attempt) {
    public SupernetEpoch {
        metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
    }
}
