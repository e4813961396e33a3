package dev.nasflow.model;


/**
 * Input of a supernet activity: the search, its effective spec (strategy {@code darts} or {@code spos}) and the epoch
 * to train (1-based; for the derivation step, the number of epochs trained). The supernet's weights, optimizer states
 * and α live in the artifact directory ({@code <artifacts>/<searchId>/supernet/epoch-N}), never in payloads.
 */
public record SupernetTask(String searchId, SearchSpec spec, int epoch) {
}
