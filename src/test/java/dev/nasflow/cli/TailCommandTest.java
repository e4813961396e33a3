package dev.nasflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nasflow.embedded.SharedKafka;
import dev.nasflow.stream.EpochMetric;
import dev.nasflow.stream.EventSerde;
import dev.nasflow.stream.KafkaClients;
import dev.nasflow.stream.KafkaSettings;
import dev.nasflow.stream.MetricsPublisher;
import dev.nasflow.stream.TopicSettings;
import dev.nasflow.stream.Topics;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

@ExtendWith(SharedKafka.class)
class TailCommandTest {

    record Result(int exit, String out, String err) {
        List<String> lines() {
            return out.lines().filter(l -> !l.isBlank()).toList();
        }
    }

    static Result run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void printsOneJsonLinePerRecordWithKeyValueAndHeaders() throws Exception {
        String topic = "tail-test-" + UUID.randomUUID().toString().substring(0, 8);
        KafkaClients clients = new KafkaClients(KafkaSettings.of(SharedKafka.bootstrapServers()));
        EpochMetric m = EpochMetric.of("s", "s-g0-c1", 0, 2, 4, Map.of("validAccuracy", 60.0), 7, 3.0)
                .withTimestamp(123);
        try (Producer<byte[], byte[]> p = clients.producer("tail-test")) {
            for (int i = 0; i < 3; i++) {
                p.send(new ProducerRecord<>(topic, "s-g0-c1".getBytes(StandardCharsets.UTF_8),
                        EventSerde.EPOCH_METRIC.encode(m))).get(30, TimeUnit.SECONDS);
            }
            RecordHeaders h = new RecordHeaders();
            h.add("why", "test".getBytes(StandardCharsets.UTF_8));
            p.send(new ProducerRecord<>(topic, (Integer) null, (byte[]) null, new byte[] {(byte) 0xff, 0, 1}, h))
                    .get(30, TimeUnit.SECONDS);
        }
        Result r = run("tail", topic, "--from-beginning", "--max", "4", "--timeout", "60s",
                "--kafka", SharedKafka.bootstrapServers());
        assertEquals(0, r.exit(), r.err());
        assertEquals(4, r.lines().size(), r.out());
        for (int i = 0; i < 3; i++) {
            JsonNode n = EventSerde.mapper().readTree(r.lines().get(i));
            assertEquals(topic, n.get("topic").asText());
            assertEquals(i, n.get("offset").asLong());
            assertEquals("s-g0-c1", n.get("key").asText());
            assertEquals(m, EventSerde.mapper().treeToValue(n.get("value"), EpochMetric.class));
        }
        JsonNode last = EventSerde.mapper().readTree(r.lines().get(3));
        assertTrue(last.get("key").isNull());
        assertEquals("/wAB", last.get("valueBase64").asText());
        assertEquals("test", last.get("headers").get("why").asText());
    }

    @Test
    void shortNamesWork() throws Exception {
        KafkaClients clients = new KafkaClients(KafkaSettings.of(SharedKafka.bootstrapServers()));
        clients.ensureTopics(TopicSettings.defaults());
        try (MetricsPublisher pub = clients.publisher("tail-short")) {
            pub.publish(EpochMetric.of("tail", "tail-g0-c0", 0, 1, 1, Map.of(), 1, 0)).get(30, TimeUnit.SECONDS);
        }
        Result r = run("tail", "epoch-metrics", "--from-beginning", "--max", "1", "--timeout", "60s",
                "--kafka", SharedKafka.bootstrapServers());
        assertEquals(0, r.exit(), r.err());
        assertEquals(1, r.lines().size(), r.out());
        assertEquals(Topics.EPOCH_METRICS, EventSerde.mapper().readTree(r.lines().get(0)).get("topic").asText());
    }

    @Test
    void timeoutEndsAnIdleTail() {
        long t0 = System.nanoTime();
        Result r = run("tail", "tail-empty-" + UUID.randomUUID(), "--timeout", "1500ms",
                "--kafka", SharedKafka.bootstrapServers());
        assertEquals(0, r.exit(), r.err());
        assertEquals(List.of(), r.lines());
        assertTrue(r.err().contains("does not exist yet"), r.err());
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(30));
    }

    @Test
    void badArgumentsAreExplained() {
        Result unreachable = run("tail", "epoch-metrics", "--kafka", "127.0.0.1:1", "--timeout", "1s");
        assertEquals(ExitCodes.UNREACHABLE, unreachable.exit());
        assertTrue(unreachable.err().contains("cannot reach the Kafka broker at 127.0.0.1:1"), unreachable.err());
        Result badKafka = run("tail", "epoch-metrics", "--kafka", "nohostport");
        assertEquals(2, badKafka.exit());
        assertTrue(badKafka.err().contains("--kafka"), badKafka.err());
        Result badMax = run("tail", "epoch-metrics", "--kafka", "h:1", "--max", "0");
        assertEquals(2, badMax.exit());
        assertTrue(badMax.err().contains("--max"), badMax.err());
        Result badTimeout = run("tail", "epoch-metrics", "--timeout", "soon");
        assertEquals(2, badTimeout.exit());
        assertTrue(badTimeout.err().contains("not a duration"), badTimeout.err());
        Assumptions.assumeTrue(System.getenv(KafkaSettings.ENV_BOOTSTRAP) == null
                && System.getenv(KafkaSettings.ENV_PROPERTIES) == null);
        Result noKafka = run("tail", "epoch-metrics");
        assertEquals(2, noKafka.exit());
        assertTrue(noKafka.err().contains("--kafka HOST:PORT"), noKafka.err());
    }

    @Test
    void durations() {
        TailCommand.DurationConverter c = new TailCommand.DurationConverter();
        assertEquals(Duration.ofMillis(500), c.convert("500ms"));
        assertEquals(Duration.ofSeconds(30), c.convert("30s"));
        assertEquals(Duration.ofSeconds(30), c.convert("30"));
        assertEquals(Duration.ofMillis(1500), c.convert("1.5s"));
        assertEquals(Duration.ofMinutes(2), c.convert("2m"));
        assertEquals(Duration.ofHours(1), c.convert("1h"));
        assertEquals(Duration.ofSeconds(45), c.convert("PT45S"));
        assertThrows(CommandLine.TypeConversionException.class, () -> c.convert("later"));
    }
}
