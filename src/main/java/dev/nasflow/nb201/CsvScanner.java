package dev.nasflow.nb201;

import java.nio.charset.StandardCharsets;

/**
 * A minimal comma-separated-values reader over an in-memory byte array, written for the NB201 tables: one record per
 * line ({@code \n} or {@code \r\n}), fields separated by commas, optionally wrapped in double quotes with {@code ""}
 * for a quote inside (no line breaks inside fields). Blank lines are skipped. It allocates a string only for the
 * fields asked for, so 15,625-row tables parse in milliseconds.
 */
final class CsvScanner {
    private final byte[] data;
    private int pos;
    private int line;
    private int[] start = new int[32];
    private int[] end = new int[32];
    private boolean[] quoted = new boolean[32];
    private int fields;

    CsvScanner(byte[] data) {
        this.data = data;
        // skip a UTF-8 byte order mark
        if (data.length >= 3 && (data[0] & 0xff) == 0xef && (data[1] & 0xff) == 0xbb && (data[2] & 0xff) == 0xbf) {
            pos = 3;
        }
    }

    /** Advances to the next non-blank line; false at the end of the data. */
    boolean next() {
        while (pos < data.length) {
            int lineStart = pos;
            int lineEnd = pos;
            while (lineEnd < data.length && data[lineEnd] != '\n') {
                lineEnd++;
            }
            pos = lineEnd + 1;
            line++;
            int e = lineEnd;
            if (e > lineStart && data[e - 1] == '\r') {
                e--;
            }
            if (isBlank(lineStart, e)) {
                continue;
            }
            split(lineStart, e);
            return true;
        }
        return false;
    }

    private boolean isBlank(int s, int e) {
        for (int i = s; i < e; i++) {
            if (data[i] != ' ' && data[i] != '\t') {
                return false;
            }
        }
        return true;
    }

    private void split(int s, int e) {
        fields = 0;
        int i = s;
        while (true) {
            ensureCapacity(fields + 1);
            if (i < e && data[i] == '"') {
                int j = i + 1;
                while (j < e) {
                    if (data[j] == '"') {
                        if (j + 1 < e && data[j + 1] == '"') {
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    j++;
                }
                start[fields] = i + 1;
                end[fields] = Math.min(j, e);
                quoted[fields] = true;
                fields++;
                int k = j + 1;
                while (k < e && data[k] != ',') {
                    k++;
                }
                if (k >= e) {
                    return;
                }
                i = k + 1;
            } else {
                int k = i;
                while (k < e && data[k] != ',') {
                    k++;
                }
                start[fields] = i;
                end[fields] = k;
                quoted[fields] = false;
                fields++;
                if (k >= e) {
                    return;
                }
                i = k + 1;
            }
        }
    }

    private void ensureCapacity(int n) {
        if (n > start.length) {
            int c = Math.max(n, start.length * 2);
            start = java.util.Arrays.copyOf(start, c);
            end = java.util.Arrays.copyOf(end, c);
            quoted = java.util.Arrays.copyOf(quoted, c);
        }
    }

    /** 1-based number of the current line in the file. */
    int lineNumber() {
        return line;
    }

    int fieldCount() {
        return fields;
    }

    /** The field's text, trimmed, with {@code ""} unescaped in quoted fields. */
    String field(int i) {
        String s = new String(data, start[i], end[i] - start[i], StandardCharsets.UTF_8).trim();
        return quoted[i] ? s.replace("\"\"", "\"") : s;
    }
}
