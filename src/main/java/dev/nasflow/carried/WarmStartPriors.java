package dev.nasflow.carried;

import dev.nasflow.model.CandidateResult;
import dev.nasflow.model.CandidateTask;
import dev.nasflow.model.GenerationRecord;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.nasflow.space.SearchSpace;
import dev.nasflow.strategy.Prior;

import java.util.ArrayList;
import java.util.List;

/**
 * The prior results of a warm-started search ({@code warmStart} in the spec), loaded once by an activity at the first
 * start and carried across continue-as-new, so that the strategy rebuilt by replay gets the very same priors first.
 * Compact: the priors travel as {@link CarriedResults} (generation 0: priors measured on this search's task,
 * generation 1: priors from another task, used for ranking only), each in the order the strategy receives them.
 *
 * @param sameTask    priors measured on this search's task (data set and full-fidelity schedule)
 * @param transferred priors from another data set or fidelity schedule
 * @param sources     where they came from ({@code search ID} or {@code file PATH}, with counts), for status and events
 * @param results     the priors, compact
 */
public record WarmStartPriors(int sameTask, int transferred,
                              @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> sources,
                              CarriedResults results) {
    static final String ID = "prior";

    public WarmStartPriors {
        sources = sources == null ? List.of() : List.copyOf(sources);
    }

    /** Priors in the order given (same-task and transferred ones each keep their relative order). */
    public static WarmStartPriors of(SearchSpace space, List<Prior> priors, List<String> sources) {
        List<CandidateResult> same = new ArrayList<>();
        List<CandidateResult> other = new ArrayList<>();
        for (Prior p : priors) {
            List<CandidateResult> into = p.transferred() ? other : same;
            int gen = p.transferred() ? 1 : 0;
            into.add(new CandidateResult(CandidateTask.id(ID, gen, into.size()), gen, into.size(),
                    p.genome(), space.canonical(p.genome()), space.hash(p.genome()), p.epochs(), p.epochs(),
                    p.outcome(), p.metrics(), "", 0, 0, 0, 0));
        }
        CarriedResults data = CarriedResults.encode(ID, space, List.of(new GenerationRecord(0, same.size(), same),
                new GenerationRecord(1, other.size(), other)));
        return new WarmStartPriors(same.size(), other.size(), sources, data);
    }

    /** Every prior: those of this task first, then those of another task, each in the order they were given. */
    public List<Prior> priors(SearchSpace space) {
        List<Prior> out = new ArrayList<>(sameTask + transferred);
        for (GenerationRecord g : results.decode(space)) {
            for (CandidateResult r : g.results()) {
                out.add(new Prior(r.genome(), r.epochsTrained(), r.metrics(), r.outcome(), g.generation() == 1));
            }
        }
        if (out.size() != sameTask + transferred) {
            throw new IllegalArgumentException("warm-start priors: header says " + (sameTask + transferred)
                    + " priors, data holds " + out.size());
        }
        return out;
    }

    /** Total priors. */
    public int count() {
        return sameTask + transferred;
    }
}
