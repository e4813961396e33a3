/**
 * What a search carries across continue-as-new, and how its strategy is rebuilt from it: the compact, lossless
 * {@link dev.nasflow.carried.CarriedResults} codec (finished results in columns), the warm-start
 * {@link dev.nasflow.carried.WarmStartPriors}, the {@link dev.nasflow.carried.ScheduleLog} of strategy calls and
 * {@link dev.nasflow.carried.StrategyReplay}, which replays them into a strategy.
 *
 * <p>Why a package of its own and not a Temporal {@code PayloadCodec}: the encoding is not a transport concern. Both
 * the workflow (which encodes its state, and replays the strategy from it inside deterministic code) and the propose
 * activity (which decodes the same state to rebuild the strategy outside the workflow) must read it identically, and
 * the search status and result expose it (a compact leaderboard). A payload codec would compress every payload
 * without the workflow knowing the columns, and would not let the activity and the workflow share the replay. So it
 * lives below both: it depends only on the model, spaces and strategies, and is held to the workflow's determinism
 * rules ({@code WorkflowDeterminismArchTest}).
 */
package dev.nasflow.carried;
