package dev.nasflow.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

public enum Direction {
    MAXIMIZE, MINIMIZE;

    @JsonValue
    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Direction of(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }

    /** True when {@code a} is strictly better than {@code b} in this direction. */
    public boolean better(double a, double b) {
        return this == MAXIMIZE ? a > b : a < b;
    }

    /** Value oriented so that larger is better. */
    public double oriented(double v) {
        return this == MAXIMIZE ? v : -v;
    }
}
