package dev.nasflow.activity;

import dev.nasflow.spec.Defaults;
import dev.nasflow.api.PriorCheck;
import com.fasterxml.jackson.databind.JsonNode;
import dev.nasflow.space.SearchSpace;
import dev.nasflow.space.Spaces;
import dev.nasflow.model.Objective;
import dev.nasflow.spec.PathPolicy;
import dev.nasflow.model.SearchSpec;
import dev.nasflow.model.WarmStartSpec;
import dev.nasflow.strategy.Prior;
import dev.nasflow.model.CandidateResult;
import dev.nasflow.api.SearchResult;
import dev.nasflow.api.SearchWorkflow;
import dev.nasflow.carried.WarmStartPriors;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowStub;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Loads the prior results of a warm start ({@code warmStart} in the spec) and checks them: every referenced search
 * exists, is a search and searched the same space; every file exists, parses and holds results of the same space.
 * Results measured on another task ({@link ResultsFile#task}: data set, full-fidelity schedule) are marked
 * transferred. Of all usable results (a finite value of the primary objective) the best {@code warmStart.top} are
 * kept, best first. Used by the {@code LoadPriors} activity (once, at a search's first start) and by
 * {@code nasflow search start} to report problems before starting.
 */
public final class PriorLoader {
    private final PathPolicy paths;
    private final WorkflowClient client;

    /** @param client how referenced searches are read (null: a spec naming searches gets an error) */
    public PriorLoader(PathPolicy paths, WorkflowClient client) {
        this.paths = paths;
        this.client = client;
    }

    /** One usable result and where it came from (for the deterministic order). */
    private record Candidate(Prior prior, double value, int source, int index) {
    }

    public PriorCheck load(String searchId, SearchSpec specIn) {
        SearchSpec spec = Defaults.apply(specIn);
        WarmStartSpec ws = spec.warmStart();
        if (ws == null) {
            return new PriorCheck(null, List.of());
        }
        SearchSpace space = Spaces.create(spec.space());
        JsonNode task = ResultsFile.task(spec);
        Objective primary = spec.primary();
        List<String> errors = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        List<Candidate> all = new ArrayList<>();
        int source = 0;
        for (int i = 0; i < ws.searches().size(); i++, source++) {
            String field = "warmStart.searches[" + i + "]";
            String id = ws.searches().get(i);
            try {
                SearchResult r = readSearch(field, id, searchId);
                SearchSpec their = r.status().spec();
                SearchSpace theirSpace = Spaces.create(their.space());
                if (!theirSpace.id().equals(space.id())) {
                    errors.add(field + ": search '" + id + "' searched space '" + theirSpace.id() + "', this search's "
                            + "space is '" + space.id() + "' (fix: warm-start only from searches of the same space "
                            + "(same type and parameters), or remove it)");
                    continue;
                }
                boolean transferred = !ResultsFile.task(their).equals(task);
                int n = add(all, r.leaderboard(), transferred, primary, source);
                sources.add("search " + id + ": " + n + " results" + (transferred ? ", another task "
                        + ResultsFile.task(their) : ""));
            } catch (IllegalArgumentException e) {
                errors.add(e.getMessage());
            }
        }
        for (int i = 0; i < ws.files().size(); i++, source++) {
            String field = "warmStart.files[" + i + "]";
            String value = ws.files().get(i);
            try {
                Path file = paths.resolveData(field, value);
                ResultsFile.Contents c = ResultsFile.read(file, space);
                boolean transferred = !c.task().equals(task);
                int n = add(all, c.results(), transferred, primary, source);
                sources.add("file " + value + ": " + n + " results" + (transferred ? ", another task " + c.task()
                        : ""));
            } catch (IllegalArgumentException e) {
                String m = e.getMessage();
                errors.add(m.startsWith(field) ? m : field + ": " + m);
            }
        }
        if (!errors.isEmpty()) {
            return new PriorCheck(null, errors);
        }
        if (all.isEmpty()) {
            return new PriorCheck(null, List.of("warmStart: the named searches and files hold no result with a value of "
                    + primary.metric() + " (fix: warm-start from searches that finished candidates, or remove "
                    + "warmStart)"));
        }
        all.sort(Comparator.comparingDouble((Candidate c) -> -c.value()).thenComparingInt(Candidate::source)
                .thenComparingInt(Candidate::index));
        List<Prior> kept = new ArrayList<>();
        for (Candidate c : all.subList(0, Math.min(ws.top(), all.size()))) {
            kept.add(c.prior());
        }
        return new PriorCheck(WarmStartPriors.of(space, kept, sources), List.of());
    }

    private static int add(List<Candidate> into, List<CandidateResult> results, boolean transferred,
                           Objective primary, int source) {
        int n = 0;
        for (CandidateResult r : results) {
            Double v = r.metrics().get(primary.metric());
            if (!r.outcome().hasMetrics() || v == null || !Double.isFinite(v)) {
                continue;
            }
            into.add(new Candidate(new Prior(r.genome(), r.epochsTrained(), r.metrics(), r.outcome(), transferred),
                    primary.direction().oriented(v), source, n++));
        }
        return n;
    }

    /** The result of a finished search, or the snapshot of a running (or otherwise ended) one. */
    private SearchResult readSearch(String field, String id, String self) {
        if (id.equals(self)) {
            throw new IllegalArgumentException(field + ": '" + id + "' is this search itself (fix: name an earlier "
                    + "search)");
        }
        if (client == null) {
            throw new IllegalArgumentException(field + ": this process has no Temporal client to read search '" + id
                    + "' (fix: export it with 'nasflow search export-results " + id + " --out FILE' and use "
                    + "warmStart.files)");
        }
        WorkflowStub stub = client.newUntypedWorkflowStub(id);
        WorkflowExecutionDescription d;
        try {
            d = stub.describe();
        } catch (WorkflowNotFoundException e) {
            throw new IllegalArgumentException(field + ": no search '" + id + "' on this Temporal namespace (fix: give "
                    + "the id of an earlier search, as 'nasflow search start' printed it, or remove it)");
        }
        if (!SearchWorkflow.TYPE.equals(d.getWorkflowType())) {
            throw new IllegalArgumentException(field + ": '" + id + "' is a " + d.getWorkflowType() + ", not a search "
                    + "(fix: name a " + SearchWorkflow.TYPE + ")");
        }
        SearchResult r;
        try {
            if (d.getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED) {
                r = stub.getResult(60, TimeUnit.SECONDS, SearchResult.class);
            } else {
                r = stub.query("snapshot", SearchResult.class);
            }
        } catch (java.util.concurrent.TimeoutException | RuntimeException e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            throw new IllegalArgumentException(field + ": search '" + id + "' (" + statusName(d.getStatus()) + ") cannot "
                    + "be read: " + why + " (fix: wait until a worker serves it, or export it with 'nasflow search "
                    + "export-results " + id + "' and use warmStart.files)");
        }
        if (r == null || r.status() == null || r.status().spec() == null) {
            throw new IllegalArgumentException(field + ": search '" + id + "' has not started yet (fix: wait for its "
                    + "first results, or remove it)");
        }
        return r;
    }

    private static String statusName(WorkflowExecutionStatus s) {
        return s.name().replace("WORKFLOW_EXECUTION_STATUS_", "").toLowerCase(java.util.Locale.ROOT);
    }
}
