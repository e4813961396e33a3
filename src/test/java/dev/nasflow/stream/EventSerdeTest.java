package dev.nasflow.stream;

import dev.nasflow.model.SearchEventType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class EventSerdeTest {

    static EpochMetric metric() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("validAccuracy", 71.5);
        m.put("trainLoss", 0.83);
        return EpochMetric.of("s1", "s1-g0-c3", 0, 4, 12, m, 1500, 42.5).withTimestamp(1_700_000_000_000L);
    }

    static List<StreamEvent> samples() {
        return List.of(
                metric(),
                StopDecision.of("s1", "s1-g0-c3", 4, 1, "median", "validAccuracy 71.5 < median 80.1", 1_700_000_000_100L,
                        1_700_000_000_000L),
                StopDecision.of("s1", "s1-g0-c4", 2, null, "curve", "predicted final 60 < 0.9 * best", 5, 4),
                SurrogatePrediction.of("s1", "0123456789abcdef", "|nor_conv_3x3~0|+|skip_connect~0|none~1|", 88.2, 1.5,
                        7, new SurrogatePrediction.Quality(0.61, 2.3, 40)),
                SurrogatePrediction.of("s1", "fedcba9876543210", "|none~0|", 10, 0, 0, null),
                SearchEvent.of("s1", SearchEventType.CANDIDATE_FINISHED, "s1-g0-c3", 0,
                        Map.of("outcome", "STOPPED_EARLY", "metrics", Map.of("validAccuracy", 71.5)))
                        .withTimestamp(9),
                SearchEvent.of("s1", SearchEventType.STARTED, null, null, null).withTimestamp(1),
                SurrogatePrediction.ofCandidate("s1", "s1-g0-c3", "fedcba9876543210", "|none~0|", 2, 12,
                        "validAccuracy", 80.5, 1.25, 4, null, 5, 1_700_000_000_000L, 4.5));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    @Test
    void everyEventTypeRoundTrips() {
        for (StreamEvent e : samples()) {
            EventSerde serde = EventSerde.forType(e.getClass());
            byte[] bytes = serde.encode(e);
            Object back = serde.decode(bytes);
            assertEquals(e, back, new String(bytes, StandardCharsets.UTF_8));
        }
    }

    @Test
    void jsonCarriesSchemaVersionAndNoDerivedFields() throws Exception {
        JsonNode n = EventSerde.mapper().readTree(EventSerde.EPOCH_METRIC.encode(metric()));
        assertEquals(1, n.get("schemaVersion").asInt());
        assertEquals("s1-g0-c3", n.get("candidateId").asText());
        assertEquals(71.5, n.get("metrics").get("validAccuracy").asDouble());
        assertFalse(n.has("key"));
        JsonNode d = EventSerde.mapper().readTree(EventSerde.STOP_DECISION.encode(
                StopDecision.of("s", "c", 1, null, "asha", "r", 10, 5)));
        assertFalse(d.has("latencyMs"));
        assertTrue(d.has("rung"));
    }

    /**
     * A candidate prediction carries the degrees of freedom of its Student t distribution as {@code dof}; a normal one
     * (infinite dof) leaves it out, and a record of an earlier build without it reads as normal.
     */
    @Test
    void candidatePredictionsCarryTheirDegreesOfFreedom() throws Exception {
        SurrogatePrediction t = SurrogatePrediction.ofCandidate("s", "c", "h", "a", 2, 12, "validAccuracy", 80, 1, 4,
                null, 5, 10L, 3.25);
        JsonNode n = EventSerde.mapper().readTree(EventSerde.SURROGATE_PREDICTION.encode(t));
        assertEquals(3.25, n.get("dof").asDouble());
        assertEquals(3.25, t.dofOrInfinite());
        SurrogatePrediction normal = SurrogatePrediction.ofCandidate("s", "c", "h", "a", 2, 12, "validAccuracy", 80,
                1, 4, null, 5, 10L);
        assertEquals(Double.POSITIVE_INFINITY, normal.dofOrInfinite());
        com.fasterxml.jackson.databind.node.ObjectNode old = (com.fasterxml.jackson.databind.node.ObjectNode)
                EventSerde.mapper().readTree(EventSerde.SURROGATE_PREDICTION.encode(t));
        old.remove("dof");
        SurrogatePrediction back = EventSerde.SURROGATE_PREDICTION.decode(EventSerde.mapper().writeValueAsBytes(old));
        assertEquals(Double.POSITIVE_INFINITY, back.dofOrInfinite());
        assertThrows(IllegalArgumentException.class, () -> SurrogatePrediction.ofCandidate("s", "c", "h", "a", 2, 12,
                "validAccuracy", 80, 1, 4, null, 5, 10L, 0));
    }

    @Test
    void keysFollowTheContract() {
        assertEquals("s1-g0-c3", metric().key());
        assertEquals("0123456789abcdef", samples().get(3).key());
        assertEquals("s1-g0-c3", samples().get(5).key());
        assertEquals("s1", samples().get(6).key());
    }

    @Test
    void nanAndInfinityMetricsSurvive() {
        EpochMetric m = EpochMetric.of("s", "s-g0-c0", 0, 1, 1,
                Map.of("trainLoss", Double.NaN, "validLoss", Double.POSITIVE_INFINITY), 1, 0).withTimestamp(1);
        EpochMetric back = EventSerde.EPOCH_METRIC.decode(EventSerde.EPOCH_METRIC.encode(m));
        assertTrue(Double.isNaN(back.metric("trainLoss")));
        assertEquals(Double.POSITIVE_INFINITY, back.metric("validLoss"));
        assertTrue(Double.isNaN(back.metric("absent")));
    }

    private static PoisonReason reasonOf(String json) {
        return assertThrows(PoisonRecordException.class,
                () -> EventSerde.EPOCH_METRIC.decode(json == null ? null : json.getBytes(StandardCharsets.UTF_8)))
                .reason();
    }

    private static String metricJson() {
        return new String(EventSerde.EPOCH_METRIC.encode(metric()), StandardCharsets.UTF_8);
    }

    @Test
    void garbageIsNotJson() {
        assertEquals(PoisonReason.NOT_JSON, reasonOf(null));
        assertEquals(PoisonReason.NOT_JSON, reasonOf(""));
        assertEquals(PoisonReason.NOT_JSON, reasonOf("\u0000\u00ff garbage {{"));
        assertEquals(PoisonReason.NOT_JSON, reasonOf("[1,2,3]"));
        assertEquals(PoisonReason.NOT_JSON, reasonOf("42"));
        assertThrows(PoisonRecordException.class,
                () -> EventSerde.EPOCH_METRIC.decode(new byte[] {(byte) 0xC3, (byte) 0x28, 0, 1, 2}));
    }

    @Test
    void schemaVersionIsStrict() {
        assertEquals(PoisonReason.WRONG_SCHEMA_VERSION, reasonOf(metricJson().replace("\"schemaVersion\":1",
                "\"schemaVersion\":99")));
        assertEquals(PoisonReason.WRONG_SCHEMA_VERSION, reasonOf(metricJson().replace("\"schemaVersion\":1",
                "\"schemaVersion\":\"1\"")));
        assertEquals(PoisonReason.MISSING_FIELD, reasonOf(metricJson().replace("\"schemaVersion\":1,", "")));
    }

    @Test
    void missingRequiredFieldsAreNamed() {
        PoisonRecordException e = assertThrows(PoisonRecordException.class, () -> EventSerde.EPOCH_METRIC.decode(
                metricJson().replace("\"epoch\":4,", "").getBytes(StandardCharsets.UTF_8)));
        assertEquals(PoisonReason.MISSING_FIELD, e.reason());
        assertTrue(e.getMessage().contains("epoch"), e.getMessage());
        assertEquals(PoisonReason.MISSING_FIELD, reasonOf(metricJson().replace("\"searchId\":\"s1\"",
                "\"searchId\":null")));
        // optional fields may be absent
        StopDecision d = EventSerde.STOP_DECISION.decode(("{\"schemaVersion\":1,\"searchId\":\"s\","
                + "\"candidateId\":\"c\",\"epoch\":3,\"rule\":\"median\",\"reason\":\"r\",\"decidedAtMs\":2,"
                + "\"metricPublishedAtMs\":1,\"futureField\":true}").getBytes(StandardCharsets.UTF_8));
        assertEquals(null, d.rung());
        SearchEvent se = EventSerde.SEARCH_EVENT.decode(
                "{\"schemaVersion\":1,\"searchId\":\"s\",\"type\":\"COMPLETED\",\"timestamp\":5}"
                        .getBytes(StandardCharsets.UTF_8));
        assertEquals(Map.of(), se.payload());
    }

    @Test
    void wrongTypesAndInvalidValuesAreInvalidField() {
        PoisonRecordException e = assertThrows(PoisonRecordException.class, () -> EventSerde.EPOCH_METRIC.decode(
                metricJson().replace("\"epoch\":4", "\"epoch\":\"four\"").getBytes(StandardCharsets.UTF_8)));
        assertEquals(PoisonReason.INVALID_FIELD, e.reason());
        assertTrue(e.getMessage().contains("epoch"), e.getMessage());
        assertEquals(PoisonReason.INVALID_FIELD, reasonOf(metricJson().replace("\"fidelity\":12",
                "\"fidelity\":0")));
        assertEquals(PoisonReason.INVALID_FIELD, reasonOf(metricJson().replace("\"epoch\":4", "\"epoch\":-1")));
        assertEquals(PoisonReason.INVALID_FIELD, reasonOf(metricJson().replace("\"metrics\":{",
                "\"metrics\":{\"x\":\"not a number\",")));
        PoisonRecordException t = assertThrows(PoisonRecordException.class, () -> EventSerde.SEARCH_EVENT.decode(
                "{\"schemaVersion\":1,\"searchId\":\"s\",\"type\":\"EXPLODED\",\"timestamp\":5}"
                        .getBytes(StandardCharsets.UTF_8)));
        assertEquals(PoisonReason.INVALID_FIELD, t.reason());
    }

    @Test
    void constructorsRejectBadValues() {
        assertThrows(IllegalArgumentException.class,
                () -> new EpochMetric(2, "s", "c", 0, 1, 1, Map.of(), 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> EpochMetric.of(" ", "c", 0, 1, 1, Map.of(), 0, 0));
        assertThrows(IllegalArgumentException.class,
                () -> SurrogatePrediction.of("s", "h", "a", 1, -1, 0, null));
        assertThrows(IllegalArgumentException.class, () -> SearchEvent.of("s", null, null, null, null));
    }

    @Test
    void serdeLookup() {
        assertEquals(EventSerde.EPOCH_METRIC, EventSerde.forTopic("epoch-metrics"));
        assertEquals(EventSerde.SURROGATE_PREDICTION, EventSerde.forTopic(Topics.SURROGATE_PREDICTIONS));
        assertThrows(IllegalArgumentException.class, () -> EventSerde.forTopic("dead-letters"));
        assertEquals(Topics.EPOCH_METRICS, EventSerde.EPOCH_METRIC.topic());
    }
}
