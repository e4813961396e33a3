package dev.nasflow.nb201;

/**
 * Everything the tables say about one NAS-Bench-201 cell. Accuracies are percent (0..100); {@code Double.NaN} marks a
 * figure the loaded tables do not have (an optional column that is absent).
 *
 * @param index            dense index 0..15624 (see {@link Nb201Table#index})
 * @param arch             the NB201 architecture string
 * @param valid12          validation accuracy after the 12-epoch schedule (the search signal of the protocol)
 * @param test12           test accuracy after the 12-epoch schedule
 * @param trainAccuracy200 training accuracy after 200 epochs
 * @param trainLoss200     training loss after 200 epochs
 * @param valid200         validation accuracy after 200 epochs (what the protocol reports for a pick)
 * @param validLoss200     validation loss after 200 epochs
 * @param test200          test accuracy after 200 epochs
 * @param testLoss200      test loss after 200 epochs
 * @param trainAllTime     seconds to train 200 epochs ({@code train-all-time}); an e-epoch run costs e/200 of it
 */
public record Nb201Entry(int index, String arch, double valid12, double test12, double trainAccuracy200,
                         double trainLoss200, double valid200, double validLoss200, double test200,
                         double testLoss200, double trainAllTime) {
}
