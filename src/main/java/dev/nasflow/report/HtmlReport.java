package dev.nasflow.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nasflow.model.Direction;
import dev.nasflow.model.Objective;
import dev.nasflow.model.SearchSpec;
import dev.nasflow.model.CandidateResult;
import dev.nasflow.api.SearchResult;
import dev.nasflow.api.SearchStatus;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Renders a {@link SearchReport} as one self-contained HTML file: the data as an embedded JSON block, and inline CSS
 * and JavaScript that draw the charts as inline SVG (best so far vs evaluations and vs training time, learning
 * curves with early-stopped candidates greyed, per-generation box/strip plot, Pareto front) and the sortable
 * leaderboard. No network access: no CDN, fonts, images or scripts from elsewhere.
 */
public final class HtmlReport {
    private static final String TEMPLATE = "report/report.html";
    private static final ObjectMapper JSON = new ObjectMapper();

    private HtmlReport() {
    }

    /** The report as HTML text. */
    public static String render(SearchReport report) {
        String data;
        try {
            data = JSON.writeValueAsString(model(report));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode the report data: " + e.getMessage(), e);
        }
        // inside <script type="application/json">: no "</script>" or "<!--" may appear; JSON allows \u003c for '<'
        data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026");
        return template()
                .replace("__TITLE__", escapeHtml(report.result().status().searchId()))
                .replace("__DATA__", data);
    }

    /** Writes the report to {@code file} (parent directories created). */
    public static void write(SearchReport report, Path file) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            Files.writeString(file, render(report), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report to " + file + ": " + e.getMessage(), e);
        }
    }

    static ObjectNode model(SearchReport report) {
        SearchResult result = report.result();
        SearchStatus s = result.status();
        SearchSpec spec = s.spec();
        Objective primary = spec.objectives().get(0);
        ObjectNode m = JSON.createObjectNode();
        m.put("searchId", s.searchId());
        m.put("name", spec.name());
        m.put("strategy", spec.strategy().type());
        m.put("space", spec.space().type());
        m.put("trainer", spec.trainer().type());
        m.put("stopping", spec.stopping() == null ? "none" : spec.stopping().rule());
        ArrayNode objectives = m.putArray("objectives");
        for (Objective o : spec.objectives()) {
            objectives.addObject().put("metric", o.metric())
                    .put("direction", o.direction() == Direction.MINIMIZE ? "minimize" : "maximize");
        }
        m.put("phase", s.phase());
        m.put("evaluations", s.evaluations());
        m.put("completed", s.completed());
        m.put("stoppedEarly", s.stoppedEarly());
        m.put("failed", s.failed());
        m.put("diverged", s.diverged());
        m.put("infeasible", s.infeasible());
        m.put("generations", s.generation() + 1);
        m.put("simSeconds", s.simSeconds());
        m.put("elapsedMillis", s.elapsedMillis());
        m.put("withoutMetrics", Math.max(0, s.evaluations() - result.leaderboard().size()));
        m.put("bestId", s.best() == null ? null : s.best().candidateId());
        m.put("generatedAt", DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
                .withZone(ZoneOffset.UTC).format(report.generatedAt()));
        m.put("source", report.source());
        m.putArray("notes").addAll(report.notes().stream().map(JSON.getNodeFactory()::textNode).toList());
        Set<String> pareto = new HashSet<>();
        ArrayNode paretoIds = m.putArray("paretoIds");
        for (CandidateResult r : result.paretoFront()) {
            pareto.add(r.candidateId());
            paretoIds.add(r.candidateId());
        }
        ArrayNode cands = m.putArray("candidates");
        for (CandidateResult r : result.leaderboard()) {
            ObjectNode c = cands.addObject();
            c.put("id", r.candidateId());
            c.put("generation", r.generation());
            c.put("index", r.index());
            c.put("arch", r.arch());
            c.put("genome", r.genome() == null ? "" : r.genome().toString());
            c.put("outcome", r.outcome().name());
            c.put("epochsTrained", r.epochsTrained());
            c.put("epochsRequested", r.epochsRequested());
            c.put("simSeconds", r.simSeconds());
            c.put("wallMillis", r.wallMillis());
            c.put("pareto", pareto.contains(r.candidateId()));
            Curve curve = report.curves().get(r.candidateId());
            if (curve != null && curve.lastAtMs() > 0) {
                c.put("finishedAt", curve.lastAtMs());
            }
            ObjectNode metrics = c.putObject("metrics");
            r.metrics().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
                if (e.getValue() != null && Double.isFinite(e.getValue())) {
                    metrics.put(e.getKey(), e.getValue());
                }
            });
        }
        ObjectNode curves = m.putObject("curves");
        report.curves().forEach((id, curve) -> {
            ObjectNode c = curves.putObject(id);
            ArrayNode e = c.putArray("e");
            ArrayNode v = c.putArray("v");
            for (int i = 0; i < curve.epochs().size(); i++) {
                double value = curve.values().get(i);
                e.add(curve.epochs().get(i));
                if (Double.isFinite(value)) {
                    v.add(value);
                } else {
                    v.addNull();
                }
            }
        });
        m.put("primaryMetric", primary.metric());
        return m;
    }

    private static String template() {
        try (InputStream in = HtmlReport.class.getClassLoader().getResourceAsStream(TEMPLATE)) {
            if (in == null) {
                throw new IllegalStateException("report template " + TEMPLATE + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String escapeHtml(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(ch);
            }
        }
        return b.toString();
    }

    /** Notes for a report without learning curves, or with an incomplete read. */
    public static List<String> curveNotes(boolean kafkaRead, EpochCurves.Read read) {
        if (!kafkaRead) {
            return List.of("Learning curves: no Kafka given, so only each candidate's final point is drawn (pass "
                    + "--kafka HOST:PORT to read the per-epoch metrics from nasflow.epoch-metrics).");
        }
        if (read.curves().isEmpty()) {
            return List.of("Learning curves: nasflow.epoch-metrics has no epochs of this search (the topic's "
                    + "retention may have dropped them); only final points are drawn.");
        }
        if (!read.complete()) {
            return List.of("Learning curves: the epoch-metrics topic could not be read to its end in time; some "
                    + "curves may be partial.");
        }
        return List.of();
    }
}
