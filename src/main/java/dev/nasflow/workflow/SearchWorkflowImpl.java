package dev.nasflow.workflow;

import dev.nasflow.model.SearchEventType;
import dev.nasflow.carried.ScheduleLog;
import dev.nasflow.strategy.Observation;
import dev.nasflow.api.CandidateShardWorkflow;
import dev.nasflow.api.SearchWorkflow;
import dev.nasflow.api.SupernetWorkflow;
import dev.nasflow.model.CandidateResult;
import dev.nasflow.model.CandidateTask;
import dev.nasflow.model.GenerationRecord;
import dev.nasflow.api.SearchResult;
import dev.nasflow.api.SearchStatus;
import dev.nasflow.model.ShardInput;
import dev.nasflow.model.ShardReport;
import dev.nasflow.model.ShardSummary;
import dev.nasflow.model.StopRequest;
import dev.nasflow.model.StopperAttach;
import dev.nasflow.model.StopperInfo;
import dev.nasflow.carried.WarmStartPriors;
import dev.nasflow.carried.StrategyReplay;
import com.fasterxml.jackson.databind.JsonNode;
import dev.nasflow.api.ProposeRequest;
import dev.nasflow.api.SearchActivities;
import dev.nasflow.model.SpecCheck;
import dev.nasflow.api.TrainingActivities;
import dev.nasflow.space.Genome;
import dev.nasflow.space.SearchSpace;
import dev.nasflow.space.Spaces;
import dev.nasflow.model.BudgetSpec;
import dev.nasflow.model.SearchSpec;
import dev.nasflow.strategy.OneShot;
import dev.nasflow.model.Outcome;
import dev.nasflow.strategy.Proposal;
import dev.nasflow.strategy.Strategy;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.CompletablePromise;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import org.slf4j.Logger;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Orchestration of one search (deterministic: no I/O, clocks or randomness other than {@code Workflow.*} and the
 * strategy seeded from the spec). Each generation: propose, train candidates as activities (at most
 * {@code budget.maxConcurrent} at a time), collect results by candidate id, observe them in candidate order, and at a
 * generation boundary continue-as-new when the history grows.
 */
public class SearchWorkflowImpl implements SearchWorkflow {
    private static final Logger log = Workflow.getLogger(SearchWorkflowImpl.class);
    static final long DEFAULT_HISTORY_LIMIT = 20_000;
    /** Version marker: stops are recorded and published, never delivered as an activity cancel. */
    static final String STOP_WITHOUT_CANCEL = "stop-without-cancel";
    /** Version marker: a carried spec is validated like a first argument. */
    static final String VALIDATE_CARRIED = "validate-carried-state";
    /** Version marker: cancelled and failed searches publish a final event. */
    static final String LIFECYCLE_EVENTS = "lifecycle-events";
    /** Version marker: candidates above budget.shardSize in flight run in shards (recorded when first needed). */
    static final String SHARDS = "shards";
    /**
     * Compressed bytes of carried results above which the search ends instead of continuing as new: base64 makes
     * 1.33 MB of it, and the result's leaderboard (the same results in rank order, up to 10% larger) stays under
     * Temporal's 2 MB payload limit too.
     */
    static final int CARRY_LIMIT_BYTES = 1_000_000;

    private final SearchActivities local = Workflow.newLocalActivityStub(SearchActivities.class,
            LocalActivityOptions.newBuilder()
                    .setStartToCloseTimeout(Duration.ofSeconds(30))
                    .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(5).build())
                    .build());

    private String searchId;
    private JsonNode specJson;
    private SearchSpec spec;
    private SearchSpace space;
    private Strategy strategy;
    private long historyLimit;
    private long carryLimitBytes;
    private final List<GenerationRecord> generations = new ArrayList<>();
    private boolean paused;
    private boolean stopRequested;
    /** True once this run's state (the spec and, after continue-as-new, the carried results) is in place. */
    private boolean stateLoaded;
    private long startedAtMs;
    private int continuedAsNew;
    private String phase = "VALIDATING";
    private String stopReason;
    private StopperInfo stopper;
    /** Warm start: the prior results loaded at the first start, carried across continue-as-new (null: none). */
    private WarmStartPriors priors;

    // current generation
    private int currentGeneration = -1;
    private final Deque<CandidateTask> queued = new ArrayDeque<>();
    private final Map<String, Running> running = new LinkedHashMap<>();
    private final Map<String, CandidateResult> finishedNow = new LinkedHashMap<>();
    private final Map<String, StopRequest> stopRequests = new LinkedHashMap<>();

    private record Running(CandidateTask task, CancellationScope scope, Promise<CandidateResult> promise) {
    }

    // shards: above budget.shardSize candidates in flight, candidates train in child workflows (CandidateShardWorkflow)
    /** Whether launches go to shards now (decided outside await conditions: it may record a version marker). */
    private boolean shardMode;
    private int shardVersion = -2;
    private int shardsStarted;
    private final List<CandidateTask> shardBatch = new ArrayList<>();
    private final Map<String, CompletablePromise<CandidateResult>> shardPending = new LinkedHashMap<>();
    /** Open shards: their workflow id and the candidates they train. */
    private final Map<String, List<String>> openShards = new LinkedHashMap<>();

    // asynchronous scheduling: records by launch generation, open until every member has a result
    private final ScheduleLog schedule = new ScheduleLog();
    private final TreeMap<Integer, OpenRecord> open = new TreeMap<>();
    private int launchGeneration;
    private int launchIndex;
    private final List<Map<String, Object>> generationsOpened = new ArrayList<>();

    /** A launch generation still collecting results: its size when opened and its results by index. */
    private static final class OpenRecord {
        final int size;
        int launched;
        final TreeMap<Integer, CandidateResult> results = new TreeMap<>();

        OpenRecord(int size) {
            this.size = size;
        }
    }

    @Override
    public SearchResult run(JsonNode specJsonIn, JsonNode carriedJson) {
        try {
            return runSearch(specJsonIn, readCarried(carriedJson));
        } catch (CanceledFailure cancelled) {
            phase = "CANCELLED";
            // the search's own scope is cancelled: publish from a detached one
            Workflow.newDetachedCancellationScope(() -> finalEvent(SearchEventType.CANCELLED, cancelled.getMessage())).run();
            throw cancelled;
        } catch (TemporalFailure failure) {
            phase = "FAILED";
            finalEvent(SearchEventType.FAILED, failure instanceof ApplicationFailure af ? af.getType() + ": "
                    + af.getOriginalMessage() : rootMessage(failure));
            throw failure;
        }
    }

    /**
     * The final event of a search that did not complete: CANCELLED or FAILED, with the status counts, so the stopper,
     * the surrogate and the metrics drop the search at once. (Terminated and timed-out searches run no code: the
     * stopper's lifecycle watcher publishes theirs.) Histories recorded before this event existed replay without it.
     */
    private void finalEvent(SearchEventType type, String reason) {
        if (Workflow.getVersion(LIFECYCLE_EVENTS, Workflow.DEFAULT_VERSION, 1) == Workflow.DEFAULT_VERSION) {
            return;
        }
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("phase", type.name());
        payload.put("reason", reason == null ? "" : reason);
        if (spec != null && spec.objectives() != null) {
            SearchStatus st = status();
            payload.put("evaluations", st.evaluations());
            payload.put("stoppedEarly", st.stoppedEarly());
        }
        try {
            event(type, payload);
        } catch (ActivityFailure notPublished) {
            log.warn("{}: {} event not published: {}", searchId, type, rootMessage(notPublished));
        }
    }

    /** The second argument, read here so that a malformed one fails the search naming the field. */
    private SearchState readCarried(JsonNode json) {
        if (json == null || json.isNull()) {
            return null;
        }
        try {
            return WorkflowJson.MAPPER.convertValue(json, SearchState.class);
        } catch (IllegalArgumentException bad) {
            phase = "FAILED";
            String why = bad.getMessage() == null ? bad.toString() : bad.getMessage().lines().findFirst().orElse("");
            String at = bad.getCause() instanceof com.fasterxml.jackson.databind.JsonMappingException m
                    ? m.getPathReference() : "";
            throw ApplicationFailure.newNonRetryableFailure("invalid search state (second argument)"
                    + (at.isEmpty() ? "" : " at " + at) + ": " + why + " (fix: start the search without a second "
                    + "argument, or with the state a continue-as-new wrote)", "InvalidSearchState");
        }
    }

    private SearchResult runSearch(JsonNode specJsonIn, SearchState carried) {
        searchId = Workflow.getInfo().getWorkflowId();
        specJson = specJsonIn;
        if (carried != null) {
            checkCarried(carried);
        }
        if (carried != null && carried.spec() != null) {
            SearchSpec carriedSpec = carried.spec();
            if (Workflow.getVersion(VALIDATE_CARRIED, Workflow.DEFAULT_VERSION, 1) == Workflow.DEFAULT_VERSION) {
                spec = carriedSpec;
            } else {
                SpecCheck check = local.validateCarriedSpec(carriedSpec);
                if (!check.ok()) {
                    phase = "FAILED";
                    throw ApplicationFailure.newNonRetryableFailure("invalid search state (second argument, "
                            + check.errors().size() + " error(s)):\n  " + String.join("\n  ", check.errors()),
                            "InvalidSearchState");
                }
                spec = check.spec();
            }
            space = Spaces.create(spec.space());
            historyLimit = carried.historyLimit();
            carryLimitBytes = carried.carryLimitBytes();
            try {
                generations.addAll(carried.history(space));
                if (carried.schedule() != null) {
                    ScheduleLog.of(carried.schedule().data());
                }
            } catch (RuntimeException bad) {
                phase = "FAILED";
                throw ApplicationFailure.newNonRetryableFailure("invalid search state (second argument): results: "
                        + bad.getMessage() + " (fix: start the search without a second argument, or with the state "
                        + "a continue-as-new wrote)", "InvalidSearchState");
            }
            paused = carried.paused();
            stopRequested = carried.stopRequested();
            startedAtMs = carried.startedAtMs();
            continuedAsNew = carried.continuedAsNew();
            stopper = carried.stopper();
            priors = carried.priors();
            if (carried.schedule() != null) {
                ScheduleLog.of(carried.schedule().data()).ops().forEach(op -> {
                    if (op.propose()) {
                        schedule.propose(op.k());
                    } else {
                        schedule.observe(op.gen(), op.index());
                    }
                });
            }
        } else {
            historyLimit = carried == null ? 0 : carried.historyLimit();
            carryLimitBytes = carried == null ? 0 : carried.carryLimitBytes();
            SpecCheck check = local.validateSpec(specJsonIn == null ? "null" : specJsonIn.toString());
            if (!check.ok()) {
                phase = "FAILED";
                throw ApplicationFailure.newNonRetryableFailure(
                        "invalid search spec (" + check.errors().size() + " error(s)):\n  "
                                + String.join("\n  ", check.errors()), "InvalidSearchSpec");
            }
            spec = check.spec();
            if (OneShot.isOneShot(spec.strategy().type())) {
                phase = "FAILED";
                throw ApplicationFailure.newNonRetryableFailure("strategy.type '" + spec.strategy().type()
                        + "' is a one-shot method: start it as a " + SupernetWorkflow.TYPE + " (nasflow supernet start"
                        + " FILE), not a " + TYPE, "InvalidSearchSpec");
            }
            space = Spaces.create(spec.space());
            priors = loadPriors();
            startedAtMs = Workflow.currentTimeMillis();
            event(SearchEventType.STARTED, Map.of("name", spec.name(), "strategy", spec.strategy().type(),
                    "space", spec.space().type()));
        }
        stateLoaded = true;
        if (StrategyReplay.usesProposeActivity(spec)) {
            strategy = null;
        } else if (spec.budget().async()) {
            strategy = StrategyReplay.rebuildAsync(spec, space, priors, generations, schedule);
        } else {
            strategy = StrategyReplay.rebuild(spec, space, priors, generations);
        }
        phase = "RUNNING";
        if (spec.budget().async()) {
            runAsync();
        } else {
            runGenerational();
        }
        awaitShardsClosed();
        phase = stopRequested ? "STOPPED" : "COMPLETED";
        Workflow.await(Workflow::isEveryHandlerFinished);
        SearchResult result = new SearchResult(status(), leaderboard(), paretoFront());
        CandidateResult best = result.status().best();
        Map<String, Object> done = new LinkedHashMap<>();
        done.put("phase", phase);
        done.put("evaluations", result.status().evaluations());
        done.put("stoppedEarly", result.status().stoppedEarly());
        if (stopReason != null) {
            done.put("reason", stopReason);
        }
        if (best != null) {
            done.put("bestCandidate", best.candidateId());
            done.put("bestArch", best.arch());
            done.put("bestMetrics", best.metrics());
        }
        event(SearchEventType.COMPLETED, done);
        return result;
    }


    /**
     * Warm start: the prior results named by {@code spec.warmStart}, loaded once (a local activity, recorded in the
     * history) at the first start; an error in them fails the search at once, naming the field. Null without a warm
     * start (no command: histories of searches without one replay unchanged).
     */
    private WarmStartPriors loadPriors() {
        if (spec.warmStart() == null) {
            return null;
        }
        dev.nasflow.api.PriorCheck check = local.loadPriors(searchId, spec);
        if (!check.ok()) {
            phase = "FAILED";
            throw ApplicationFailure.newNonRetryableFailure("invalid warm start (" + check.errors().size()
                    + " error(s)):\n  " + String.join("\n  ", check.errors()), "InvalidSearchSpec");
        }
        log.info("{}: warm start from {} prior results ({} from another task): {}", searchId,
                check.priors().count(), check.priors().transferred(), check.priors().sources());
        return check.priors();
    }

    /**
     * The second argument comes from outside as much as the first (anyone can start the workflow with one): fields
     * that would break the search fail it at once, non-retryably, naming the field.
     */
    private void checkCarried(SearchState c) {
        List<String> errors = new ArrayList<>();
        if (c.historyLimit() < 0) {
            errors.add("historyLimit: must be >= 0, got " + c.historyLimit() + " (fix: 0 = the default)");
        }
        if (c.carryLimitBytes() < 0) {
            errors.add("carryLimitBytes: must be >= 0, got " + c.carryLimitBytes() + " (fix: 0 = the default)");
        }
        if (c.continuedAsNew() < 0) {
            errors.add("continuedAsNew: must be >= 0, got " + c.continuedAsNew());
        }
        if (c.startedAtMs() < 0) {
            errors.add("startedAtMs: must be >= 0, got " + c.startedAtMs());
        }
        if (c.spec() == null && (!c.generations().isEmpty() || c.results() != null || c.schedule() != null)) {
            errors.add("spec: required when the state carries results (fix: start with no second argument, or "
                    + "pass the state a continue-as-new wrote)");
        }
        if (c.results() != null && !c.generations().isEmpty()) {
            errors.add("results: the state carries both 'generations' and 'results' (fix: keep one)");
        }
        if (!errors.isEmpty()) {
            phase = "FAILED";
            throw ApplicationFailure.newNonRetryableFailure("invalid search state (second argument, " + errors.size()
                    + " error(s)):\n  " + String.join("\n  ", errors), "InvalidSearchState");
        }
    }

    private void runGenerational() {
        while (true) {
            Workflow.await(() -> !paused || stopRequested);
            if (stopRequested || budgetExhausted()) {
                break;
            }
            int n = nextBatchSize();
            if (n <= 0) {
                break;
            }
            List<Proposal> proposals = propose(n);
            if (proposals.isEmpty()) {
                log.info("{}: strategy has nothing more to propose", searchId);
                break;
            }
            runGeneration(n, proposals);
            if (!stopRequested && !budgetExhausted() && shouldContinueAsNew()) {
                continueAsNewOrStop(null);
                break;
            }
        }
    }

    /**
     * Continues as new with the finished records (and, for an asynchronous search, its strategy-call log); or, when
     * the carried results would approach the payload limit, marks the search stopped and returns.
     */
    private void continueAsNewOrStop(ScheduleLog calls) {
        awaitShardsClosed();
        Workflow.await(Workflow::isEveryHandlerFinished);
        SearchState next = SearchState.carry(searchId, spec, space, historyLimit, generations, paused,
                stopRequested, startedAtMs, continuedAsNew + 1, carryLimitBytes, stopper, calls).withPriors(priors);
        long carryLimit = carryLimitBytes > 0 ? carryLimitBytes : CARRY_LIMIT_BYTES;
        if (next.results().size() > carryLimit) {
            // the next run's input (and this search's result) would approach the 2 MB payload limit: end
            // the search with what it has rather than fail to continue (the spec validator's evaluation
            // limit keeps searches far below this; only time- or generation-bounded ones can get here)
            log.warn("{}: {} results take {} bytes carried, above {}: stopping the search", searchId,
                    evaluations(), next.results().size(), carryLimit);
            stopReason = "carried state limit: " + evaluations() + " results";
            stopRequested = true;
            return;
        }
        event(SearchEventType.CONTINUED_AS_NEW, Map.of("generation", generations.size(),
                "historyLength", Workflow.getInfo().getHistoryLength()));
        Workflow.continueAsNew(specJson, next);
    }

    // ---- asynchronous (steady-state) scheduling ----

    /**
     * Keeps {@code maxConcurrent} candidates training: whenever a slot frees, the result is observed (in the order
     * the workflow sees completions, which history fixes) and the strategy is asked for the next candidate at once.
     * Candidate {@code g<k>-c<i>} is the i-th launch of launch generation k; generation k's record closes when all
     * its members have results (records close in order). Continue-as-new drains first (no launches until every
     * running candidate is back), so nothing in flight crosses it.
     */
    private void runAsync() {
        launchGeneration = generations.size();
        launchIndex = 0;
        TrainingActivities training = Workflow.newActivityStub(TrainingActivities.class, trainingOptions());
        boolean waitingForResult = false; // the strategy proposed nothing while candidates were out
        boolean draining = false;
        while (true) {
            if (!draining) {
                updateShardMode();
                while (canLaunch() && slotsToFill() && !waitingForResult) {
                    int want = Math.min(inFlight() - running.size(), launchesLeft());
                    List<Proposal> ps = proposeAsync(want);
                    if (ps.isEmpty()) {
                        waitingForResult = true;
                        break;
                    }
                    for (Proposal p : ps) {
                        launch(training, nextTask(p));
                    }
                }
                flushShards();
            }
            // events after the launches: a freed slot never waits for Kafka
            for (Map<String, Object> opened : generationsOpened) {
                event(SearchEventType.GENERATION_STARTED, opened);
            }
            generationsOpened.clear();
            closeRecords(false);
            if (running.isEmpty()) {
                if (draining) {
                    closeRecords(true);
                    awaitShardsClosed();
                    continueAsNewOrStop(schedule);
                    return; // only when stopped for the carried-state limit
                }
                if (stopRequested || realTimeExceeded() || !withinBudget() || waitingForResult
                        || (strategy != null && strategy.exhausted())) {
                    if (waitingForResult) {
                        log.info("{}: strategy has nothing more to propose", searchId);
                    }
                    break;
                }
                if (paused) {
                    Workflow.await(() -> !paused || stopRequested);
                    continue;
                }
            }
            final boolean waiting = waitingForResult;
            final boolean drain = draining;
            Workflow.await(() -> anyRunningDone()
                    || (!drain && !waiting && canLaunch() && slotsToFill())
                    || (running.isEmpty() && (stopRequested || paused || realTimeExceeded())));
            if (collectAsync()) {
                waitingForResult = false;
            }
            if (!draining && !stopRequested && withinBudget() && shouldContinueAsNew()) {
                draining = true;
            }
        }
        closeRecords(true);
        awaitShardsClosed();
    }

    private int maxConcurrent() {
        return Math.max(1, spec.budget().maxConcurrent());
    }

    /** Candidates kept scheduled: the slots plus those queued ahead for the next free slot. */
    private int inFlight() {
        return maxConcurrent() + Math.max(0, spec.budget().ahead());
    }

    /** Candidates launched or finished in this search (all runs). */
    private int launched() {
        return evaluations() + running.size();
    }

    private int launchesLeft() {
        Integer e = spec.budget().evaluations();
        return e == null ? Integer.MAX_VALUE : Math.max(0, e - launched());
    }

    /** No limit of the budget reached by what has finished and what is out. */
    private boolean withinBudget() {
        BudgetSpec b = spec.budget();
        if (b.evaluations() != null && launched() >= b.evaluations()) {
            return false;
        }
        if (b.generations() != null && launchGeneration >= b.generations()) {
            return false;
        }
        return b.simulatedSeconds() == null || simSeconds() < b.simulatedSeconds();
    }

    private boolean canLaunch() {
        return !paused && !stopRequested && !realTimeExceeded() && withinBudget();
    }

    private List<Proposal> proposeAsync(int n) {
        if (strategy != null) {
            schedule.propose(n);
            return strategy.propose(n);
        }
        List<dev.nasflow.space.Genome> pending = new ArrayList<>();
        running.values().forEach(r -> pending.add(r.task().genome()));
        List<GenerationRecord> known = new ArrayList<>(generations);
        open.forEach((g, rec) -> known.add(new GenerationRecord(g, rec.size, new ArrayList<>(rec.results.values()))));
        SearchActivities acts = Workflow.newActivityStub(SearchActivities.class, ActivityOptions.newBuilder()
                .setTaskQueue(spec.taskQueue())
                .setStartToCloseTimeout(Duration.ofMinutes(10))
                .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(3).build())
                .build());
        return acts.propose(ProposeRequest.compact(searchId, spec, space, known, n, pending).withPriors(priors));
    }

    private CandidateTask nextTask(Proposal p) {
        OpenRecord rec = open.get(launchGeneration);
        if (rec == null) {
            rec = new OpenRecord(Math.max(1, spec.budget().populationSize()));
            open.put(launchGeneration, rec);
            currentGeneration = launchGeneration;
            generationsOpened.add(Map.of("generation", launchGeneration, "candidates", rec.size));
        }
        int gen = launchGeneration;
        int i = launchIndex;
        rec.launched++;
        if (++launchIndex >= rec.size) {
            launchGeneration++;
            launchIndex = 0;
        }
        Genome g = p.genome();
        int epochs = p.epochs() > 0 ? p.epochs() : spec.fidelity().epochs();
        long seed = dev.nasflow.model.Seeds.candidate(spec.seed(), gen, i);
        return new CandidateTask(searchId, CandidateTask.id(searchId, gen, i), gen, i, g, space.canonical(g),
                space.hash(g), epochs, seed, spec);
    }

    /** Records finished candidates in launch order and lets the strategy observe each; true if any finished. */
    private boolean collectAsync() {
        List<String> done = completedIds();
        for (String id : done) {
            Running r = running.remove(id);
            CandidateResult res = resultOf(r);
            stopRequests.remove(id);
            open.get(res.generation()).results.put(res.index(), res);
            if (strategy != null) {
                schedule.observe(res.generation(), res.index());
                strategy.observe(Observation.of(res));
            }
        }
        return !done.isEmpty();
    }

    /**
     * Closes open records in order: one whose members all have results and that takes no more launches (full, or
     * {@code all}: draining or ending, so partial records close too).
     */
    private void closeRecords(boolean all) {
        while (!open.isEmpty()) {
            Map.Entry<Integer, OpenRecord> first = open.firstEntry();
            OpenRecord rec = first.getValue();
            boolean full = first.getKey() < launchGeneration || all;
            if (!full || rec.results.size() < rec.launched) {
                return;
            }
            open.pollFirstEntry();
            GenerationRecord closed = new GenerationRecord(first.getKey(), rec.launched,
                    new ArrayList<>(rec.results.values()));
            generations.add(closed);
            if (all && first.getKey() >= launchGeneration) {
                launchGeneration = first.getKey() + 1;
                launchIndex = 0;
            }
            CandidateResult best = Leaderboard.best(allResults(), spec);
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("generation", first.getKey());
            payload.put("results", closed.results().size());
            if (best != null) {
                payload.put("bestArch", best.arch());
                payload.put("bestMetrics", best.metrics());
            }
            event(SearchEventType.GENERATION_FINISHED, payload);
        }
    }

    private List<Proposal> propose(int n) {
        if (strategy != null) {
            return strategy.propose(n);
        }
        SearchActivities acts = Workflow.newActivityStub(SearchActivities.class, ActivityOptions.newBuilder()
                .setTaskQueue(spec.taskQueue())
                .setStartToCloseTimeout(Duration.ofMinutes(10))
                .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(3).build())
                .build());
        return acts.propose(ProposeRequest.compact(searchId, spec, space, generations, n).withPriors(priors));
    }

    private void runGeneration(int requested, List<Proposal> proposals) {
        currentGeneration = generations.size();
        event(SearchEventType.GENERATION_STARTED, Map.of("generation", currentGeneration, "candidates", proposals.size()));
        for (int i = 0; i < proposals.size(); i++) {
            Proposal p = proposals.get(i);
            Genome g = p.genome();
            String id = CandidateTask.id(searchId, currentGeneration, i);
            int epochs = p.epochs() > 0 ? p.epochs() : spec.fidelity().epochs();
            long seed = dev.nasflow.model.Seeds.candidate(spec.seed(), currentGeneration, i);
            queued.add(new CandidateTask(searchId, id, currentGeneration, i, g, space.canonical(g), space.hash(g),
                    epochs, seed, spec));
        }
        ActivityOptions trainOptions = trainingOptions();
        TrainingActivities training = Workflow.newActivityStub(TrainingActivities.class, trainOptions);
        int maxConcurrent = Math.max(1, spec.budget().maxConcurrent());
        while (!queued.isEmpty() || !running.isEmpty()) {
            updateShardMode();
            while (!paused && !stopRequested && !realTimeExceeded() && running.size() < maxConcurrent
                    && !queued.isEmpty()) {
                launch(training, queued.poll());
            }
            flushShards();
            if (running.isEmpty() && (stopRequested || realTimeExceeded())) {
                // graceful stop / out of time: candidates not yet launched are dropped, never half-recorded
                queued.clear();
                break;
            }
            Workflow.await(() -> anyRunningDone()
                    || (!paused && !stopRequested && !realTimeExceeded() && running.size() < maxConcurrent
                    && !queued.isEmpty())
                    || (running.isEmpty() && (stopRequested || realTimeExceeded() || queued.isEmpty())));
            collectFinished();
        }
        TreeMap<Integer, CandidateResult> ordered = new TreeMap<>();
        for (CandidateResult r : finishedNow.values()) {
            ordered.put(r.index(), r);
        }
        GenerationRecord rec = new GenerationRecord(currentGeneration, requested, new ArrayList<>(ordered.values()));
        generations.add(rec);
        finishedNow.clear();
        stopRequests.clear();
        if (strategy != null) {
            rec.results().forEach(r -> strategy.observe(Observation.of(r)));
        }
        CandidateResult best = Leaderboard.best(allResults(), spec);
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("generation", currentGeneration);
        payload.put("results", rec.results().size());
        if (best != null) {
            payload.put("bestArch", best.arch());
            payload.put("bestMetrics", best.metrics());
        }
        event(SearchEventType.GENERATION_FINISHED, payload);
    }

    private ActivityOptions trainingOptions() {
        return trainingOptions(spec);
    }

    /** How candidates' training activities run (the search's own, and its shards'). */
    static ActivityOptions trainingOptions(SearchSpec spec) {
        boolean table = "nb201".equals(spec.trainer().type());
        return ActivityOptions.newBuilder()
                .setTaskQueue(spec.taskQueue())
                .setStartToCloseTimeout(Duration.ofHours(table ? 1 : 48))
                .setHeartbeatTimeout(Duration.ofSeconds(spec.trainer().heartbeatSeconds()))
                .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
                .setRetryOptions(RetryOptions.newBuilder()
                        .setInitialInterval(Duration.ofMillis(500))
                        .setBackoffCoefficient(2.0)
                        .setMaximumInterval(Duration.ofSeconds(30))
                        .setMaximumAttempts(8)
                        .setDoNotRetry("InvalidData", "NonRetryable", "InvalidSearchSpec")
                        .build())
                .build();
    }

    /**
     * Decides whether launches go to shards: more candidates in flight than {@code budget.shardSize}. Histories
     * recorded before shards existed (no marker) never shard. Called outside await conditions.
     */
    private void updateShardMode() {
        boolean want = inFlight() > spec.budget().shards();
        if (want && shardVersion == -2) {
            shardVersion = Workflow.getVersion(SHARDS, Workflow.DEFAULT_VERSION, 1);
        }
        shardMode = want && shardVersion == 1;
    }

    /** Free slots worth filling now: in shard mode at least a batch ({@code shardSize / 10}), or what is left. */
    private boolean slotsToFill() {
        int free = inFlight() - running.size();
        if (free <= 0) {
            return false;
        }
        return !shardMode || free >= spec.budget().minShardBatch() || free >= launchesLeft() || running.isEmpty();
    }

    /** Starts a shard (child workflow) per {@code shardSize} candidates launched since the last flush. */
    private void flushShards() {
        int size = spec.budget().shards();
        for (int from = 0; from < shardBatch.size(); from += size) {
            List<CandidateTask> part = shardBatch.subList(from, Math.min(shardBatch.size(), from + size));
            List<CandidateTask> slim = new ArrayList<>(part.size());
            List<String> ids = new ArrayList<>(part.size());
            for (CandidateTask t : part) {
                slim.add(new CandidateTask(t.searchId(), t.candidateId(), t.generation(), t.index(), t.genome(),
                        t.arch(), t.archHash(), t.epochs(), t.seed(), null));
                ids.add(t.candidateId());
            }
            String shardId = searchId + "-r" + continuedAsNew + "-s" + shardsStarted++;
            CandidateShardWorkflow shard = Workflow.newChildWorkflowStub(CandidateShardWorkflow.class,
                    ChildWorkflowOptions.newBuilder()
                            .setWorkflowId(shardId)
                            .setTaskQueue(spec.taskQueue())
                            .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_REQUEST_CANCEL)
                            .build());
            openShards.put(shardId, ids);
            Promise<ShardSummary> done = Async.function(shard::run, new ShardInput(searchId, shardId, spec, slim));
            done.handle((summary, failure) -> {
                shardClosed(shardId, failure);
                return null;
            });
        }
        shardBatch.clear();
    }

    /** A shard closed: candidates it never reported (it failed or was terminated) are recorded as failed. */
    private void shardClosed(String shardId, RuntimeException failure) {
        if (failure != null) {
            log.warn("{}: shard {} closed: {}", searchId, shardId, failure.getMessage());
        }
        List<String> ids = openShards.remove(shardId);
        if (ids == null) {
            return;
        }
        for (String id : ids) {
            CompletablePromise<CandidateResult> p = shardPending.remove(id);
            Running r = running.get(id);
            if (p != null && r != null && !p.isCompleted()) {
                CandidateTask t = r.task();
                String why = "shard " + shardId + " closed without its result"
                        + (failure == null ? "" : ": " + failure.getMessage());
                log.warn("{}: candidate {}: {}", searchId, id, why);
                p.complete(new CandidateResult(t.candidateId(), t.generation(), t.index(), t.genome(), t.arch(),
                        t.archHash(), t.epochs(), 0, Outcome.FAILED, Map.of(), why, 0, 0, 0, 0));
            }
        }
    }

    @Override
    public void shardResults(ShardReport report) {
        if (report == null) {
            return;
        }
        for (CandidateResult r : report.results()) {
            CompletablePromise<CandidateResult> p = r == null ? null : shardPending.remove(r.candidateId());
            if (p != null && !p.isCompleted()) {
                p.complete(r);
            }
        }
    }

    /** Waits until every shard has closed (before continue-as-new and at the end: nothing crosses a run). */
    private void awaitShardsClosed() {
        if (!openShards.isEmpty()) {
            Workflow.await(openShards::isEmpty);
        }
    }

    private void launch(TrainingActivities training, CandidateTask task) {
        if (shardMode) {
            // trained by a shard (child workflow) started at the next flushShards(); its result comes by signal
            CompletablePromise<CandidateResult> result = Workflow.newPromise();
            running.put(task.candidateId(), new Running(task, null, result));
            shardPending.put(task.candidateId(), result);
            shardBatch.add(task);
            return;
        }
        List<Promise<CandidateResult>> holder = new ArrayList<>(1);
        CancellationScope scope = Workflow.newCancellationScope(
                () -> holder.add(Async.function(training::train, task)));
        scope.run();
        running.put(task.candidateId(), new Running(task, scope, holder.get(0)));
    }

    private boolean anyRunningDone() {
        for (Running r : running.values()) {
            if (r.promise().isCompleted()) {
                return true;
            }
        }
        return false;
    }

    /** Running candidates whose activity has returned, in launch order. */
    private List<String> completedIds() {
        List<String> done = new ArrayList<>();
        for (Map.Entry<String, Running> e : running.entrySet()) {
            if (e.getValue().promise().isCompleted()) {
                done.add(e.getKey());
            }
        }
        return done;
    }

    private void collectFinished() {
        for (String id : completedIds()) {
            Running r = running.remove(id);
            finishedNow.put(id, resultOf(r));
        }
    }

    private CandidateResult resultOf(Running r) {
        CandidateTask t = r.task();
        StopRequest stop = stopRequests.get(t.candidateId());
        try {
            CandidateResult res = r.promise().get();
            if (stop != null && res.outcome() == Outcome.STOPPED_EARLY && res.reason().isEmpty()) {
                return res.withOutcome(Outcome.STOPPED_EARLY, stop.rule() + ": " + stop.reason());
            }
            return res;
        } catch (ActivityFailure f) {
            if (stop != null && (f.getCause() instanceof CanceledFailure || r.scope().isCancelRequested())) {
                // the activity acknowledged the cancellation without a result: record the decider's view
                return new CandidateResult(t.candidateId(), t.generation(), t.index(), t.genome(), t.arch(),
                        t.archHash(), t.epochs(), stop.epoch(), Outcome.STOPPED_EARLY, stop.metrics(),
                        stop.rule() + ": " + stop.reason(), 0, 0, 0, 0);
            }
            return failedResult(t, f);
        }
    }

    /** The result of a candidate whose training activity failed (after its retries). */
    static CandidateResult failedResult(CandidateTask t, ActivityFailure f) {
        String why = rootMessage(f);
        log.warn("{}: candidate {} failed: {}", t.searchId(), t.candidateId(), why);
        return new CandidateResult(t.candidateId(), t.generation(), t.index(), t.genome(), t.arch(),
                t.archHash(), t.epochs(), 0, Outcome.FAILED, Map.of(), why, 0, 0, 0, 0);
    }

    private static String rootMessage(TemporalFailure f) {
        Throwable c = f;
        String msg = f.getMessage();
        while (c.getCause() != null) {
            c = c.getCause();
            if (c.getMessage() != null) {
                msg = c.getMessage();
            }
        }
        if (c instanceof ApplicationFailure af) {
            return af.getType() + ": " + af.getOriginalMessage();
        }
        return msg;
    }

    private int nextBatchSize() {
        BudgetSpec b = spec.budget();
        int n = b.populationSize();
        if (b.evaluations() != null) {
            n = Math.min(n, b.evaluations() - evaluations());
        }
        return n;
    }

    private boolean budgetExhausted() {
        BudgetSpec b = spec.budget();
        if (b.evaluations() != null && evaluations() >= b.evaluations()) {
            return true;
        }
        if (b.generations() != null && generations.size() >= b.generations()) {
            return true;
        }
        if (b.simulatedSeconds() != null && simSeconds() >= b.simulatedSeconds()) {
            return true;
        }
        return realTimeExceeded();
    }

    private boolean realTimeExceeded() {
        Double limit = spec.budget().realSeconds();
        return limit != null && (Workflow.currentTimeMillis() - startedAtMs) >= limit * 1000.0;
    }

    private boolean shouldContinueAsNew() {
        long len = Workflow.getInfo().getHistoryLength();
        if (historyLimit > 0) {
            return len > historyLimit;
        }
        return Workflow.getInfo().isContinueAsNewSuggested() || len > DEFAULT_HISTORY_LIMIT;
    }

    private List<CandidateResult> allResults() {
        List<CandidateResult> all = new ArrayList<>();
        for (GenerationRecord g : generations) {
            all.addAll(g.results());
        }
        all.addAll(finishedNow.values());
        for (OpenRecord rec : open.values()) {
            all.addAll(rec.results.values());
        }
        return all;
    }

    private int evaluations() {
        int n = 0;
        for (GenerationRecord g : generations) {
            n += g.results().size();
        }
        for (OpenRecord rec : open.values()) {
            n += rec.results.size();
        }
        return n + finishedNow.size();
    }

    private double simSeconds() {
        double s = 0;
        for (CandidateResult r : allResults()) {
            s += r.simSeconds();
        }
        return s;
    }

    private void event(SearchEventType type, Map<String, Object> payload) {
        local.publishSearchEvent(searchId, type, payload);
    }

    // ---- queries ----

    @Override
    public SearchStatus status() {
        List<CandidateResult> all = allResults();
        int completed = 0;
        int stopped = 0;
        int failed = 0;
        int diverged = 0;
        int infeasible = 0;
        for (CandidateResult r : all) {
            switch (r.outcome()) {
                case COMPLETED -> completed++;
                case STOPPED_EARLY -> stopped++;
                case FAILED -> failed++;
                case DIVERGED -> diverged++;
                case INFEASIBLE -> infeasible++;
                default -> {
                }
            }
        }
        String ph = phase;
        if ("RUNNING".equals(ph) && paused) {
            ph = "PAUSED";
        } else if ("RUNNING".equals(ph) && stopRequested) {
            ph = "STOPPING";
        }
        long elapsed = startedAtMs == 0 ? 0 : Workflow.currentTimeMillis() - startedAtMs;
        return new SearchStatus(searchId, ph, Math.max(currentGeneration, generations.size() - 1), all.size(),
                completed, stopped, failed, diverged, infeasible, new ArrayList<>(running.keySet()),
                spec == null ? null : Leaderboard.best(all, spec), simSeconds(), elapsed, continuedAsNew,
                Workflow.getInfo().getHistoryLength(), spec, stopper).withWarmStart(SearchStatus.WarmStart.of(priors));
    }

    @Override
    public List<CandidateResult> leaderboard() {
        return spec == null ? List.of() : Leaderboard.rank(allResults(), spec);
    }

    @Override
    public List<CandidateResult> paretoFront() {
        return spec == null ? List.of() : Leaderboard.paretoFront(allResults(), spec);
    }

    @Override
    public SearchResult snapshot() {
        return new SearchResult(status(), leaderboard(), paretoFront());
    }

    // ---- signals and updates ----

    @Override
    public void pause() {
        paused = true;
    }

    @Override
    public void resume() {
        paused = false;
    }

    @Override
    public void stop() {
        stopRequested = true;
    }

    @Override
    public void validateSetBudget(BudgetSpec budget) {
        List<String> errors = BudgetRules.check(budget);
        if (errors.isEmpty() && spec != null) {
            errors = BudgetRules.checkLimit(spec, budget);
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", errors));
        }
    }

    @Override
    public BudgetSpec setBudget(BudgetSpec budget) {
        Workflow.await(() -> spec != null);
        BudgetSpec merged = BudgetRules.merge(spec.budget(), budget);
        spec = spec.withBudget(merged);
        return merged;
    }

    @Override
    public void validateStopCandidate(StopRequest request) {
        if (request == null || request.candidateId() == null || request.candidateId().isBlank()) {
            throw new IllegalArgumentException("candidateId is required");
        }
        if (!stateLoaded) {
            // a run that has just continued as new gets the update before its carried results are in place: the
            // handler waits for them and checks there
            return;
        }
        String refusal = stopRefusal(request.candidateId());
        if (refusal != null) {
            throw new IllegalArgumentException(refusal);
        }
    }

    /** Why a stop for this candidate cannot be taken, or null (running, or finished: a no-op). */
    private String stopRefusal(String id) {
        if (running.containsKey(id)) {
            return null;
        }
        for (CandidateResult r : allResults()) {
            if (r.candidateId().equals(id)) {
                return null; // finished: the update records the decision as a no-op ("already finished")
            }
        }
        for (CandidateTask t : queued) {
            if (t.candidateId().equals(id)) {
                return "candidate " + id + " has not started yet";
            }
        }
        return "unknown candidate " + id + " in search " + searchId;
    }

    @Override
    public void stopperAttached(StopperAttach attach) {
        if (attach == null || attach.rule() == null) {
            return;
        }
        int decisions = stopper == null ? 0 : stopper.decisions();
        stopper = new StopperInfo(attach.rule(), attach.stopperId(), Workflow.currentTimeMillis(), decisions);
    }

    @Override
    public void recordStop(StopRequest request) {
        if (request == null || request.candidateId() == null || request.candidateId().isBlank()) {
            log.warn("{}: recordStop without a candidateId ignored", searchId);
            return;
        }
        if (stopper != null) {
            stopper = stopper.withDecision();
        }
        String id = request.candidateId();
        Running r = running.get(id);
        if (r == null || r.promise().isCompleted() || stopRequests.putIfAbsent(id, request) != null) {
            return; // finished, unknown here, or already stopping: a no-op
        }
        if (!request.announced()) {
            local.publishStopDecision(searchId, request, Workflow.currentTimeMillis());
        }
    }

    @Override
    public String stopCandidate(StopRequest request) {
        String id = request.candidateId();
        if (!stateLoaded) {
            // validated before this run's state was loaded (first task after continue-as-new): check it now
            Workflow.await(() -> stateLoaded);
            String refusal = stopRefusal(id);
            if (refusal != null) {
                throw ApplicationFailure.newNonRetryableFailure(refusal, "IllegalArgumentException");
            }
        }
        if (request.announced() && stopper != null) {
            stopper = stopper.withDecision();
        }
        Running r = running.get(id);
        if (r == null || r.promise().isCompleted()) {
            // finished (its completion may already be in this workflow task): the decision is a no-op
            return "already finished";
        }
        if (stopRequests.putIfAbsent(id, request) != null) {
            return "already stopping";
        }
        log.info("{}: stopping {} ({}: {})", searchId, id, request.rule(), request.reason());
        if (Workflow.getVersion(STOP_WITHOUT_CANCEL, Workflow.DEFAULT_VERSION, 1) == Workflow.DEFAULT_VERSION) {
            // histories recorded before stops went through the stop-decisions topic cancelled the activity
            r.scope().cancel(request.rule() + ": " + request.reason());
            return "stopping";
        }
        if (!request.announced()) {
            // the worker learns of stops from the stop-decisions topic: put this one there (never cancel the
            // activity, whose completion may already be on its way)
            local.publishStopDecision(searchId, request, Workflow.currentTimeMillis());
        }
        return "stopping";
    }
}
