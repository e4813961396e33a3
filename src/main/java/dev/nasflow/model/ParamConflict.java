package dev.nasflow.model;

/**
 * What a {@link ParamCheck} found: the parameter to blame, what is wrong, and how to fix it.
 *
 * @param param   the parameter's name (the validator reports at {@code /strategy/params/<param>})
 * @param message what is wrong, with the values
 * @param hint    the fix
 */
public record ParamConflict(String param, String message, String hint) {
}
