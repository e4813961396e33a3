package dev.nasflow.cli;

import dev.nasflow.embedded.TemporalClients;
import dev.nasflow.embedded.TemporalSettings;
import dev.nasflow.report.EpochCurves;
import dev.nasflow.report.HtmlReport;
import dev.nasflow.report.ReportSources;
import dev.nasflow.report.SearchReport;
import dev.nasflow.stream.KafkaClients;
import dev.nasflow.stream.KafkaSettings;
import dev.nasflow.api.SearchResult;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code nasflow report ID --out report.html}: one self-contained HTML report of a search. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write a self-contained HTML report of a search (charts and leaderboard; opens offline): from "
                + "the Temporal server that ran it (a completed search needs no worker; a running one answers "
                + "through a worker), or from a saved result (--from-json). Learning curves come from Kafka "
                + "(--kafka); without it the report draws final points only and says so.")
public final class ReportCommand implements Callable<Integer> {
    @Mixin
    TemporalOptions temporal;
    @Mixin
    KafkaOptions kafka;

    @Parameters(paramLabel = "ID", arity = "0..1",
            description = "Search id (the workflow id); optional with --from-json.")
    String id;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE", defaultValue = "report.html",
            description = "HTML file to write (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--from-json", paramLabel = "FILE",
            description = "Read the search result from this JSON file (saved with --save-json) instead of Temporal.")
    Path fromJson;

    @Option(names = "--save-json", paramLabel = "FILE",
            description = "Also save the search result as JSON, for reports made offline later (--from-json).")
    Path saveJson;

    @Option(names = "--kafka-timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "How long to read epoch metrics from Kafka at most (default ${DEFAULT-VALUE}).")
    int kafkaTimeout;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (fromJson == null && id == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give the search ID (and --temporal "
                    + "HOST:PORT), or --from-json FILE with a saved result");
        }
        SearchResult result;
        String source;
        if (fromJson != null) {
            result = ReportSources.fromJson(fromJson);
            source = "saved result " + fromJson.getFileName();
            if (id != null && !id.equals(result.status().searchId())) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--from-json " + fromJson + " holds "
                        + "search '" + result.status().searchId() + "', not '" + id + "': drop the ID or pick the "
                        + "right file");
            }
        } else {
            TemporalSettings ts = temporal.settings();
            if (!ts.isExternal()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "a report needs the Temporal server "
                        + "that ran the search: pass --temporal HOST:PORT (or set TEMPORAL_ADDRESS), or use "
                        + "--from-json FILE with a saved result");
            }
            WorkflowServiceStubs stubs = TemporalClients.connect(ts, Duration.ofSeconds(15));
            try {
                WorkflowClient client = TemporalClients.newClient(stubs, ts);
                ReportSources.Fetched f = ReportSources.fromTemporal(client, id);
                result = f.result();
                source = f.how() + " at " + ts.address().orElse("?");
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
            } finally {
                stubs.shutdown();
            }
        }
        if (saveJson != null) {
            ReportSources.save(result, saveJson);
            System.err.println("nasflow report: saved the search result to " + saveJson);
        }
        SearchReport report = build(result, kafka.settings(), source, Duration.ofSeconds(kafkaTimeout));
        HtmlReport.write(report, out);
        System.out.println("nasflow report: wrote " + out + " (" + result.leaderboard().size() + " candidates, "
                + (report.curves().isEmpty() ? "final points only" : report.curves().size() + " learning curves")
                + ")");
        return 0;
    }

    /** The report of {@code result}, with learning curves read from Kafka when settings are given. */
    static SearchReport build(SearchResult result, Optional<KafkaSettings> kafkaSettings, String source,
                              Duration timeout) {
        List<String> notes = new ArrayList<>();
        Map<String, dev.nasflow.report.Curve> curves = Map.of();
        if (kafkaSettings.isPresent()) {
            KafkaClients clients = new KafkaClients(kafkaSettings.get());
            EpochCurves.Read read = EpochCurves.read(clients, result.status().searchId(),
                    result.status().spec().primary().metric(), timeout);
            curves = read.curves();
            notes.addAll(HtmlReport.curveNotes(true, read));
            source = source + "; learning curves from Kafka " + kafkaSettings.get().bootstrapServers();
        } else {
            notes.addAll(HtmlReport.curveNotes(false, null));
        }
        return new SearchReport(result, curves, notes, source, Instant.now());
    }
}
