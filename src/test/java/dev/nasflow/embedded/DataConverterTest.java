package dev.nasflow.embedded;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nasflow.embedded.TestFlows.Job;
import dev.nasflow.space.Genome;
import dev.nasflow.model.Direction;
import dev.nasflow.model.Objective;
import dev.nasflow.strategy.Observation;
import dev.nasflow.model.Outcome;
import dev.nasflow.strategy.Proposal;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DataConverterException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataConverterTest {
    private final DataConverter converter = TemporalClients.dataConverter();

    /** A record nested in records, with java.time, Optional and an enum. */
    public record Nested(Instant at, Duration took, Optional<Integer> maybe, Direction direction, List<Genome> genomes) {
    }

    /** A plain record without any Jackson annotation. */
    public record Point(double x, double y) {
    }

    /** A plain class with a constructor and no annotations (needs parameter names). */
    public static final class Plain {
        private final String name;
        private final int size;

        public Plain(String name, int size) {
            this.name = name;
            this.size = size;
        }

        public String name() {
            return name;
        }

        public int size() {
            return size;
        }
    }

    private <T> T roundTrip(T value, Class<T> type) {
        Payload p = converter.toPayload(value).orElseThrow();
        assertEquals("json/plain", p.getMetadataOrThrow("encoding").toStringUtf8());
        return converter.fromPayload(p, type, type);
    }

    @Test
    void genomeRoundTripsAsPlainJson() {
        Genome g = new Genome("nb201", new int[]{0, 1, 2, 3, 4, 0});
        Payload p = converter.toPayload(g).orElseThrow();
        assertEquals("{\"space\":\"nb201\",\"choices\":[0,1,2,3,4,0]}", p.getData().toStringUtf8());
        assertEquals(g, converter.fromPayload(p, Genome.class, Genome.class));
    }

    @Test
    void recordsRoundTrip() {
        Job job = new Job("j", 3, 0, new Genome("nb201", new int[]{1, 1, 1, 1, 1, 1}), Optional.of("n"),
                Map.of("validAccuracy", 90.0), List.of(1, 2));
        assertEquals(job, roundTrip(job, Job.class));
        Job empty = new Job("j", 3, 0, null, Optional.empty(), Map.of(), List.of());
        assertEquals(empty, roundTrip(empty, Job.class));

        Nested n = new Nested(Instant.parse("2026-01-02T03:04:05.123Z"), Duration.ofMillis(1500), Optional.of(7),
                Direction.MINIMIZE, List.of(new Genome("x", new int[]{2})));
        assertEquals(n, roundTrip(n, Nested.class));
        assertEquals(new Point(1.5, -2), roundTrip(new Point(1.5, -2), Point.class));

        Plain plain = roundTrip(new Plain("a", 4), Plain.class);
        assertEquals("a", plain.name());
        assertEquals(4, plain.size());
    }

    @Test
    void projectContractsRoundTrip() {
        Genome g = new Genome("nb201", new int[]{1, 2, 3, 4, 0, 1});
        Observation o = new Observation(g, 12, Map.of("validAccuracy", 88.5, "simSeconds", 1234.0),
                Outcome.STOPPED_EARLY);
        assertEquals(o, roundTrip(o, Observation.class));
        Proposal pr = new Proposal(g, 200);
        assertEquals(pr, roundTrip(pr, Proposal.class));
        Objective obj = new Objective("validAccuracy", Direction.MAXIMIZE);
        assertEquals(obj, roundTrip(obj, Objective.class));
    }

    @Test
    void readsJsonWrittenByHandAsTheTemporalCliSendsIt() throws Exception {
        String json = "{\"name\":\"cli\",\"steps\":2,\"timerMillis\":0,"
                + "\"genome\":{\"space\":\"nb201\",\"choices\":[1,2,3,4,0,1]},"
                + "\"metrics\":{\"a\":1.0},\"xs\":[5]}";
        Payload p = Payload.newBuilder()
                .putMetadata("encoding", com.google.protobuf.ByteString.copyFromUtf8("json/plain"))
                .setData(com.google.protobuf.ByteString.copyFrom(json, StandardCharsets.UTF_8)).build();
        Job job = converter.fromPayload(p, Job.class, Job.class);
        assertEquals(new Genome("nb201", new int[]{1, 2, 3, 4, 0, 1}), job.genome());
        assertEquals(Optional.empty(), job.note(), "absent Optional reads as empty");
        ObjectMapper m = TemporalClients.objectMapper();
        assertEquals(job, m.readValue(m.writeValueAsString(job), Job.class));
        assertArrayEquals(new int[]{1, 2, 3, 4, 0, 1}, job.genome().choices());
        assertTrue(m != TemporalClients.objectMapper(), "objectMapper() hands out copies");
    }

    /**
     * Unknown fields are rejected (Jackson default). In a workflow this fails the workflow TASK (retried, the workflow
     * stays open) rather than the workflow: input that may come from people (the temporal CLI) should be taken as a
     * JsonNode/String and validated in code, so the workflow can fail fast with a clear message.
     */
    @Test
    void unknownFieldsAreRejected() {
        Payload p = Payload.newBuilder()
                .putMetadata("encoding", com.google.protobuf.ByteString.copyFromUtf8("json/plain"))
                .setData(com.google.protobuf.ByteString.copyFromUtf8("{\"x\":1,\"y\":2,\"z\":3}")).build();
        DataConverterException e = assertThrows(DataConverterException.class,
                () -> converter.fromPayload(p, Point.class, Point.class));
        assertTrue(e.getMessage().contains("\"z\""), e.getMessage());
        com.fasterxml.jackson.databind.JsonNode node = converter.fromPayload(p,
                com.fasterxml.jackson.databind.JsonNode.class, com.fasterxml.jackson.databind.JsonNode.class);
        assertEquals(3, node.get("z").asInt(), "JsonNode input accepts anything, for validation in code");
    }
}
