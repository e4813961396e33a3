package dev.nasflow.stream;

import dev.nasflow.model.SearchEventType;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A search lifecycle event, on {@link Topics#SEARCH_EVENTS} (key = candidate id when there is one, else search id).
 *
 * @param schemaVersion always {@link StreamEvent#SCHEMA_VERSION}
 * @param searchId      the search
 * @param type          what happened
 * @param candidateId   the candidate, for candidate events; else null
 * @param generation    the generation, when the event belongs to one; else null
 * @param payload       details (e.g. a finished candidate's outcome and metrics); never null (empty if none)
 * @param timestamp     publication time, epoch milliseconds, set by the publisher (0 = not yet published)
 */
public record SearchEvent(int schemaVersion, String searchId, SearchEventType type, String candidateId,
                          Integer generation, Map<String, Object> payload, long timestamp) implements StreamEvent {

    public SearchEvent {
        StreamEvent.checkSchemaVersion(schemaVersion);
        StreamEvent.requireText(searchId, "searchId");
        if (type == null) {
            throw new IllegalArgumentException("type must be one of " + java.util.Arrays.toString(
                    SearchEventType.values()));
        }
        if (candidateId != null && candidateId.isBlank()) {
            throw new IllegalArgumentException("candidateId must be null or non-empty");
        }
        if (generation != null && generation < 0) {
            throw new IllegalArgumentException("generation must be >= 0 when given, got " + generation);
        }
        payload = payload == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(payload));
        StreamEvent.requireNonNegative(timestamp, "timestamp");
    }

    public static SearchEvent of(String searchId, SearchEventType type, String candidateId, Integer generation,
                                 Map<String, Object> payload) {
        return new SearchEvent(SCHEMA_VERSION, searchId, type, candidateId, generation, payload, 0L);
    }

    public SearchEvent withTimestamp(long epochMillis) {
        return new SearchEvent(schemaVersion, searchId, type, candidateId, generation, payload, epochMillis);
    }

    @Override
    public String key() {
        return candidateId != null ? candidateId : searchId;
    }
}
