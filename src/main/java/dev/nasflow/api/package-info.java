/**
 * The contract between orchestration and training: the Temporal workflow interfaces
 * ({@link dev.nasflow.api.SearchWorkflow}, {@link dev.nasflow.api.SupernetWorkflow},
 * {@link dev.nasflow.api.CandidateShardWorkflow}), the activity interfaces ({@link dev.nasflow.api.SearchActivities},
 * {@link dev.nasflow.api.TrainingActivities}, {@link dev.nasflow.api.SupernetActivities}) and the query, result and
 * request types they exchange. {@code workflow} implements the workflows, {@code activity} the activities; neither
 * imports the other.
 */
package dev.nasflow.api;
