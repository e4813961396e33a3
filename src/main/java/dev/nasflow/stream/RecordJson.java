package dev.nasflow.stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A Kafka record as one JSON line ({@code nasflow tail}): topic, partition, offset, timestamp, key, value (embedded
 * JSON when the value is JSON, text when UTF-8, else {@code valueBase64}) and headers.
 */
public final class RecordJson {
    private static final ObjectMapper JSON = EventSerde.mapper();

    private RecordJson() {
    }

    /** The JSON line printed for {@code r}. */
    public static String line(ConsumerRecord<byte[], byte[]> r) {
        ObjectNode n = JSON.createObjectNode();
        n.put("topic", r.topic());
        n.put("partition", r.partition());
        n.put("offset", r.offset());
        n.put("timestamp", r.timestamp());
        putBytes(n, "key", r.key(), false);
        putBytes(n, "value", r.value(), true);
        if (r.headers().toArray().length > 0) {
            ObjectNode h = n.putObject("headers");
            for (Header header : r.headers()) {
                String text = utf8(header.value());
                h.put(header.key(), text != null ? text : Base64.getEncoder().encodeToString(header.value()));
            }
        }
        try {
            return JSON.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void putBytes(ObjectNode n, String field, byte[] bytes, boolean tryJson) {
        if (bytes == null) {
            n.putNull(field);
            return;
        }
        String text = utf8(bytes);
        if (text == null) {
            n.put(field + "Base64", Base64.getEncoder().encodeToString(bytes));
            return;
        }
        if (tryJson) {
            try {
                JsonNode parsed = JSON.readTree(text);
                if (parsed != null && (parsed.isObject() || parsed.isArray())) {
                    n.set(field, parsed);
                    return;
                }
            } catch (JsonProcessingException e) {
                // not JSON: print as text
            }
        }
        n.put(field, text);
    }

    private static String utf8(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
