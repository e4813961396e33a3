package dev.nasflow.docs;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every repository path a doc names exists: README.md and docs/*.md, paths under the repository's top-level folders
 * (workflows/, docs/, src/, ops/, activities/, .ci/) and the targets of relative Markdown links. Placeholders
 * (upper-case words such as FILE or ID, {@code *}, {@code ...}) and paths the tools create (work/, target/,
 * artifacts/) are not paths of the repository.
 */
class DocPathsTest {
    static final Pattern REPO_PATH = Pattern.compile(
            "(?<![\\w./~-])((?:\\.ci|docs|workflows|src|ops|activities)/[\\w./-]*[\\w/])");
    static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s#]+)(?:#[^)]*)?\\)");
    static final Pattern PLACEHOLDER = Pattern.compile(".*(/[A-Z][A-Z_]+(\\.\\w+)?(/|$)|\\*|\\.\\.\\.|<|>).*");

    static List<Path> docs() throws IOException {
        List<Path> out = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> s = Files.list(Path.of("docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(out::add);
        }
        return out;
    }

    /** The repository paths {@code doc} names, each as "path (doc:line)". */
    static Set<String> missing(Path doc) throws IOException {
        Set<String> missing = new TreeSet<>();
        List<String> lines = Files.readAllLines(doc);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher m = REPO_PATH.matcher(line);
            while (m.find()) {
                String p = m.group(1).replaceAll("[./]+$", "");
                if (!PLACEHOLDER.matcher(p).matches() && !Files.exists(Path.of(p))) {
                    missing.add(p + " (" + doc + ":" + (i + 1) + ")");
                }
            }
            Matcher l = LINK.matcher(line);
            while (l.find()) {
                String target = l.group(1);
                if (target.matches("^[a-z]+:.*") || PLACEHOLDER.matcher(target).matches()) {
                    continue;   // URLs, mailto:
                }
                Path base = doc.getParent() == null ? Path.of("") : doc.getParent();
                if (!Files.exists(base.resolve(target).normalize())) {
                    missing.add(target + " (link, " + doc + ":" + (i + 1) + ")");
                }
            }
        }
        return missing;
    }

    @Test
    void everyPathADocNamesExists() throws IOException {
        Set<String> missing = new TreeSet<>();
        int docs = 0;
        for (Path doc : docs()) {
            missing.addAll(missing(doc));
            docs++;
        }
        assertTrue(docs >= 9, "docs found: " + docs);
        assertTrue(missing.isEmpty(), "paths named in the docs that do not exist:\n  "
                + String.join("\n  ", missing));
    }

    @Test
    void theCheckFindsAMissingPath() throws IOException {
        Path doc = Files.createTempFile(Path.of("target"), "doc", ".md");
        Files.writeString(doc, "see `workflows/no-such-spec.json` and [x](no-such.md); `workflows/FILE.json` is a "
                + "placeholder\n");
        Set<String> m = missing(doc);
        assertTrue(m.stream().anyMatch(s -> s.startsWith("workflows/no-such-spec.json")), m.toString());
        assertTrue(m.stream().anyMatch(s -> s.startsWith("no-such.md (link")), m.toString());
        assertTrue(m.stream().noneMatch(s -> s.contains("FILE")), m.toString());
        Files.delete(doc);
    }
}
