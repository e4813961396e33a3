package dev.nasflow.stream;

import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes consumed records and deals with the ones that cannot be decoded ("poison"): they are skipped, counted per
 * {@link PoisonReason}, and copied unchanged (key, value, original headers) to {@link Topics#DEAD_LETTERS} with
 * headers saying where they came from and why. Thread-safe.
 *
 * <p>Dead-letter copies are sent asynchronously; call {@link #flush()} before committing the consumer's offsets so a
 * committed poison record always has its copy.
 */
public final class PoisonHandler {
    /** Header: topic the record was read from. */
    public static final String HEADER_TOPIC = "nasflow.dlt.topic";
    /** Header: its partition (decimal). */
    public static final String HEADER_PARTITION = "nasflow.dlt.partition";
    /** Header: its offset (decimal). */
    public static final String HEADER_OFFSET = "nasflow.dlt.offset";
    /** Header: its timestamp, epoch ms (decimal). */
    public static final String HEADER_TIMESTAMP = "nasflow.dlt.timestamp";
    /** Header: the {@link PoisonReason} name. */
    public static final String HEADER_REASON = "nasflow.dlt.reason";
    /** Header: the decoding error message. */
    public static final String HEADER_ERROR = "nasflow.dlt.error";

    private static final Logger log = LoggerFactory.getLogger(PoisonHandler.class);
    private static final int MAX_ERROR_CHARS = 1000;

    private final Producer<byte[], byte[]> producer;
    private final String deadLetterTopic;
    private final Map<PoisonReason, AtomicLong> counts = new EnumMap<>(PoisonReason.class);
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicLong deadLetterFailures = new AtomicLong();
    private final AtomicReference<Exception> lastDeadLetterError = new AtomicReference<>();

    /** Copies poison records to {@link Topics#DEAD_LETTERS} through {@code producer} (not closed by this class). */
    public PoisonHandler(Producer<byte[], byte[]> producer) {
        this(producer, Topics.DEAD_LETTERS);
    }

    /**
     * @param producer        producer for the copies (not closed by this class); null = count and skip only
     * @param deadLetterTopic where the copies go
     */
    public PoisonHandler(Producer<byte[], byte[]> producer, String deadLetterTopic) {
        this.producer = producer;
        this.deadLetterTopic = Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
        for (PoisonReason r : PoisonReason.values()) {
            counts.put(r, new AtomicLong());
        }
    }

    /**
     * Decodes the value of {@code record} with {@code serde}; returns null when it is poison (after counting it and
     * sending its dead-letter copy).
     */
    public <T extends StreamEvent> T decode(ConsumerRecord<byte[], byte[]> record, EventSerde<T> serde) {
        try {
            return serde.decode(record.value());
        } catch (PoisonRecordException e) {
            handle(record, e.reason(), e.getMessage());
            return null;
        }
    }

    /** Counts {@code record} as poison for {@code reason} and sends its dead-letter copy. */
    public void handle(ConsumerRecord<byte[], byte[]> record, PoisonReason reason, String error) {
        counts.get(reason).incrementAndGet();
        log.warn("skipping poison record {}-{}@{} ({}): {}", record.topic(), record.partition(), record.offset(),
                reason, error);
        if (producer == null) {
            return;
        }
        RecordHeaders headers = new RecordHeaders();
        for (Header h : record.headers()) {
            headers.add(h);
        }
        headers.add(HEADER_TOPIC, utf8(record.topic()));
        headers.add(HEADER_PARTITION, utf8(Integer.toString(record.partition())));
        headers.add(HEADER_OFFSET, utf8(Long.toString(record.offset())));
        headers.add(HEADER_TIMESTAMP, utf8(Long.toString(record.timestamp())));
        headers.add(HEADER_REASON, utf8(reason.name()));
        String msg = error == null ? "" : error;
        headers.add(HEADER_ERROR, utf8(msg.length() > MAX_ERROR_CHARS ? msg.substring(0, MAX_ERROR_CHARS) : msg));
        ProducerRecord<byte[], byte[]> copy = new ProducerRecord<>(deadLetterTopic, null, record.key(),
                record.value(), headers);
        try {
            producer.send(copy, (md, ex) -> {
                if (ex == null) {
                    deadLettered.incrementAndGet();
                } else {
                    deadLetterFailed(record, ex);
                }
            });
        } catch (RuntimeException ex) {
            deadLetterFailed(record, ex);
        }
    }

    /** Waits until every dead-letter copy sent so far is acknowledged (or failed). */
    public void flush() {
        if (producer != null) {
            producer.flush();
        }
    }

    /** Poison records seen for {@code reason}. */
    public long count(PoisonReason reason) {
        return counts.get(reason).get();
    }

    /** A live view of {@link #count(PoisonReason)} (for a gauge or function counter). */
    public LongSupplier counter(PoisonReason reason) {
        AtomicLong c = counts.get(reason);
        return c::get;
    }

    /** Poison records seen, all reasons. */
    public long total() {
        return counts.values().stream().mapToLong(AtomicLong::get).sum();
    }

    /** A snapshot of the counts per reason. */
    public Map<PoisonReason, Long> counts() {
        Map<PoisonReason, Long> m = new EnumMap<>(PoisonReason.class);
        counts.forEach((r, c) -> m.put(r, c.get()));
        return m;
    }

    /** Dead-letter copies acknowledged by the broker. */
    public long deadLettered() {
        return deadLettered.get();
    }

    /** Dead-letter copies that could not be written. */
    public long deadLetterFailures() {
        return deadLetterFailures.get();
    }

    public String deadLetterTopic() {
        return deadLetterTopic;
    }

    private void deadLetterFailed(ConsumerRecord<byte[], byte[]> record, Exception ex) {
        deadLetterFailures.incrementAndGet();
        lastDeadLetterError.set(ex);
        log.error("cannot copy poison record {}-{}@{} to {}: {}", record.topic(), record.partition(),
                record.offset(), deadLetterTopic, ex.toString());
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
