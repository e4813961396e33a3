package dev.nasflow.nb201;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where the two NAS-Bench-201 tables come from and how their columns are named.
 *
 * @param table200 the 200-epoch table ({@code .csv} or {@code .csv.gz}); null = the shipped CIFAR-10 table
 *                 ({@code classpath:nb201/cifar10-200ep.csv.gz})
 * @param table12  the 12-epoch table; null = the shipped {@code classpath:nb201/all-12ep.csv.gz}
 * @param dataset  which 12-epoch columns to read by default, and the chance accuracy of the curve model
 * @param columns  column renames; a column not in the map has its default name ({@link Nb201Column#defaultName})
 */
public record Nb201TableSource(Path table200, Path table12, Nb201Dataset dataset, Map<Nb201Column, String> columns) {
    public static final String SHIPPED_200 = "nb201/cifar10-200ep.csv.gz";
    public static final String SHIPPED_12 = "nb201/all-12ep.csv.gz";

    public Nb201TableSource {
        Objects.requireNonNull(dataset, "dataset");
        EnumMap<Nb201Column, String> c = new EnumMap<>(Nb201Column.class);
        if (columns != null) {
            columns.forEach((k, v) -> {
                if (v == null || v.isBlank()) {
                    throw new IllegalArgumentException("column name for " + k.option() + " must not be empty");
                }
                c.put(k, v.trim());
            });
        }
        columns = java.util.Collections.unmodifiableMap(c);
    }

    /** The shipped tables for a dataset (only CIFAR-10 has a shipped 200-epoch table). */
    public static Nb201TableSource shipped(Nb201Dataset dataset) {
        return new Nb201TableSource(null, null, dataset, Map.of());
    }

    /** The shipped CIFAR-10 tables: the NAS-Bench-201 protocol's default. */
    public static Nb201TableSource shippedCifar10() {
        return shipped(Nb201Dataset.CIFAR10);
    }

    /** The name to look for in the header. */
    public String columnName(Nb201Column column) {
        String n = columns.get(column);
        return n != null ? n : column.defaultName(dataset);
    }

    /** True when the column was renamed explicitly (then it must exist even when optional). */
    public boolean explicitlyMapped(Nb201Column column) {
        return columns.containsKey(column);
    }

    public String describe200() {
        return table200 == null ? "classpath:" + SHIPPED_200 : table200.toString();
    }

    public String describe12() {
        return table12 == null ? "classpath:" + SHIPPED_12 : table12.toString();
    }
}
