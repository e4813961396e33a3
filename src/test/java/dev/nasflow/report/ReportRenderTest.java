package dev.nasflow.report;

import dev.nasflow.metrics.ExternalTools;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The report renders in a real browser: headless Chromium (Debian {@code chromium}) loads the file, runs its script,
 * and the DOM it dumps has drawn SVG (non-empty paths and circles) in every chart; a screenshot is saved as
 * {@code target/report.png}.
 */
@Tag("chromium")
class ReportRenderTest {
    static final List<String> CHARTS = List.of("chart-best-evals", "chart-best-time", "chart-curves",
            "chart-generations", "chart-pareto");
    private static final Path TARGET = Path.of("target").toAbsolutePath();

    static Path chromium() {
        return ExternalTools.require("CHROMIUM_BIN", "apt-get install -y chromium", "chromium", "chromium-browser",
                "google-chrome");
    }

    static List<String> flags(Path profile) {
        return List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile);
    }

    /** The DOM after the page's scripts ran. */
    static String dumpDom(Path chromium, Path html, Path profile) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(chromium.toString()));
        cmd.addAll(flags(profile));
        cmd.add("--dump-dom");
        cmd.add(html.toUri().toString());
        ExternalTools.Run r = ExternalTools.run(null, 90, cmd.toArray(String[]::new));
        assertEquals(0, r.exitCode(), "chromium --dump-dom:\n" + r.output());
        return r.output();
    }

    static void screenshot(Path chromium, Path html, Path png, Path profile) throws Exception {
        Files.deleteIfExists(png);
        List<String> cmd = new ArrayList<>(List.of(chromium.toString()));
        cmd.addAll(flags(profile));
        cmd.add("--hide-scrollbars");
        cmd.add("--window-size=1400,2000");
        cmd.add("--screenshot=" + png);
        cmd.add(html.toUri().toString());
        ExternalTools.Run r = ExternalTools.run(null, 90, cmd.toArray(String[]::new));
        assertEquals(0, r.exitCode(), "chromium --screenshot:\n" + r.output());
        assertTrue(Files.size(png) > 20_000, "screenshot " + png + " has content (" + Files.size(png) + " bytes)");
        byte[] head = Files.readAllBytes(png);
        assertEquals((byte) 0x89, head[0]);
        assertEquals('P', head[1], "PNG");
    }

    /** The markup of one figure of the dumped DOM. */
    static String figure(String dom, String id) {
        int start = dom.indexOf("id=\"" + id + "\"");
        assertTrue(start >= 0, id + " missing from the DOM");
        int end = dom.indexOf("</figure>", start);
        return dom.substring(start, end);
    }

    static int count(String markup, String regex) {
        Matcher m = Pattern.compile(regex).matcher(markup);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    /** Asserts that every chart drew SVG shapes; returns the dumped DOM. */
    static String assertChartsDrawn(Path chromium, Path html, Path profile, int candidates) throws Exception {
        String dom = dumpDom(chromium, html, profile);
        assertTrue(dom.contains("data-rendered=\"true\""), "the report's script ran to its end:\n"
                + dom.substring(0, Math.min(2000, dom.length())));
        for (String chart : CHARTS) {
            String fig = figure(dom, chart);
            int paths = count(fig, "<path[^>]* d=\"M[^\"]+\"");
            int circles = count(fig, "<circle[^>]* c[xy]=\"[0-9.]+\"");
            int rects = count(fig, "<rect[^>]* height=\"[0-9.]+\"");
            System.out.printf("[report render] %-18s paths=%d circles=%d boxes=%d%n", chart, paths, circles, rects);
            assertTrue(fig.contains("<svg"), chart + " has an SVG");
            assertTrue(paths + circles > 0, chart + " drew nothing:\n" + fig);
            assertTrue(circles > 0, chart + " has points");
        }
        int rows = count(dom.substring(dom.indexOf("id=\"leaderboard\"")), "<tr class=\"[^\"]*\">");
        assertEquals(candidates, rows, "leaderboard rows");
        return dom;
    }

    @Test
    void chartsRenderInHeadlessChromiumWithLearningCurves(@TempDir Path profile) throws Exception {
        Path chromium = chromium();
        Files.createDirectories(TARGET);
        Path html = TARGET.resolve("report-test.html");
        ReportFixtures.Fixture f = ReportFixtures.search("render-test", ReportFixtures.ONE_OBJECTIVE);
        HtmlReport.write(f.report(true), html);
        String dom = assertChartsDrawn(chromium, html, profile, 32);
        String curves = figure(dom, "chart-curves");
        assertEquals(32, count(curves, "<path[^>]* class=\"curve[^\"]*\""), "one curve per candidate");
        assertTrue(count(curves, "class=\"curve stopped\"") > 0, "early-stopped curves are greyed");
        assertTrue(count(figure(dom, "chart-generations"), "<rect[^>]* class=\"box\"") == 4, "a box per generation");
        assertTrue(count(figure(dom, "chart-pareto"), "class=\"pt front\"") > 0, "Pareto front points");
        assertTrue(figure(dom, "chart-best-evals").contains("class=\"best\""), "best-so-far line");
        Path png = TARGET.resolve("report.png");
        screenshot(chromium, html, png, profile);
        System.out.println("[report render] screenshot " + png + " (" + Files.size(png) + " bytes)");
    }

    @Test
    void withoutCurvesTheFinalPointsAreDrawn(@TempDir Path profile) throws Exception {
        Path chromium = chromium();
        Path html = profile.resolve("report-final-points.html");
        HtmlReport.write(ReportFixtures.search("render-nocurves", ReportFixtures.TWO_OBJECTIVES).report(false), html);
        String dom = assertChartsDrawn(chromium, html.toAbsolutePath(), profile.resolve("profile"), 32);
        String curves = figure(dom, "chart-curves");
        assertEquals(0, count(curves, "class=\"curve"), "no curves without Kafka");
        assertTrue(count(curves, "<circle") >= 32, "a final point per candidate");
        assertTrue(dom.contains("Final points only"), "the report says so");
    }
}
