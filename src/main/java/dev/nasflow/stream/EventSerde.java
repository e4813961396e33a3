package dev.nasflow.stream;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * JSON encoding of one event type, strict when decoding: the value must be a JSON object with {@code schemaVersion}
 * equal to {@link StreamEvent#SCHEMA_VERSION} and every required field present and non-null; otherwise
 * {@link #decode(byte[])} throws a {@link PoisonRecordException} naming the reason and the field. Unknown fields
 * are ignored (additive changes stay within schema version 1).
 *
 * <p>Also a Kafka {@link Serializer}/{@link Deserializer}; consumers should rather read bytes and decode through
 * {@link PoisonHandler} so that a bad record is skipped instead of blocking the partition.
 */
public final class EventSerde<T extends StreamEvent> implements Serializer<T>, Deserializer<T> {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    public static final EventSerde<EpochMetric> EPOCH_METRIC = new EventSerde<>(EpochMetric.class,
            Topics.EPOCH_METRICS, List.of("schemaVersion", "searchId", "candidateId", "generation", "epoch",
            "fidelity", "metrics", "wallTimeMs", "simSeconds", "timestamp"));
    public static final EventSerde<StopDecision> STOP_DECISION = new EventSerde<>(StopDecision.class,
            Topics.STOP_DECISIONS, List.of("schemaVersion", "searchId", "candidateId", "epoch", "rule", "reason",
            "decidedAtMs", "metricPublishedAtMs"));
    public static final EventSerde<SurrogatePrediction> SURROGATE_PREDICTION = new EventSerde<>(
            SurrogatePrediction.class, Topics.SURROGATE_PREDICTIONS, List.of("schemaVersion", "searchId", "archHash",
            "arch", "mean", "std", "modelVersion"));
    public static final EventSerde<SearchEvent> SEARCH_EVENT = new EventSerde<>(SearchEvent.class,
            Topics.SEARCH_EVENTS, List.of("schemaVersion", "searchId", "type", "timestamp"));

    /** All event serdes, one per event topic. */
    public static final List<EventSerde<?>> ALL = List.of(EPOCH_METRIC, STOP_DECISION, SURROGATE_PREDICTION,
            SEARCH_EVENT);

    private final Class<T> type;
    private final String topic;
    private final List<String> requiredFields;

    private EventSerde(Class<T> type, String topic, List<String> requiredFields) {
        this.type = type;
        this.topic = topic;
        this.requiredFields = List.copyOf(requiredFields);
    }

    /** The shared JSON mapper (thread-safe; do not reconfigure). */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** The serde of the event type written to {@code topic} (full or short name). */
    public static EventSerde<?> forTopic(String topic) {
        String t = Topics.resolve(topic);
        for (EventSerde<?> s : ALL) {
            if (s.topic.equals(t)) {
                return s;
            }
        }
        throw new IllegalArgumentException("topic " + t + " carries no nasflow event type; event topics are "
                + ALL.stream().map(EventSerde::topic).toList());
    }

    /** The serde for {@code type}. */
    @SuppressWarnings("unchecked")
    public static <E extends StreamEvent> EventSerde<E> forType(Class<E> type) {
        for (EventSerde<?> s : ALL) {
            if (s.type.equals(type)) {
                return (EventSerde<E>) s;
            }
        }
        throw new IllegalArgumentException("no serde for " + type.getName());
    }

    public Class<T> type() {
        return type;
    }

    /** The topic this event type is written to. */
    public String topic() {
        return topic;
    }

    public List<String> requiredFields() {
        return requiredFields;
    }

    /** JSON bytes (UTF-8) of {@code event}. */
    public byte[] encode(T event) {
        Objects.requireNonNull(event, "event");
        try {
            return MAPPER.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new SerializationException("cannot encode " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /** Decodes {@code bytes} strictly; throws {@link PoisonRecordException} with the reason when it cannot. */
    public T decode(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new PoisonRecordException(PoisonReason.NOT_JSON, "empty value (expected a JSON "
                    + type.getSimpleName() + ")");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new PoisonRecordException(PoisonReason.NOT_JSON, "value is not JSON: " + firstLine(e), e);
        }
        if (node == null || !node.isObject()) {
            throw new PoisonRecordException(PoisonReason.NOT_JSON, "value is not a JSON object (expected a "
                    + type.getSimpleName() + ")");
        }
        JsonNode version = node.get("schemaVersion");
        if (version == null || version.isNull()) {
            throw new PoisonRecordException(PoisonReason.MISSING_FIELD, "missing required field schemaVersion");
        }
        if (!version.isIntegralNumber() || version.asLong() != StreamEvent.SCHEMA_VERSION) {
            throw new PoisonRecordException(PoisonReason.WRONG_SCHEMA_VERSION, "schemaVersion " + version
                    + " is not supported (this build reads " + StreamEvent.SCHEMA_VERSION + ")");
        }
        for (String f : requiredFields) {
            JsonNode v = node.get(f);
            if (v == null || v.isNull()) {
                throw new PoisonRecordException(PoisonReason.MISSING_FIELD, "missing required field " + f + " in "
                        + type.getSimpleName());
            }
        }
        try {
            return MAPPER.treeToValue(node, type);
        } catch (ValueInstantiationException e) {
            Throwable c = e.getCause() != null ? e.getCause() : e;
            throw new PoisonRecordException(PoisonReason.INVALID_FIELD, "invalid " + type.getSimpleName() + ": "
                    + c.getMessage(), e);
        } catch (MismatchedInputException e) {
            throw new PoisonRecordException(PoisonReason.INVALID_FIELD, "invalid field " + fieldPath(e) + " in "
                    + type.getSimpleName() + ": " + firstLine(e), e);
        } catch (IOException | IllegalArgumentException e) {
            throw new PoisonRecordException(PoisonReason.INVALID_FIELD, "invalid " + type.getSimpleName() + ": "
                    + firstLine(e), e);
        }
    }

    @Override
    public byte[] serialize(String topic, T data) {
        return data == null ? null : encode(data);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        return decode(data);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        // nothing to configure
    }

    @Override
    public void close() {
        // stateless
    }

    @Override
    public String toString() {
        return "EventSerde[" + type.getSimpleName() + " on " + topic + "]";
    }

    private static String fieldPath(MismatchedInputException e) {
        StringBuilder sb = new StringBuilder();
        for (var ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.isEmpty() ? "?" : sb.toString();
    }

    private static String firstLine(Exception e) {
        String m = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
        if (m == null) {
            return e.getClass().getSimpleName();
        }
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
