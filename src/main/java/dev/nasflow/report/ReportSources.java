package dev.nasflow.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nasflow.embedded.TemporalClients;
import dev.nasflow.api.SearchResult;
import dev.nasflow.api.SearchWorkflow;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowStub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where a report's search result comes from: the Temporal server that ran the search, or a saved JSON file. */
public final class ReportSources {
    private static final ObjectMapper JSON = TemporalClients.objectMapper();

    private ReportSources() {
    }

    /** A search result and how it was obtained. */
    public record Fetched(SearchResult result, String how) {
    }

    /**
     * The search's result from Temporal. A completed search answers from its history (no worker needed); a running,
     * failed or terminated one through the workflow's {@code status}, {@code leaderboard} and {@code paretoFront}
     * queries, which need a worker of the search's task queue to be up.
     *
     * @throws IllegalArgumentException when the server has no such search
     * @throws IllegalStateException    when the queries get no answer (no worker), naming the fix
     */
    public static Fetched fromTemporal(WorkflowClient client, String searchId) {
        WorkflowStub stub = client.newUntypedWorkflowStub(searchId);
        WorkflowExecutionStatus status;
        try {
            status = stub.describe().getStatus();
        } catch (WorkflowNotFoundException e) {
            throw new IllegalArgumentException("no search '" + searchId + "' on this Temporal server (namespace "
                    + client.getOptions().getNamespace() + "): check the id (nasflow search start prints it) and "
                    + "--temporal/--namespace", e);
        } catch (io.grpc.StatusRuntimeException e) {
            if (e.getStatus().getCode() == io.grpc.Status.Code.NOT_FOUND) {
                throw new IllegalArgumentException("no search '" + searchId + "' on this Temporal server: check the "
                        + "id and --temporal/--namespace", e);
            }
            throw e;
        }
        if (status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED) {
            return new Fetched(stub.getResult(SearchResult.class), "Temporal (result of the completed search)");
        }
        try {
            SearchWorkflow wf = client.newWorkflowStub(SearchWorkflow.class, searchId);
            SearchResult r = wf.snapshot(); // compact above 1,000 results: fits the payload limit
            String state = status.name().replace("WORKFLOW_EXECUTION_STATUS_", "").toLowerCase(java.util.Locale.ROOT);
            return new Fetched(r, "Temporal (queries of the " + state + " search)");
        } catch (RuntimeException e) {
            throw new IllegalStateException("search '" + searchId + "' is " + status + " and did not answer the "
                    + "status query (" + e.getMessage() + "): start a worker of its task queue (nasflow worker "
                    + "--temporal ...) and try again, or use --from-json with a saved result", e);
        }
    }

    /** A search result saved as JSON ({@link #save} or {@code nasflow report --save-json}). */
    public static SearchResult fromJson(Path file) {
        try {
            SearchResult r = JSON.readValue(Files.readString(file), SearchResult.class);
            if (r == null || r.status() == null || r.status().spec() == null) {
                throw new IllegalArgumentException("--from-json " + file + " is not a saved search result: it needs "
                        + "status (with the spec), leaderboard and paretoFront (nasflow report ID --save-json FILE "
                        + "writes one)");
            }
            return r;
        } catch (IOException e) {
            if (e instanceof com.fasterxml.jackson.core.JsonProcessingException j) {
                throw new IllegalArgumentException("--from-json " + file + " is not a saved search result ("
                        + j.getOriginalMessage() + "): nasflow report ID --save-json FILE writes one", e);
            }
            throw new UncheckedIOException("--from-json " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** Saves a search result as JSON, readable by {@link #fromJson}. */
    public static void save(SearchResult result, Path file) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
