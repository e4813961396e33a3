package dev.nasflow.activity;

import dev.nasflow.api.ProposeRequest;
import dev.nasflow.nb201.Nb201Table;
import dev.nasflow.nb201.TableTrainer;
import dev.nasflow.space.Genome;
import dev.nasflow.space.SearchSpace;
import dev.nasflow.space.Spaces;
import dev.nasflow.model.SearchSpec;
import dev.nasflow.spec.SpecValidation;
import dev.nasflow.spec.SpecValidator;
import dev.nasflow.model.Outcome;
import dev.nasflow.strategy.Proposal;
import dev.nasflow.model.CandidateResult;
import dev.nasflow.model.GenerationRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Propose activity (surrogate-guided strategies) over a growing history, as the workflow calls it. */
class ProposeActivityTest {
    @Test
    void neverProposesAnArchitectureAlreadyInTheHistory() {
        SpecValidation v = new SpecValidator().validate("""
                {"name": "p", "seed": 5, "space": {"type": "nb201"},
                 "strategy": {"type": "bananas", "params": {"initial": 5, "ensemble": 2, "candidates": 40}},
                 "budget": {"evaluations": 80, "populationSize": 8},
                 "objectives": [{"metric": "validAccuracy", "direction": "maximize"}],
                 "fidelity": {"epochs": 12}, "trainer": {"type": "nb201"}}""", "test");
        assertTrue(v.ok(), v.report());
        SearchSpec spec = v.effective();
        SearchSpace space = Spaces.create(spec.space());
        TableTrainer table = new TableTrainer(Nb201Table.cifar10());
        SearchActivitiesImpl acts = new SearchActivitiesImpl(new SpecValidator(), null, null);
        List<GenerationRecord> history = new ArrayList<>();
        Set<Genome> seen = new HashSet<>();
        for (int gen = 0; gen < 10; gen++) {
            List<Proposal> ps = acts.propose(new dev.nasflow.api.ProposeRequest("p", spec, history, 8));
            assertEquals(8, ps.size());
            List<CandidateResult> results = new ArrayList<>();
            for (int i = 0; i < ps.size(); i++) {
                Genome g = ps.get(i).genome();
                assertTrue(seen.add(g), "generation " + gen + " re-proposes " + space.canonical(g));
                results.add(new CandidateResult("p-g" + gen + "-c" + i, gen, i, g, space.canonical(g), space.hash(g),
                        12, 12, Outcome.COMPLETED, table.metrics(g, 12), "", 0, 0, 0, 1));
            }
            history.add(new GenerationRecord(gen, 8, results));
        }
    }
}
