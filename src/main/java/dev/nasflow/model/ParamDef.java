package dev.nasflow.model;

import java.util.List;

/**
 * A documented parameter of a strategy: name, kind ({@code int}, {@code number}, {@code boolean}, {@code enum}),
 * inclusive bounds for numbers, allowed values for enums, the default and one line of documentation. The spec
 * validator checks strategy (and stopping rule) params against these definitions; they are declared once, in the
 * strategy's or rule's descriptor.
 */
public record ParamDef(String name, String kind, Double min, Double max, List<String> values, Object defaultValue,
                       String doc) {
    public static ParamDef integer(String name, int min, int max, int def, String doc) {
        return new ParamDef(name, "int", (double) min, (double) max, List.of(), def, doc);
    }

    public static ParamDef number(String name, double min, double max, double def, String doc) {
        return new ParamDef(name, "number", min, max, List.of(), def, doc);
    }

    public static ParamDef bool(String name, boolean def, String doc) {
        return new ParamDef(name, "boolean", null, null, List.of(), def, doc);
    }

    public static ParamDef choice(String name, List<String> values, String def, String doc) {
        return new ParamDef(name, "enum", null, null, List.copyOf(values), def, doc);
    }
}
