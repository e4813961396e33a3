package dev.nasflow.model;

import dev.nasflow.space.Genome;

/** An architecture scored with the SPOS supernet's inherited weights (BatchNorm recalibrated) on the validation split. */
public record RankedCandidate(Genome genome, String arch, double validAccuracy, double validLoss) {
}
