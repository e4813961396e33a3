package dev.nasflow.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import dev.nasflow.model.ParamDef;
import dev.nasflow.strategy.StrategyDescriptor;
import dev.nasflow.strategy.Strategies;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The JSON Schema of search specs, shipped in the jar at {@value #RESOURCE}. The file lists the built-in strategies
 * (a test checks its strategy and stopping rule enums and parameters against their descriptors); strategies registered
 * as extensions ({@link Strategies#register}) are added to the schema specs are validated against
 * ({@link #effective()}): their name to {@code strategy.type}'s enum and a branch for their parameters, generated from
 * their descriptor as {@link #strategyBranch} (which also generates the file's branches, as the test checks).
 */
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
        return effective().schema();
    }

    /** The schema specs are validated against, for one set of registered extensions, with its error mapper. */
    record Effective(List<StrategyDescriptor> extensions, JsonNode node, JsonSchema schema, SchemaErrorMapper errors) {
    }

    private static volatile Effective current;

    /** The file's schema plus the registered strategy extensions (rebuilt when they change). */
    static Effective effective() {
        List<StrategyDescriptor> ext = Strategies.extensions();
        Effective e = current;
        if (e != null && e.extensions() == ext) {
            return e;
        }
        if (ext.isEmpty()) {
            e = new Effective(ext, Holder.NODE, Holder.SCHEMA, new SchemaErrorMapper(Holder.NODE));
        } else {
            ObjectNode node = Holder.NODE.deepCopy();
            ArrayNode types = (ArrayNode) node.at("/$defs/strategy/properties/type/enum");
            ArrayNode branches = (ArrayNode) node.at("/$defs/strategy/allOf");
            for (StrategyDescriptor d : ext) {
                types.add(d.name());
                branches.add(strategyBranch(d));
            }
            e = new Effective(ext, node, compile(node), new SchemaErrorMapper(node));
        }
        current = e;
        return e;
    }

    /**
     * The schema's branch for one strategy's parameters: {@code if type == name then params has exactly these}, each
     * with its JSON type, bounds or values, default and description, from its {@link ParamDef}.
     */
    static ObjectNode strategyBranch(StrategyDescriptor d) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode branch = f.objectNode();
        ObjectNode cond = branch.putObject("if");
        cond.putObject("properties").putObject("type").put("const", d.name());
        cond.putArray("required").add("type");
        ObjectNode params = branch.putObject("then").putObject("properties").putObject("params");
        params.put("type", "object");
        ObjectNode props = params.putObject("properties");
        for (ParamDef p : d.params()) {
            ObjectNode n = props.putObject(p.name());
            switch (p.kind()) {
                case "int" -> {
                    n.put("type", "integer");
                    n.put("minimum", p.min().intValue());
                    n.put("maximum", p.max().intValue());
                    n.put("default", ((Number) p.defaultValue()).intValue());
                }
                case "number" -> {
                    n.put("type", "number");
                    n.put("minimum", p.min());
                    n.put("maximum", p.max());
                    n.put("default", ((Number) p.defaultValue()).doubleValue());
                }
                case "boolean" -> {
                    n.put("type", "boolean");
                    n.put("default", (Boolean) p.defaultValue());
                }
                case "enum" -> {
                    n.put("type", "string");
                    ArrayNode values = n.putArray("enum");
                    p.values().forEach(values::add);
                    n.put("default", (String) p.defaultValue());
                }
                default -> throw new IllegalStateException("unknown parameter kind " + p.kind());
            }
            n.put("description", p.doc());
        }
        params.put("additionalProperties", false);
        return branch;
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
