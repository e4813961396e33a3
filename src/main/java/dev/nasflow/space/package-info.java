/**
 * Search spaces: {@link dev.nasflow.space.Genome genomes} (one option index per {@link dev.nasflow.space.Decision}),
 * the {@link dev.nasflow.space.SearchSpace} contract (validity, canonical strings, stable hashes, seeded random /
 * mutation / crossover, enumeration, encodings, analytic {@link dev.nasflow.space.Cost cost}) and four families:
 * {@link dev.nasflow.space.CellSpace} (NAS-Bench-201 and its generalisations), {@link dev.nasflow.space.DartsSpace},
 * {@link dev.nasflow.space.ChainSpace} and {@link dev.nasflow.space.MultiBranchSpace}, built from a spec by
 * {@link dev.nasflow.space.Spaces}. Everything here is deterministic and free of I/O, clocks and threads, so workflow
 * code may call it. docs/SPACES.md gives the exact architectures and cost formulas.
 */
package dev.nasflow.space;
