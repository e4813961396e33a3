package dev.nasflow.spec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The JSON settings of specs: strict parsing (no comments, no trailing tokens, duplicate keys rejected, bounded
 * nesting and sizes), nulls left out and map keys sorted when writing.
 */
public final class SpecJson {
    private SpecJson() {
    }

    /** Largest spec accepted, in characters. */
    public static final int MAX_CHARS = 1 << 20;
    static final int MAX_NESTING = 32;
    static final int MAX_NUMBER_CHARS = 100;
    static final int MAX_STRING_CHARS = 10_000;

    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING)
                            .maxNumberLength(MAX_NUMBER_CHARS).maxStringLength(MAX_STRING_CHARS).build())
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .serializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
            .build();

    /** The mapper used for specs (shared, thread-safe; do not reconfigure). */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * Strict tree parse: floats kept exact as {@link java.math.BigDecimal}; throws Jackson's exceptions (with
     * locations) on bad JSON, and {@link TrailingContentException} when something follows the document.
     */
    static JsonNode readTree(String text) throws java.io.IOException {
        com.fasterxml.jackson.databind.ObjectReader reader = MAPPER.reader()
                .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        try (JsonParser p = reader.createParser(text)) {
            JsonNode n = reader.readTree(p);
            if (n == null || n.isMissingNode()) {
                throw new com.fasterxml.jackson.core.JsonParseException(p, "the file is empty");
            }
            com.fasterxml.jackson.core.JsonLocation end = p.currentLocation();
            boolean trailing;
            try {
                trailing = p.nextToken() != null;
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                trailing = true;
            }
            if (trailing) {
                throw new TrailingContentException(end);
            }
            return n;
        }
    }

    /** Content after the end of the JSON document. */
    static final class TrailingContentException extends java.io.IOException {
        final com.fasterxml.jackson.core.JsonLocation location;

        TrailingContentException(com.fasterxml.jackson.core.JsonLocation location) {
            super("unexpected content after the end of the JSON document");
            this.location = location;
        }
    }

    /** Pretty JSON of {@code value} (nulls omitted, map keys sorted), ending without a newline. */
    public static String pretty(Object value) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write spec as JSON: " + e.getMessage(), e);
        }
    }
}
