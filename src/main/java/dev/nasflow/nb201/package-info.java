/**
 * The NAS-Bench-201 tables (shipped under {@code src/main/resources/nb201/}, licences beside them), their columns and
 * data sets, and the per-epoch learning-curve model between the tabulated epochs. Read by the production table
 * trainer ({@code train.TableCandidateTrainer}) and by the benchmarks.
 */
package dev.nasflow.nb201;
