package dev.nasflow.stopping;

import dev.nasflow.model.Objective;
import dev.nasflow.model.ParamDef;
import dev.nasflow.model.ParamValues;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Everything about one stopping rule, declared once, as a {@code DESCRIPTOR} constant in the rule's own file: its
 * spec name ({@code stopping.rule}), its documented parameters, the factory that builds it from checked parameters,
 * and what it needs of the search's objectives. {@link StoppingRules} lists the descriptors; the spec vocabulary,
 * validation and defaults read them, and tests check the JSON Schema and docs/SPEC.md against them.
 *
 * @param name       the {@code stopping.rule} of a spec
 * @param params     its parameters, in documentation order
 * @param factory    builds the rule
 * @param objectives checks that the rule fits the search's objectives ({@link ObjectivesCheck#ANY}: any do)
 */
public record StoppingRuleDescriptor(String name, List<ParamDef> params, Factory factory, ObjectivesCheck objectives) {
    /** What a rule may need besides its parameters. */
    public record Setting(PredictionSource source, List<Objective> objectives, String metric) {
    }

    @FunctionalInterface
    public interface Factory {
        StoppingRule create(ParamValues params, Setting setting);
    }

    /** Throws {@link IllegalArgumentException} naming {@code stopping.rule}, {@code stopping.metric} or objectives. */
    @FunctionalInterface
    public interface ObjectivesCheck {
        ObjectivesCheck ANY = (objectives, metric) -> { };

        void check(List<Objective> objectives, String metric);
    }

    public StoppingRuleDescriptor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(factory, "factory");
        params = List.copyOf(params);
        objectives = objectives == null ? ObjectivesCheck.ANY : objectives;
        Set<String> names = new HashSet<>();
        for (ParamDef d : params) {
            if (!names.add(d.name())) {
                throw new IllegalArgumentException("stopping rule '" + name + "': parameter '" + d.name() + "' twice");
            }
        }
    }

    public static StoppingRuleDescriptor of(String name, Factory factory, ParamDef... params) {
        return new StoppingRuleDescriptor(name, List.of(params), factory, ObjectivesCheck.ANY);
    }

    public StoppingRuleDescriptor withObjectives(ObjectivesCheck check) {
        return new StoppingRuleDescriptor(name, params, factory, check);
    }
}
