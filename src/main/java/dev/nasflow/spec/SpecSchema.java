package dev.nasflow.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The JSON Schema of search specs, shipped in the jar at {@value #RESOURCE}. */
public final class SpecSchema {
    private SpecSchema() {
    }

    public static final String RESOURCE = "/schema/search-spec.schema.json";

    private static final class Holder {
        static final String TEXT = load();
        static final JsonNode NODE = parse(TEXT);
        static final JsonSchema SCHEMA = compile(NODE);
    }

    /** The schema file's text. */
    public static String text() {
        return Holder.TEXT;
    }

    /** The schema as a tree (shared: do not modify). */
    public static JsonNode node() {
        return Holder.NODE;
    }

    static JsonSchema compiled() {
        return Holder.SCHEMA;
    }

    private static String load() {
        try (InputStream in = SpecSchema.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("schema resource " + RESOURCE + " missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read schema resource " + RESOURCE, e);
        }
    }

    private static JsonNode parse(String text) {
        try {
            return SpecJson.mapper().readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException("schema resource " + RESOURCE + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    private static JsonSchema compile(JsonNode node) {
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder()
                .pathType(PathType.JSON_POINTER)
                .formatAssertionsEnabled(true)
                .locale(java.util.Locale.ENGLISH)
                .build();
        JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(node, config);
        schema.initializeValidators();
        return schema;
    }
}
