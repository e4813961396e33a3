package dev.nasflow.model;

/**
 * What a finished supernet search returns: its final status (epoch reports included), the derivation (derived
 * genome and architecture, softmax(α) per edge for DARTS or the inherited-weight ranking for SPOS) and the stand-alone
 * retraining of the derived architecture (null when {@code retrainEpochs} is 0).
 */
public record SupernetResult(SupernetStatus status, SupernetDerivation derivation, CandidateResult retrain) {
}
