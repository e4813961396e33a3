package dev.nasflow.workflow;

import dev.nasflow.api.SearchWorkflow;
import dev.nasflow.model.CandidateResult;
import dev.nasflow.api.SearchResult;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nasflow.activity.ResultsFile;
import dev.nasflow.activity.SearchActivitiesImpl;
import dev.nasflow.activity.TrainingActivitiesImpl;
import dev.nasflow.activity.TrainingEvents;
import dev.nasflow.train.TableCandidateTrainer;
import dev.nasflow.embedded.TemporalClients;
import dev.nasflow.space.Genome;
import dev.nasflow.spec.SpecValidator;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Warm start through the real search workflow (in-process Temporal test environment, NB201 table trainer): a search
 * warm-started from an earlier one (by id, and from its exported results file) uses the priors — REA's first proposals
 * are mutations of the priors' best — keeps them off its leaderboard and out of its budget, and replays them
 * identically after continue-as-new (async and generational); bad warm starts fail at once naming the field.
 */
class WarmStartWorkflowTest {
    static final String QUEUE = "nasflow-warm-test";
    static final ObjectMapper JSON = TemporalClients.objectMapper();
    /** Results files live under the nasflow home (the working directory in tests), like data. */
    static final Path DIR = Path.of("target", "warm-start-it");

    TestWorkflowEnvironment env;
    WorkflowClient client;

    @BeforeEach
    void setUp() throws Exception {
        Files.createDirectories(DIR);
        env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
                .setWorkflowClientOptions(WorkflowClientOptions.newBuilder()
                        .setDataConverter(TemporalClients.dataConverter()).build())
                .build());
        Worker w = env.newWorker(QUEUE, TemporalClients.workerOptions(8));
        w.registerWorkflowImplementationTypes(SearchWorkflowImpl.class);
        w.registerActivitiesImplementations(
                new TrainingActivitiesImpl(List.of(new TableCandidateTrainer()), TrainingEvents.NONE, null),
                new SearchActivitiesImpl(new SpecValidator(), null, null));
        env.start();
        client = env.getWorkflowClient();
    }

    @AfterEach
    void tearDown() {
        env.close();
    }

    @AfterAll
    static void clean() throws Exception {
        if (Files.isDirectory(DIR)) {
            try (var s = Files.list(DIR)) {
                for (Path p : s.toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    static ObjectNode spec(String name, int evaluations, int population, int maxConcurrent) {
        ObjectNode s = JSON.createObjectNode();
        s.put("name", name);
        s.put("seed", 11);
        s.putObject("space").put("type", "nb201");
        ObjectNode st = s.putObject("strategy");
        st.put("type", "rea");
        st.putObject("params").put("population", 10).put("sampleSize", 3);
        ObjectNode b = s.putObject("budget");
        b.put("evaluations", evaluations);
        b.put("populationSize", population);
        b.put("maxConcurrent", maxConcurrent);
        s.putObject("fidelity").put("epochs", 12);
        s.putObject("trainer").put("type", "nb201");
        s.put("taskQueue", QUEUE);
        return s;
    }

    static ObjectNode warm(ObjectNode s, String field, String... values) {
        var a = s.putObject("warmStart").putArray(field);
        for (String v : values) {
            a.add(v);
        }
        return s;
    }

    void start(String id, JsonNode spec, SearchState state) {
        SearchWorkflow wf = client.newWorkflowStub(SearchWorkflow.class,
                WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(QUEUE).build());
        WorkflowClient.start(wf::run, spec, SearchState.json(state));
    }

    SearchResult result(String id) {
        try {
            return client.newUntypedWorkflowStub(id).getResult(90, TimeUnit.SECONDS, SearchResult.class);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("search " + id + " did not finish", e);
        }
    }

    SearchResult source(String id) {
        start(id, spec("src", 30, 5, 5), null);
        SearchResult r = result(id);
        assertEquals("COMPLETED", r.status().phase());
        return r;
    }

    static int distance(Genome a, Genome b) {
        int d = 0;
        for (int i = 0; i < a.length(); i++) {
            d += a.choice(i) != b.choice(i) ? 1 : 0;
        }
        return d;
    }

    /** Results of a search in candidate order (generation, index). */
    static List<CandidateResult> byCandidate(SearchResult r) {
        List<CandidateResult> l = new ArrayList<>(r.leaderboard());
        l.sort(Comparator.comparingInt(CandidateResult::generation).thenComparingInt(CandidateResult::index));
        return l;
    }

    /**
     * REA's proposals made before any result of its own (the first {@code beforeResults}) are one-decision mutations
     * of the priors' best (the seeded population); priors are not this search's results.
     */
    static void assertUsedPriors(SearchResult src, SearchResult warm, int evaluations, int beforeResults) {
        assertEquals("COMPLETED", warm.status().phase());
        assertEquals(evaluations, warm.status().evaluations(), "priors never count against the budget");
        Set<String> srcArchs = new HashSet<>();
        src.leaderboard().forEach(r -> srcArchs.add(r.arch()));
        for (CandidateResult r : warm.leaderboard()) {
            assertTrue(r.candidateId().startsWith(warm.status().searchId() + "-"), r.candidateId());
            assertFalse(srcArchs.contains(r.arch()), "a prior measured on this task is never evaluated again: "
                    + r.arch());
        }
        List<Genome> top = src.leaderboard().subList(0, 10).stream().map(CandidateResult::genome).toList();
        List<CandidateResult> ordered = byCandidate(warm);
        for (CandidateResult r : ordered.subList(0, beforeResults)) {
            assertTrue(top.stream().anyMatch(p -> distance(p, r.genome()) == 1),
                    r.candidateId() + " " + r.arch() + " is not a mutation of the priors' top 10");
        }
    }

    static boolean loadedPriors(WorkflowClient client, String id) {
        for (HistoryEvent e : client.fetchHistory(id).getEvents()) {
            if (e.getEventType() == EventType.EVENT_TYPE_MARKER_RECORDED
                    && e.getMarkerRecordedEventAttributes().toString().contains("LoadPriors")) {
                return true;
            }
        }
        return false;
    }

    @Test
    void warmStartedFromAnEarlierSearchUsesItsResultsAndKeepsThemAcrossContinueAsNew() {
        SearchResult src = source("src-1");
        // asynchronous (the default), one slot: the order is fixed, so a run that continues as new must match one
        // that does not, candidate for candidate, only if the rebuilt strategy got the same priors first
        ObjectNode s = warm(spec("warm", 16, 4, 1), "searches", "src-1");
        start("warm-plain", s, null);
        start("warm-can", s, SearchState.withHistoryLimit(40));
        SearchResult plain = result("warm-plain");
        SearchResult can = result("warm-can");
        assertUsedPriors(src, plain, 16, 1); // one slot: the second proposal comes after the first result
        assertUsedPriors(src, can, 16, 1);
        assertTrue(can.status().continuedAsNew() > 0, "continued as new");
        assertEquals(byCandidate(plain).stream().map(CandidateResult::arch).toList(),
                byCandidate(can).stream().map(CandidateResult::arch).toList());
        assertTrue(loadedPriors(client, "warm-plain"), "LoadPriors ran as a local activity");
        // a cold search of the same seed proposes random architectures first, not mutations of the priors
        start("cold", spec("cold", 4, 4, 1), null);
        SearchResult cold = result("cold");
        List<Genome> top = src.leaderboard().subList(0, 10).stream().map(CandidateResult::genome).toList();
        assertFalse(cold.leaderboard().stream().allMatch(r -> top.stream().anyMatch(p -> distance(p, r.genome()) == 1)),
                "the cold search's first proposals are random");
    }

    @Test
    void generationalSearchWarmStartsFromAnExportedFileAcrossContinueAsNew() throws Exception {
        SearchResult src = source("src-2");
        Path file = DIR.resolve("src-2.jsonl");
        try (Writer w = Files.newBufferedWriter(file)) {
            assertEquals(30, ResultsFile.write(src, w));
        }
        ObjectNode s = warm(spec("warm", 16, 4, 4), "files", file.toString());
        ((ObjectNode) s.get("budget")).put("scheduling", "generational");
        start("gen-plain", s, null);
        start("gen-can", s, SearchState.withHistoryLimit(40));
        SearchResult plain = result("gen-plain");
        SearchResult can = result("gen-can");
        assertUsedPriors(src, plain, 16, 4); // the whole first generation is proposed before any result
        assertUsedPriors(src, can, 16, 4);
        assertTrue(can.status().continuedAsNew() > 0, "continued as new");
        assertEquals(byCandidate(plain).stream().map(CandidateResult::arch).toList(),
                byCandidate(can).stream().map(CandidateResult::arch).toList());
    }

    @Test
    void priorsOfAnotherDataSetRankOnly() throws Exception {
        SearchResult src = source("src-3");
        Path file = DIR.resolve("src-3-cifar100.jsonl");
        try (Writer w = Files.newBufferedWriter(file)) {
            ResultsFile.write(src, w);
        }
        // the same results, said to be measured on CIFAR-100: another task, so used for ranking only
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.set(0, lines.get(0).replace("\"dataset\":\"cifar10\"", "\"dataset\":\"cifar100\""));
        Files.write(file, lines);
        start("transfer", warm(spec("warm", 12, 4, 1), "files", file.toString()), null);
        SearchResult r = result("transfer");
        assertEquals("COMPLETED", r.status().phase());
        assertEquals(12, r.status().evaluations());
        r.leaderboard().forEach(c -> assertTrue(c.candidateId().startsWith("transfer-"), c.candidateId()));
        // REA (population 10): its initial population is the 10 best priors, evaluated here (this search's results),
        // then mutations of those results
        Set<Genome> priors = new HashSet<>();
        src.leaderboard().forEach(c -> priors.add(c.genome()));
        List<CandidateResult> ordered = byCandidate(r);
        List<Genome> initial = ordered.subList(0, 10).stream().map(CandidateResult::genome).toList();
        assertEquals(10, new HashSet<>(initial).size());
        initial.forEach(g -> assertTrue(priors.contains(g), "the initial population is evaluated priors: " + g));
        assertTrue(initial.contains(src.leaderboard().get(0).genome()), "the best prior is evaluated");
        // each child is one mutation from a candidate evaluated before it: a prior of the initial population or,
        // when an earlier child finished before it was bred (asynchronous selection), that child
        for (int i = 10; i < 12; i++) {
            CandidateResult c = ordered.get(i);
            assertTrue(ordered.subList(0, i).stream().anyMatch(p -> distance(p.genome(), c.genome()) == 1),
                    c.arch() + " is one mutation from an earlier candidate");
        }
        assertEquals(30, r.status().warmStart().priors());
        assertEquals(30, r.status().warmStart().transferred());
        // continued as new mid-way through the evaluated priors, the rebuilt strategy proposes the same candidates
        start("transfer-can", warm(spec("warm", 12, 4, 1), "files", file.toString()), SearchState.withHistoryLimit(30));
        SearchResult can = result("transfer-can");
        assertTrue(can.status().continuedAsNew() > 0, "continued as new");
        assertEquals(ordered.stream().map(CandidateResult::arch).toList(),
                byCandidate(can).stream().map(CandidateResult::arch).toList());
    }

    ApplicationFailure failure(String id, JsonNode spec) {
        start(id, spec, null);
        WorkflowFailedException e = assertThrows(WorkflowFailedException.class, () -> result(id));
        ApplicationFailure af = assertInstanceOf(ApplicationFailure.class, e.getCause());
        assertEquals("InvalidSearchSpec", af.getType());
        return af;
    }

    @Test
    void badWarmStartsFailAtOnceNamingTheField() throws Exception {
        String m = failure("bad-1", warm(spec("warm", 8, 4, 4), "searches", "no-such-search")).getOriginalMessage();
        assertTrue(m.contains("warmStart.searches[0]") && m.contains("no search 'no-such-search'"), m);
        assertTrue(m.contains("fix:"), m);

        m = failure("bad-2", warm(spec("warm", 8, 4, 4), "searches", "bad-2")).getOriginalMessage();
        assertTrue(m.contains("warmStart.searches[0]") && m.contains("this search itself"), m);

        m = failure("bad-3", warm(spec("warm", 8, 4, 4), "files", "target/warm-start-it/missing.jsonl"))
                .getOriginalMessage();
        assertTrue(m.contains("warmStart.files[0]") && m.contains("does not exist"), m);

        Path garbled = DIR.resolve("garbled.jsonl");
        Files.writeString(garbled, "{\"nasflowResults\":1,\"spaceId\":\"nb201\",\"spaceSize\":\"15625\"}\nnot json\n");
        m = failure("bad-4", warm(spec("warm", 8, 4, 4), "files", garbled.toString())).getOriginalMessage();
        assertTrue(m.contains("warmStart.files[0]") && m.contains("line 2") && m.contains("invalid JSON"), m);

        Path otherSpace = DIR.resolve("other-space.jsonl");
        Files.writeString(otherSpace, "{\"nasflowResults\":1,\"spaceId\":\"cell(nodes=3)\",\"spaceSize\":\"125\"}\n");
        m = failure("bad-5", warm(spec("warm", 8, 4, 4), "files", otherSpace.toString())).getOriginalMessage();
        assertTrue(m.contains("warmStart.files[0]") && m.contains("space 'cell(nodes=3)'")
                && m.contains("this search's space is 'nb201'"), m);

        Path notResults = DIR.resolve("not-results.jsonl");
        Files.writeString(notResults, "{\"hello\":1}\n");
        m = failure("bad-6", warm(spec("warm", 8, 4, 4), "files", notResults.toString())).getOriginalMessage();
        assertTrue(m.contains("warmStart.files[0]") && m.contains("not a nasflow results file"), m);

        Path badArch = DIR.resolve("bad-arch.jsonl");
        Files.writeString(badArch, "{\"nasflowResults\":1,\"spaceId\":\"nb201\",\"spaceSize\":\"15625\"}\n"
                + "{\"arch\":\"|conv_9x9~0|\",\"epochs\":12,\"outcome\":\"COMPLETED\",\"metrics\":{}}\n");
        m = failure("bad-7", warm(spec("warm", 8, 4, 4), "files", badArch.toString())).getOriginalMessage();
        assertTrue(m.contains("warmStart.files[0]") && m.contains("line 2") && m.contains("not an architecture"), m);

        m = failure("bad-8", warm(spec("warm", 8, 4, 4), "files", "../outside.jsonl")).getOriginalMessage();
        assertTrue(m.contains("/warmStart/files/0") && m.contains(".."), m);

        ObjectNode empty = spec("warm", 8, 4, 4);
        empty.putObject("warmStart").put("top", 5);
        m = failure("bad-9", empty).getOriginalMessage();
        assertTrue(m.contains("/warmStart") && m.contains("names no prior results"), m);
    }
}
