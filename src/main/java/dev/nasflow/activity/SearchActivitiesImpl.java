package dev.nasflow.activity;

import dev.nasflow.strategy.Observation;
import dev.nasflow.api.ProposeRequest;
import dev.nasflow.api.SearchActivities;
import dev.nasflow.api.PriorCheck;
import dev.nasflow.model.SpecCheck;
import dev.nasflow.space.Genome;
import dev.nasflow.space.SearchSpace;
import dev.nasflow.space.Spaces;
import dev.nasflow.spec.SpecValidation;
import dev.nasflow.spec.SpecValidator;
import dev.nasflow.strategy.Proposal;
import dev.nasflow.strategy.Strategies;
import dev.nasflow.strategy.Strategy;
import dev.nasflow.strategy.StrategyContext;
import dev.nasflow.stream.MetricsPublisher;
import dev.nasflow.stream.SearchEvent;
import dev.nasflow.model.SearchEventType;
import dev.nasflow.model.CandidateResult;
import dev.nasflow.model.GenerationRecord;
import dev.nasflow.carried.StrategyReplay;
import io.temporal.failure.ApplicationFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Activities of the search workflow: spec validation (the same validator as {@code nasflow spec validate}, so a spec
 * started through the Temporal CLI is held to the same rules), search events to Kafka, and proposals of strategies
 * that use the live surrogate.
 */
public class SearchActivitiesImpl implements SearchActivities {
    private static final Logger log = LoggerFactory.getLogger(SearchActivitiesImpl.class);

    /** Propose calls per activity at most when the strategy keeps re-proposing evaluated architectures. */
    private static final int MAX_PROPOSE_ROUNDS = 50;

    private final SpecValidator validator;
    private final MetricsPublisher publisher;
    private final SurrogateClient surrogate;
    private final java.util.concurrent.atomic.AtomicLong rankedByService = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong rankedByOwn = new java.util.concurrent.atomic.AtomicLong();
    private final Map<String, SurrogateClient.Provenance> lastProvenance =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @param publisher where search events go (null: events are only logged)
     * @param surrogate how proposers reach the live surrogate (null: strategies use their own predictor)
     */
    public SearchActivitiesImpl(SpecValidator validator, MetricsPublisher publisher, SurrogateClient surrogate) {
        this.validator = validator;
        this.publisher = publisher;
        this.surrogate = surrogate;
    }

    @Override
    public SpecCheck validateSpec(String specJson) {
        SpecValidation v = validator.validate(specJson, "search spec");
        if (!v.ok()) {
            return new SpecCheck(null, v.errors().stream().map(Object::toString).toList());
        }
        return new SpecCheck(v.effective(), List.of());
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper SPEC_JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    @Override
    public SpecCheck validateCarriedSpec(dev.nasflow.model.SearchSpec spec) {
        String json;
        try {
            json = spec == null ? "null" : SPEC_JSON.writeValueAsString(spec);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return new SpecCheck(null, List.of("carried spec: cannot be written as JSON: " + e.getOriginalMessage()));
        }
        SpecCheck check = validateSpec(json);
        if (!check.ok()) {
            return new SpecCheck(null, check.errors().stream().map(e -> "carried spec " + e).toList());
        }
        // keep the carried scheduling: a spec carried without one was validated as generational, and stays so
        dev.nasflow.model.BudgetSpec b = check.spec().budget();
        dev.nasflow.model.BudgetSpec kept = new dev.nasflow.model.BudgetSpec(b.evaluations(), b.simulatedSeconds(),
                b.realSeconds(), b.generations(), b.populationSize(), b.maxConcurrent(),
                spec.budget() == null ? null : spec.budget().scheduling(), b.queueAhead(), b.shardSize());
        return new SpecCheck(check.spec().withBudget(kept), List.of());
    }

    @Override
    public PriorCheck loadPriors(String searchId, dev.nasflow.model.SearchSpec spec) {
        io.temporal.client.WorkflowClient client;
        try {
            client = io.temporal.activity.Activity.getExecutionContext().getWorkflowClient();
        } catch (IllegalStateException notInActivity) {
            client = null; // called directly (tests): files only
        }
        PriorCheck check;
        try {
            check = new PriorLoader(validator.paths(), client).load(searchId, spec);
        } catch (dev.nasflow.spec.PathPolicy.UnsafePathException e) {
            return new PriorCheck(null, List.of(e.getMessage()));
        }
        if (check.ok() && check.priors() != null && check.priors().count() > 0) {
            publishPriors(searchId, spec, check.priors());
        }
        return check;
    }

    /**
     * Puts the loaded priors on {@code nasflow.search-events} as {@code WARM_START_PRIORS} (one event, or a few when
     * they would not fit one record: {@link PriorEvents}), so that the live surrogate service pre-trains the search's
     * model on them. Here, not in the workflow: recorded histories replay unchanged. A retry publishes again; the
     * service de-duplicates by architecture hash. Without a publisher the priors are only counted in the log.
     */
    private void publishPriors(String searchId, dev.nasflow.model.SearchSpec spec,
                               dev.nasflow.carried.WarmStartPriors priors) {
        PriorEvents.Plan plan;
        try {
            plan = PriorEvents.plan(spec, priors);
        } catch (RuntimeException e) {
            // the search does not need the event (the strategy gets its priors from the workflow): say so, go on
            log.warn("search {}: warm-start priors not published to the surrogate service: {}", searchId,
                    e.toString());
            return;
        }
        if (plan.leftOut() > 0) {
            log.warn("search {}: {} of {} warm-start priors not published to the surrogate service (the events would "
                    + "exceed {} records of {} kB); it learns from the {} published ones", searchId, plan.leftOut(),
                    plan.published() + plan.leftOut(), PriorEvents.MAX_CHUNKS, PriorEvents.MAX_PAYLOAD_BYTES / 1024,
                    plan.published());
        }
        if (plan.payloads().isEmpty()) {
            log.info("search {}: no warm-start prior with a final value of the primary metric to publish ({} not "
                    + "completed)", searchId, plan.notFinal());
            return;
        }
        if (publisher == null) {
            log.info("search {} {}: {} priors in {} event(s) (no Kafka: not published)", searchId,
                    SearchEventType.WARM_START_PRIORS, plan.published(), plan.payloads().size());
            return;
        }
        List<java.util.concurrent.CompletableFuture<?>> sends = new ArrayList<>();
        for (Map<String, Object> payload : plan.payloads()) {
            sends.add(publisher.publish(SearchEvent.of(searchId, SearchEventType.WARM_START_PRIORS, null, null,
                    payload)));
        }
        try {
            java.util.concurrent.CompletableFuture.allOf(sends.toArray(new java.util.concurrent.CompletableFuture[0]))
                    .get(15, TimeUnit.SECONDS);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw ApplicationFailure.newFailureWithCause("interrupted while publishing warm-start priors",
                    "Interrupted", ex);
        } catch (Exception ex) {
            throw ApplicationFailure.newFailureWithCause("warm-start priors not acknowledged by Kafka: " + ex,
                    "KafkaUnavailable", ex);
        }
        log.info("search {}: published {} warm-start priors ({} not completed, {} left out) in {} {} event(s)",
                searchId, plan.published(), plan.notFinal(), plan.leftOut(), plan.payloads().size(),
                SearchEventType.WARM_START_PRIORS);
    }

    @Override
    public void publishSearchEvent(String searchId, SearchEventType type, Map<String, Object> payload) {
        SearchEvent e = SearchEvent.of(searchId, type, null, null, payload);
        if (publisher == null) {
            log.info("search {} {}: {}", searchId, type, payload);
            return;
        }
        try {
            publisher.publish(e).get(15, TimeUnit.SECONDS);
        } catch (Exception ex) {
            throw ApplicationFailure.newFailureWithCause("search event not acknowledged by Kafka: " + ex,
                    "KafkaUnavailable", ex);
        }
    }

    @Override
    public void publishStopDecision(String searchId, dev.nasflow.model.StopRequest request, long decidedAtMs) {
        String reason = request.reason().isBlank() ? "requested" : request.reason();
        dev.nasflow.stream.StopDecision d = dev.nasflow.stream.StopDecision.of(searchId, request.candidateId(),
                request.epoch(), null, request.rule(), reason, decidedAtMs, 0);
        // a worker in this process sees it at once; workers elsewhere read it from the topic
        StopBoard.PROCESS.post(request.candidateId(), request.rule(), reason, request.epoch(),
                System.currentTimeMillis());
        if (publisher == null) {
            return;
        }
        try {
            publisher.publish(d).get(15, TimeUnit.SECONDS);
        } catch (Exception ex) {
            throw ApplicationFailure.newFailureWithCause("stop decision not acknowledged by Kafka: " + ex,
                    "KafkaUnavailable", ex);
        }
    }

    /** Candidate pools ranked with the live surrogate service's predictions (its model was fresh enough). */
    public long poolsRankedByService() {
        return rankedByService.get();
    }

    /** Candidate pools ranked by the strategy's own model because the service was late or staler. */
    public long poolsRankedByOwnModel() {
        return rankedByOwn.get();
    }

    /** Which model ranked the last pool of a search, and why (null before any). */
    public SurrogateClient.Provenance lastProvenance(String searchId) {
        return lastProvenance.get(searchId);
    }

    /**
     * A surrogate-guided strategy, fed every finished result, asked for {@code requested} proposals. Its predictor is
     * the live surrogate service when it answers in time with a model fitted on at least as many finished results as
     * the proposer holds (so at least as fresh as the strategy's own ensemble), its own ensemble otherwise. The proposals are recorded in
     * the workflow history, so the search stays deterministic on replay.
     */
    @Override
    public List<Proposal> propose(ProposeRequest request) {
        SearchSpace space = Spaces.create(request.spec().space());
        StrategyContext base = StrategyReplay.context(request.spec(), space);
        List<GenerationRecord> history = request.generations(space);
        StrategyContext ctx = new StrategyContext(space, base.objectives(),
                dev.nasflow.model.Seeds.proposal(base.seed(), history.size()), base.params(), base.minEpochs(),
                base.maxEpochs());
        int ownResults = 0; // completed results the own ensemble learns from (the service learns from the same kind)
        for (GenerationRecord g : history) {
            for (CandidateResult r : g.results()) {
                if (r.outcome() == dev.nasflow.model.Outcome.COMPLETED) {
                    ownResults++;
                }
            }
        }
        Strategy strategy = Strategies.create(request.spec().strategy().type(), ctx,
                surrogate == null ? null : surrogate.predictor(request.searchId(), space, ownResults, p -> {
                    (p.service() ? rankedByService : rankedByOwn).incrementAndGet();
                    lastProvenance.put(request.searchId(), p);
                    log.debug("propose for {}: pool ranked by the {}", request.searchId(), p.why());
                }));
        Set<Genome> evaluated = new HashSet<>(request.pending());
        if (request.priors() != null && request.priors().count() > 0) {
            List<dev.nasflow.strategy.Prior> priors = request.priors().priors(space);
            strategy.warmStart(priors);
            for (dev.nasflow.strategy.Prior p : priors) {
                if (!p.transferred()) {
                    evaluated.add(p.genome()); // measured on this task already: never proposed again
                }
            }
        }
        for (GenerationRecord g : history) {
            for (CandidateResult r : g.results()) {
                strategy.observe(Observation.of(r));
                evaluated.add(r.genome());
            }
        }
        // The strategy is rebuilt from observations only, so it does not know what earlier generations proposed and
        // may propose an evaluated architecture again (e.g. a mutation back to the best one): drop those and ask
        // again; each call adds to the strategy's own proposed set, so the rounds make progress.
        List<Proposal> out = new ArrayList<>();
        for (int round = 0; round < MAX_PROPOSE_ROUNDS && out.size() < request.requested(); round++) {
            List<Proposal> batch = strategy.propose(request.requested() - out.size());
            if (batch.isEmpty()) {
                break;
            }
            for (Proposal p : batch) {
                if (evaluated.add(p.genome())) {
                    out.add(p);
                }
            }
        }
        return out;
    }
}
