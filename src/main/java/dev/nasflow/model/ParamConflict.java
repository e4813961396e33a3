package dev.nasflow.model;

/**
 * What a {@link ParamCheck} found: the parameter to blame, what is wrong, and how to fix it.
 *
 * @param param   the parameter's name (the validator reports at {@code /strategy/params/<param>})
 * @param message what is wrong, with the values (the spec validator's wording)
 * @param hint    the fix
 * @param direct  the whole message for a caller that builds the strategy directly, without the validator (the text
 *                the programmatic API has always given), or null for {@code strategy.params.<param>: message; hint}
 */
public record ParamConflict(String param, String message, String hint, String direct) {
    public ParamConflict(String param, String message, String hint) {
        this(param, message, hint, null);
    }

    /** The text for a direct caller. */
    public String directText() {
        return direct != null ? direct : "strategy.params." + param + ": " + message + "; " + hint;
    }
}
