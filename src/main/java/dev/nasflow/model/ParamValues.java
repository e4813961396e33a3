package dev.nasflow.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Checked parameter values of a strategy or a stopping rule, defaults filled in, one per {@link ParamDef} (Integer,
 * Double, Boolean or String by kind). What a descriptor's factory and cross-parameter check read.
 */
public record ParamValues(Map<String, Object> values) {
    public ParamValues {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    private Object get(String name) {
        Object v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no parameter '" + name + "' (known: " + values.keySet() + ")");
        }
        return v;
    }

    public int integer(String name) {
        return ((Number) get(name)).intValue();
    }

    public double number(String name) {
        return ((Number) get(name)).doubleValue();
    }

    public boolean bool(String name) {
        return (Boolean) get(name);
    }

    public String text(String name) {
        return (String) get(name);
    }
}
