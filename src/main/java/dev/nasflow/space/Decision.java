package dev.nasflow.space;

import java.util.List;
import java.util.Objects;

/**
 * One discrete choice of a search space: a name (e.g. {@code edge 1<-0} or {@code layer2.op}) and its options.
 * A genome holds, for each decision of its space, the index of the option chosen.
 */
public record Decision(String name, List<String> options) {
    public Decision {
        Objects.requireNonNull(name, "name");
        options = List.copyOf(options);
        if (options.isEmpty()) {
            throw new IllegalArgumentException("decision '" + name + "' has no options");
        }
    }

    public int size() {
        return options.size();
    }

    public int indexOf(String option) {
        return options.indexOf(option);
    }
}
