package dev.nasflow.spec;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** "Did you mean" for misspelt field names and enum values. */
final class Suggest {
    private Suggest() {
    }

    /**
     * The known word closest to {@code input}: equal ignoring case and separators ({@code -}, {@code _}, spaces),
     * else the nearest by edit distance when it is at most a third of the word's length (max 3); empty otherwise.
     */
    static Optional<String> closest(String input, Collection<String> known) {
        if (input == null || input.isEmpty()) {
            return Optional.empty();
        }
        String norm = normalise(input);
        for (String k : known) {
            if (normalise(k).equals(norm)) {
                return Optional.of(k);
            }
        }
        String best = null;
        int bestD = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance(norm, normalise(k));
            if (d < bestD) {
                bestD = d;
                best = k;
            }
        }
        int allowed = Math.min(3, Math.max(1, norm.length() / 3));
        return best != null && bestD <= allowed ? Optional.of(best) : Optional.empty();
    }

    /** {@code "did you mean 'x'? "} or {@code ""}. */
    static String didYouMean(String input, Collection<String> known) {
        return closest(input, known).map(s -> "did you mean '" + s + "'? ").orElse("");
    }

    private static String normalise(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[-_\\s]", "");
    }

    /** {@code s} lower-cased without dashes, underscores and blanks ("max_trials" and "maxTrials" give "maxtrials"). */
    static String key(String s) {
        return normalise(s);
    }

    /** Optimal-string-alignment distance (Levenshtein plus adjacent transpositions). */
    static int distance(String a, String b) {
        if (a.length() > 64 || b.length() > 64) {
            return Integer.MAX_VALUE / 2;
        }
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
