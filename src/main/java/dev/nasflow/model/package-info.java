/**
 * The model at the bottom of the layers: plain records and the vocabulary every other package shares. The search
 * spec as written by a user ({@link dev.nasflow.model.SearchSpec} and its sections), what a worker is asked to train
 * and what comes back ({@link dev.nasflow.model.CandidateTask}, {@link dev.nasflow.model.CandidateResult},
 * {@link dev.nasflow.model.GenerationRecord}), stop requests, supernet and shard records, outcomes, parameter
 * definitions, seeds, trainer descriptors and search-event types. It depends on {@code space} only; validation and
 * defaults live above it in {@code spec}. See docs/ARCHITECTURE.md.
 */
package dev.nasflow.model;
