package dev.nasflow.report;

import java.util.List;

/**
 * One candidate's learning curve: the primary metric after each epoch (from {@code nasflow.epoch-metrics}).
 *
 * @param epochs      epochs in increasing order (a re-published epoch appears once)
 * @param values      the metric after each epoch (NaN when the epoch did not report it)
 * @param lastAtMs    publication time of the last epoch, epoch milliseconds
 */
public record Curve(List<Integer> epochs, List<Double> values, long lastAtMs) {
    public Curve {
        if (epochs.size() != values.size()) {
            throw new IllegalArgumentException("epochs and values differ in length");
        }
        epochs = List.copyOf(epochs);
        values = List.copyOf(values);
    }
}
