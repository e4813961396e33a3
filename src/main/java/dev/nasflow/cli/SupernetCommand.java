package dev.nasflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nasflow.wiring.DevStack;
import dev.nasflow.embedded.TemporalClients;
import dev.nasflow.model.SearchSpec;
import dev.nasflow.strategy.OneShot;
import dev.nasflow.model.AlphaEdge;
import dev.nasflow.model.CandidateResult;
import dev.nasflow.model.RankedCandidate;
import dev.nasflow.model.SupernetEpoch;
import dev.nasflow.model.SupernetResult;
import dev.nasflow.model.SupernetStatus;
import dev.nasflow.api.SupernetWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** {@code nasflow supernet}: one-shot searches (DARTS, SPOS) as a durable SupernetWorkflow. */
@Command(name = "supernet", mixinStandardHelpOptions = true,
        description = "One-shot architecture search (strategy darts or spos) as a durable SupernetWorkflow.",
        subcommands = {SupernetCommand.Start.class})
public final class SupernetCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec cmd;

    @Override
    public void run() {
        cmd.commandLine().usage(System.out);
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Start the embedded stack (Kafka, Temporal, a worker), run the spec's supernet search to "
                    + "the end (supernet epochs, derivation, retraining) and print the result; with --json the last "
                    + "line is one JSON object.")
    static final class Start implements Callable<Integer> {
        @Mixin
        TemporalOptions temporal;
        @Mixin
        KafkaOptions kafka;

        @Parameters(index = "0", paramLabel = "FILE", description = "Spec with strategy.type darts or spos, e.g. "
                + "workflows/darts-fmnist-small.json.")
        Path file;

        @Option(names = "--id", paramLabel = "ID", description = "Workflow (search) id; default <name>-<time>. "
                + "Reusing an id whose artifacts exist resumes its supernet from the last checkpoint.")
        String id;

        @Option(names = "--work-dir", paramLabel = "DIR", description = "Broker data and logs (default work/supernet).")
        Path workDir;

        @Option(names = "--json", description = "End with one JSON line: searchId, strategy, supernetEpochs, "
                + "derived {arch, genome}, retrain {metrics}, seconds.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            SearchSpec spec = ValidSpec.orReport(file);
            if (spec == null) {
                return 1;
            }
            if (!OneShot.isOneShot(spec.strategy().type())) {
                throw new CliException(ExitCodes.USAGE, file + ": /strategy/type '" + spec.strategy().type()
                        + "' is not a one-shot method (darts, spos)", "run it with 'nasflow search start " + file
                        + "' (or 'nasflow quickstart --spec " + file + "'), or use darts or spos here");
            }
            ObjectMapper mapper = TemporalClients.objectMapper();
            JsonNode raw = mapper.readTree(Files.readString(file));
            PrintStream err = System.err;
            long t0 = System.nanoTime();
            err.println("nasflow supernet: starting Kafka (KRaft) and Temporal...");
            try (DevStack stack = DevStack.builder(Services.workDir(workDir, "supernet"))
                    .kafka(kafka.settings().orElse(null))
                    .temporal(temporal.settings())
                    .taskQueues(List.of(spec.taskQueue()))
                    .workerSlots(1)
                    .trainers(Services.trainers())
                    .stopper(false)
                    .surrogate(false)
                    .start()) {
                String searchId = id != null ? id : spec.name() + "-" + Long.toString(System.currentTimeMillis(), 36);
                WorkflowClient client = stack.client();
                SupernetWorkflow wf = client.newWorkflowStub(SupernetWorkflow.class, WorkflowOptions.newBuilder()
                        .setWorkflowId(searchId).setTaskQueue(spec.taskQueue()).build());
                WorkflowClient.start(wf::run, raw);
                err.println("  " + spec.strategy().type() + " search " + searchId + " started on " + spec.space().type()
                        + " space " + spec.space());
                CompletableFuture<SupernetResult> done = client.newUntypedWorkflowStub(searchId)
                        .getResultAsync(SupernetResult.class);
                ProgressBar bar = null;
                while (!done.isDone()) {
                    try {
                        SupernetStatus st = wf.status();
                        if (bar == null) {
                            bar = new ProgressBar(err, st.supernetEpochs(), "supernet epochs");
                        }
                        bar.showLine(progress(st));
                    } catch (RuntimeException ignored) {
                        // status not available for a moment: ask again
                    }
                    try {
                        done.get(1000, TimeUnit.MILLISECONDS);
                    } catch (java.util.concurrent.TimeoutException ignored) {
                        // keep polling
                    }
                }
                SupernetResult r = done.get();
                if (bar != null) {
                    bar.showLine(progress(r.status()));
                    bar.finish();
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                print(System.out, r, seconds);
                if (json) {
                    System.out.println(mapper.writeValueAsString(jsonLine(searchId, r, seconds)));
                }
                System.out.flush();
            }
            return 0;
        }

        static String progress(SupernetStatus s) {
            String m = s.lastMetrics().isEmpty() ? "" : String.format(Locale.ROOT, " trainLoss %.3f",
                    s.lastMetrics().getOrDefault("trainLoss", Double.NaN));
            // one short line (a terminal redraws it in place); the derived arch is printed with the result
            return String.format(Locale.ROOT, "  %s %s: epoch %d/%d%s", ProgressBar.bar(s.epochsDone(),
                    s.supernetEpochs()), s.phase(), s.epochsDone(), s.supernetEpochs(), m);
        }

        static void print(PrintStream out, SupernetResult r, double seconds) {
            SupernetStatus s = r.status();
            out.println(s.method() + " search " + s.searchId() + ": " + s.phase());
            for (SupernetEpoch e : s.epochs()) {
                out.printf(Locale.ROOT, "  epoch %d (from checkpoint %d, attempt %d, %.1f s): %s%n", e.epoch(),
                        e.resumedFrom(), e.attempt(), e.wallSeconds(), e.metrics());
            }
            out.println("derived: " + r.derivation().arch());
            if (!r.derivation().alpha().isEmpty()) {
                out.println("softmax(alpha), strongest op per edge:");
                for (AlphaEdge a : r.derivation().alpha()) {
                    out.printf(Locale.ROOT, "  %-6s node %d <- %d: %-13s %.3f%n", a.cell(), a.node(), a.input(),
                            a.bestOp(), a.bestWeight());
                }
            }
            for (RankedCandidate c : r.derivation().ranking()) {
                out.printf(Locale.ROOT, "  %6.2f%%  %s%n", c.validAccuracy(), c.arch());
            }
            CandidateResult t = r.retrain();
            if (t != null) {
                out.println("retrained " + t.epochsTrained() + " epoch(s): " + t.outcome() + " " + t.metrics());
            }
            out.printf(Locale.ROOT, "finished in %.1f s%n", seconds);
        }

        static Map<String, Object> jsonLine(String searchId, SupernetResult r, double seconds) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("searchId", searchId);
            line.put("strategy", r.status().method());
            line.put("supernetEpochs", r.status().epochsDone());
            line.put("supernetMetrics", r.status().lastMetrics());
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("arch", r.derivation().arch());
            d.put("genome", r.derivation().genome());
            if (!r.derivation().ranking().isEmpty()) {
                d.put("inheritedValidAccuracy", r.derivation().ranking().get(0).validAccuracy());
                d.put("ranked", r.derivation().ranking().size());
            }
            line.put("derived", d);
            if (r.retrain() != null) {
                Map<String, Object> t = new LinkedHashMap<>();
                t.put("candidateId", r.retrain().candidateId());
                t.put("outcome", r.retrain().outcome());
                t.put("epochs", r.retrain().epochsTrained());
                t.put("metrics", r.retrain().metrics());
                line.put("retrain", t);
            } else {
                line.put("retrain", null);
            }
            line.put("seconds", Math.round(seconds * 10) / 10.0);
            return line;
        }
    }
}
