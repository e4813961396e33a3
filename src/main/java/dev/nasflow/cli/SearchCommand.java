package dev.nasflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nasflow.embedded.TemporalClients;
import dev.nasflow.embedded.TemporalSettings;
import dev.nasflow.model.BudgetSpec;
import dev.nasflow.model.SearchSpec;
import dev.nasflow.strategy.OneShot;
import dev.nasflow.model.CandidateResult;
import dev.nasflow.api.SearchResult;
import dev.nasflow.api.SearchStatus;
import dev.nasflow.api.SearchWorkflow;
import dev.nasflow.model.StopRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** {@code nasflow search ...}: start and steer searches on a Temporal server. */
@Command(name = "search", mixinStandardHelpOptions = true, description = "Start, watch and steer searches.",
        subcommands = {SearchCommand.Start.class, SearchCommand.Status.class, SearchCommand.Leaderboard.class,
                SearchCommand.Pareto.class, SearchCommand.Stop.class, SearchCommand.Pause.class,
                SearchCommand.Resume.class, SearchCommand.StopCandidate.class, SearchCommand.Budget.class,
                SearchCommand.ExportResults.class})
public final class SearchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static final ObjectMapper JSON = TemporalClients.objectMapper();

    abstract static class Base implements Callable<Integer> {
        @Mixin
        TemporalOptions temporal;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        WorkflowClient client() {
            TemporalSettings ts = temporal.settings();
            if (!ts.isExternal()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "no Temporal server given: pass "
                        + "--temporal HOST:PORT or set TEMPORAL_ADDRESS (nasflow dev prints its address)");
            }
            WorkflowServiceStubs stubs = TemporalClients.connect(ts, Duration.ofSeconds(15));
            return TemporalClients.newClient(stubs, ts);
        }

        SearchWorkflow search(String id) {
            return client().newWorkflowStub(SearchWorkflow.class, id);
        }

        void print(Object o) throws Exception {
            System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o));
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Validate a spec and start it as a SearchWorkflow (the workflow id is the search id).")
    static final class Start extends Base {
        @Parameters(paramLabel = "FILE", description = "Search spec (JSON).")
        Path file;
        @Option(names = "--id", paramLabel = "ID", description = "Search id (default: <name>-<timestamp>).")
        String id;
        @Option(names = "--wait", description = "Wait for the search to finish and print its leaderboard.")
        boolean await;

        @Override
        public Integer call() throws Exception {
            SearchSpec s = ValidSpec.orReport(file);
            if (s == null) {
                return 1;
            }
            if (OneShot.isOneShot(s.strategy().type())) {
                throw new CliException(ExitCodes.USAGE, file + " is a one-shot (" + s.strategy().type() + ") spec: "
                        + "a SearchWorkflow cannot run it", "run it with 'nasflow supernet start " + file + "'");
            }
            JsonNode raw = JSON.readTree(Files.readString(file));
            String searchId = id != null ? id : s.name() + "-" + Long.toString(System.currentTimeMillis(), 36);
            WorkflowClient c = client();
            if (s.warmStart() != null) {
                // the workflow checks the priors again when it starts; checked here first for an answer at once
                dev.nasflow.api.PriorCheck priors = new dev.nasflow.activity.PriorLoader(
                        dev.nasflow.spec.PathPolicy.fromEnvironment(), c).load(searchId, s);
                if (!priors.ok()) {
                    throw new CliException(ExitCodes.USAGE, file + ": invalid warm start:\n  "
                            + String.join("\n  ", priors.errors()),
                            "correct the warmStart section as each line above says (docs/SPEC.md, warmStart)");
                }
            }
            SearchWorkflow wf = c.newWorkflowStub(SearchWorkflow.class, WorkflowOptions.newBuilder()
                    .setWorkflowId(searchId).setTaskQueue(s.taskQueue()).build());
            WorkflowClient.start(wf::run, raw, null);
            System.out.println(searchId);
            if (await) {
                TaskQueues.awaitWorker(c, s.taskQueue(), Duration.ofSeconds(10), searchId,
                        temporal.settings().address().orElse("HOST:PORT"));
                Integer budget = s.budget().evaluations();
                QuickstartCommand.Progress progress = new QuickstartCommand.Progress(System.err,
                        budget == null ? 0 : budget);
                CompletableFuture<SearchResult> done = c.newUntypedWorkflowStub(searchId)
                        .getResultAsync(SearchResult.class);
                while (!done.isDone()) {
                    try {
                        progress.show(wf.status());
                    } catch (RuntimeException ignored) {
                        // no status for a moment (first workflow task, continue-as-new): ask again
                    }
                    try {
                        done.get(500, TimeUnit.MILLISECONDS);
                    } catch (java.util.concurrent.TimeoutException ignored) {
                        // keep polling
                    }
                }
                SearchResult r;
                try {
                    r = done.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw e.getCause() instanceof Exception x ? x : e;
                }
                progress.show(r.status());
                progress.finish();
                LeaderboardView.printStatus(System.out, r.status());
                LeaderboardView.printLeaderboard(System.out, r.leaderboard(), 10, s.primary().metric());
                StopperLine.print(System.out, System.err, r.status());
            }
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Progress of a search.")
    static final class Status extends Base {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        public Integer call() throws Exception {
            SearchStatus s = search(id).status();
            if (json) {
                print(s);
            } else {
                LeaderboardView.printStatus(System.out, s);
                StopperLine.print(System.out, System.err, s);
            }
            return 0;
        }
    }

    @Command(name = "leaderboard", mixinStandardHelpOptions = true, description = "Best candidates of a search.")
    static final class Leaderboard extends Base {
        @Parameters(paramLabel = "ID")
        String id;
        @Option(names = "--top", defaultValue = "10", description = "How many (default ${DEFAULT-VALUE}).")
        int top;

        @Override
        public Integer call() throws Exception {
            SearchWorkflow wf = search(id);
            SearchResult snap = wf.snapshot(); // compact above 1,000 results: fits the payload limit
            List<CandidateResult> board = snap.leaderboard();
            if (json) {
                print(board.subList(0, Math.min(top, board.size())));
            } else {
                SearchStatus s = snap.status();
                LeaderboardView.printLeaderboard(System.out, board, top, s.spec().primary().metric());
                StopperLine.print(System.out, System.err, s);
            }
            return 0;
        }
    }

    @Command(name = "pareto", mixinStandardHelpOptions = true, description = "Pareto front of a search.")
    static final class Pareto extends Base {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        public Integer call() throws Exception {
            SearchWorkflow wf = search(id);
            List<CandidateResult> front = wf.paretoFront();
            if (json) {
                print(front);
            } else {
                LeaderboardView.printLeaderboard(System.out, front, Integer.MAX_VALUE,
                        wf.status().spec().primary().metric());
            }
            return 0;
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "Finish a search gracefully: no new candidates; running ones finish.")
    static final class Stop extends Base {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            search(id).stop();
            System.out.println("stop requested for " + id);
            return 0;
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true, description = "Launch no new candidates until resume.")
    static final class Pause extends Base {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            search(id).pause();
            System.out.println("paused " + id);
            return 0;
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Resume a paused search.")
    static final class Resume extends Base {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            search(id).resume();
            System.out.println("resumed " + id);
            return 0;
        }
    }

    @Command(name = "stop-candidate", mixinStandardHelpOptions = true,
            description = "Stop one running candidate early (the same update the stopping service sends).")
    static final class StopCandidate extends Base {
        @Parameters(index = "0", paramLabel = "ID")
        String id;
        @Parameters(index = "1", paramLabel = "CANDIDATE")
        String candidate;
        @Option(names = "--reason", defaultValue = "stopped by hand")
        String reason;

        @Override
        public Integer call() {
            // a rejection (unknown or finished candidate) is a WorkflowUpdateException: CliErrors prints it (exit 8)
            String r = search(id).stopCandidate(new StopRequest(candidate, reason, "manual", 0, Map.of()));
            System.out.println(candidate + ": " + r);
            return 0;
        }
    }

    @Command(name = "export-results", mixinStandardHelpOptions = true,
            description = {"Write every result of a search (finished: its result; running: its snapshot) as JSON lines: "
                    + "a header (space, task, objectives) and one line per result, best first. A later search "
                    + "warm-starts from the file with warmStart.files (docs/SPEC.md).",
                    "Example: nasflow search export-results nb201-rea-1a2b --out activities/warm/nb201-rea.jsonl"})
    static final class ExportResults extends Base {
        @Parameters(paramLabel = "ID", description = "Search id (workflow id).")
        String id;
        @Option(names = "--out", paramLabel = "FILE", description = "Output file (default: standard output).")
        Path out;

        @Override
        public Integer call() throws Exception {
            WorkflowClient c = client();
            io.temporal.client.WorkflowStub stub = c.newUntypedWorkflowStub(id);
            io.temporal.client.WorkflowExecutionDescription d;
            try {
                d = stub.describe();
            } catch (io.temporal.client.WorkflowNotFoundException e) {
                throw new CliException(ExitCodes.NOT_FOUND, "no search '" + id + "' on this Temporal namespace",
                        "give the id 'nasflow search start' printed (temporal workflow list shows them)");
            }
            if (!SearchWorkflow.TYPE.equals(d.getWorkflowType())) {
                throw new CliException(ExitCodes.USAGE, "'" + id + "' is a " + d.getWorkflowType() + ", not a search",
                        "export a " + SearchWorkflow.TYPE);
            }
            SearchResult r = d.getStatus() == io.temporal.api.enums.v1.WorkflowExecutionStatus
                    .WORKFLOW_EXECUTION_STATUS_COMPLETED
                    ? stub.getResult(60, TimeUnit.SECONDS, SearchResult.class)
                    : stub.query("snapshot", SearchResult.class);
            if (r.status() == null || r.status().spec() == null) {
                throw new CliException(ExitCodes.FAILED, "search '" + id + "' has not started yet",
                        "export it once it has results");
            }
            int n;
            if (out == null) {
                java.io.Writer w = new java.io.OutputStreamWriter(System.out, java.nio.charset.StandardCharsets.UTF_8);
                n = dev.nasflow.activity.ResultsFile.write(r, w);
                w.flush();
            } else {
                Path parent = out.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                // written beside it and moved into place: a failed export never leaves half a file (a warm start
                // reading it would refuse it) nor destroys the file it replaces
                Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
                try (java.io.Writer w = Files.newBufferedWriter(tmp)) {
                    n = dev.nasflow.activity.ResultsFile.write(r, w);
                } catch (java.io.IOException | RuntimeException e) {
                    Files.deleteIfExists(tmp);
                    throw e;
                }
                Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                System.err.println("exported " + n + " results of " + id + " to " + out);
            }
            return 0;
        }
    }

    @Command(name = "budget", mixinStandardHelpOptions = true,
            description = {"Change a running search's budget (the setBudget update): the fields given replace the "
                    + "current ones, the others stay. The search checks the values first and refuses bad ones "
                    + "(exit 8), e.g. a limit <= 0.",
                    "Example: nasflow search budget ID --evaluations 60 --max-concurrent 4"})
    static final class Budget extends Base {
        @Parameters(paramLabel = "ID")
        String id;
        @Option(names = "--evaluations", paramLabel = "N", description = "Most candidates evaluated.")
        Integer evaluations;
        @Option(names = "--simulated-seconds", paramLabel = "S", description = "Most simulated training seconds.")
        Double simulatedSeconds;
        @Option(names = "--real-seconds", paramLabel = "S", description = "Most wall-clock seconds.")
        Double realSeconds;
        @Option(names = "--generations", paramLabel = "N", description = "Most generations.")
        Integer generations;
        @Option(names = "--population-size", paramLabel = "N", description = "Candidates proposed per generation.")
        Integer populationSize;
        @Option(names = "--max-concurrent", paramLabel = "N", description = "Candidates trained at the same time.")
        Integer maxConcurrent;
        @Option(names = "--queue-ahead", paramLabel = "N", description = "Candidates proposed ahead and queued for "
                + "the next free worker slot (asynchronous scheduling; 0 = none).")
        Integer queueAhead;

        @Override
        public Integer call() throws Exception {
            BudgetSpec change = new BudgetSpec(evaluations, simulatedSeconds, realSeconds, generations,
                    populationSize, maxConcurrent, null, queueAhead);
            if (evaluations == null && simulatedSeconds == null && realSeconds == null && generations == null
                    && populationSize == null && maxConcurrent == null && queueAhead == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "nothing to change: give at least one "
                        + "of --evaluations, --simulated-seconds, --real-seconds, --generations, --population-size, "
                        + "--max-concurrent, --queue-ahead");
            }
            BudgetSpec now = search(id).setBudget(change);
            if (json) {
                print(now);
            } else {
                System.out.println("budget of " + id + ": " + JSON.writeValueAsString(now));
            }
            return 0;
        }
    }
}
