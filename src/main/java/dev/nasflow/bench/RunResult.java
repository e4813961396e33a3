package dev.nasflow.bench;

/**
 * The outcome of one simulated search run.
 *
 * @param seed          the run's seed
 * @param index         NB201 cell index of the pick
 * @param arch          NB201 string of the pick
 * @param valid200      the pick's 200-epoch validation accuracy (what the protocol reports)
 * @param pickEpochs    the fidelity the pick was judged at (the highest fidelity observed)
 * @param pickAccuracy  the validation accuracy the search saw for the pick at that fidelity
 * @param evaluations   evaluations paid for, the one that crossed the budget included
 * @param simSeconds    simulated training seconds spent
 * @param stopReason    why the run ended: {@code budget}, {@code exhausted} (the strategy has nothing left) or
 *                      {@code stalled} (it proposed nothing while nothing was pending)
 */
public record RunResult(long seed, int index, String arch, double valid200, int pickEpochs, double pickAccuracy,
                        int evaluations, double simSeconds, String stopReason) {
}
