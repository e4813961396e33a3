package dev.nasflow.model;

import java.util.Set;

/**
 * A rule between several parameters of one strategy or stopping rule, that the per-parameter bounds of its
 * {@link ParamDef}s cannot say (e.g. REA's tournament sample at most its population). Declared once, in the
 * descriptor; the spec validator reports its conflict at the parameter it names, the factory refuses to build.
 */
@FunctionalInterface
public interface ParamCheck {
    /** No rule. */
    ParamCheck NONE = (values, written) -> null;

    /**
     * The conflict between these values, or null when there is none.
     *
     * @param values  every parameter, checked one by one and defaults filled in
     * @param written the names the spec (or caller) gave explicitly: the conflict is best blamed on one of them
     */
    ParamConflict check(ParamValues values, Set<String> written);
}
