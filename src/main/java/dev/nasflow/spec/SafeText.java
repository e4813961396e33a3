package dev.nasflow.spec;

import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rule that no spec value names code, a command or something to fetch: every string of a spec (names, task
 * queue, dataset, recipe, paths, enum values, strategy params) is refused when it contains a control character, looks
 * like a URL, carries shell syntax or a template expression, or looks like a Java class name. nasflow never loads a
 * class, runs a command or downloads anything a spec names; refusing such values early makes a mistaken or hostile
 * spec fail loudly instead of being half-interpreted downstream.
 */
public final class SafeText {
    private SafeText() {
    }

    /** Why a value is refused, with the fix. */
    public record Finding(String message, String hint) {
    }

    private static final Pattern URL_ANYWHERE = Pattern.compile("(?i)\\b[a-z][a-z0-9+.-]*://");
    private static final Pattern KNOWN_SCHEME = Pattern.compile(
            "(?i)^\\s*(https?|ftp|ftps|sftp|file|jar|jdbc|ldaps?|rmi|dns|iiop|corba|nis|nds|data|classpath|mailto|"
                    + "s3a?|gs|hdfs|ssh|git|mvn|url|javascript|vbscript|netdoc|jrt|wasm):");
    private static final Pattern WWW = Pattern.compile("(?i)^\\s*www\\.");
    private static final Pattern TEMPLATE = Pattern.compile("[$#%]\\{");
    private static final Pattern SHELL_VAR = Pattern.compile("\\$[A-Za-z_(]");
    private static final Pattern SHELL_CHARS = Pattern.compile("[;|&`<>]");
    /** A dotted chain of Java identifiers, optionally followed by a member reference ({@code #x}, {@code ::x}, ...). */
    private static final Pattern DOTTED = Pattern.compile(
            "^\\s*([A-Za-z_$][A-Za-z0-9_$]*(?:\\.[A-Za-z_$][A-Za-z0-9_$]*)+)(?:(?:#|::|\\(|\\.class\\b).*)?\\s*$");
    private static final Pattern ROOT_PACKAGE_ANYWHERE = Pattern.compile(
            "\\b(?:java|javax|jakarta|jdk|sun|com|org|net|io|dev|groovy|scala|kotlin)\\.[a-z_$][A-Za-z0-9_$]*\\."
                    + "[A-Za-z_$][A-Za-z0-9_$]*");
    private static final Set<String> ROOT_PACKAGES = Set.of("java", "javax", "jakarta", "jdk", "sun", "com", "org",
            "net", "io", "dev", "groovy", "scala", "kotlin");

    /** The reason {@code value} must not appear in a spec, or empty when it is plain text. */
    public static Optional<Finding> inspect(String value) {
        if (value == null) {
            return Optional.empty();
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (isControl(c)) {
                return Optional.of(new Finding(String.format("contains a control character (U+%04X)", (int) c),
                        "remove it; spec values are single-line printable text"));
            }
        }
        if (URL_ANYWHERE.matcher(value).find() || KNOWN_SCHEME.matcher(value).find()
                || WWW.matcher(value).find()) {
            return Optional.of(new Finding("looks like a URL (" + quote(value)
                    + "); nasflow never fetches anything a spec names",
                    "give a local name or a local path instead; download data beforehand"));
        }
        if (TEMPLATE.matcher(value).find()) {
            return Optional.of(new Finding("looks like a template or expression (" + quote(value)
                    + "); spec values are never evaluated", "write the literal value"));
        }
        if (SHELL_VAR.matcher(value).find() || SHELL_CHARS.matcher(value).find()) {
            return Optional.of(new Finding("contains shell syntax (" + quote(value)
                    + "); spec values are never run as commands",
                    "write a plain value without ; | & ` $ < > (variables are not expanded)"));
        }
        if (looksLikeClassName(value)) {
            return Optional.of(new Finding("looks like a Java class name (" + quote(value)
                    + "); a spec never names code to load", "use one of the documented values for this field"));
        }
        return Optional.empty();
    }

    /**
     * True for {@code java.lang.Runtime}, {@code com.foo.Bar}, {@code foo.Bar}, {@code org.example.exploit},
     * {@code java.lang.Runtime#exec}; false for file names such as {@code recipe.json} or {@code model.v1.json}.
     */
    public static boolean looksLikeClassName(String value) {
        var m = DOTTED.matcher(value);
        if (m.matches()) {
            String[] parts = m.group(1).split("\\.");
            String first = parts[0];
            String last = parts[parts.length - 1];
            if (ROOT_PACKAGES.contains(first)) {
                return true;
            }
            if (Character.isLowerCase(first.charAt(0)) && Character.isUpperCase(last.charAt(0))) {
                return true;
            }
            if (!m.group(0).trim().equals(m.group(1))) {
                return true; // a dotted name followed by #member, ::member, (..) or .class
            }
        }
        return ROOT_PACKAGE_ANYWHERE.matcher(value).find();
    }

    static boolean isControl(char c) {
        return c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029'
                || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069') || c == '\ufeff';
    }

    /** {@code 'value'} for messages: at most 60 characters, control characters escaped. */
    public static String quote(String value) {
        StringBuilder sb = new StringBuilder("'");
        int n = Math.min(value.length(), 60);
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (isControl(c)) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (value.length() > n) {
            sb.append("...");
        }
        return sb.append('\'').toString();
    }
}
