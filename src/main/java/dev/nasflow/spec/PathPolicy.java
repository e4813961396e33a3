package dev.nasflow.spec;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where a spec may point: data ({@code data.path}), recipes ({@code trainer.recipe}) and artifacts
 * ({@code artifacts}) stay inside configured roots.
 *
 * <p>Roots, in order: the nasflow home ({@code NASFLOW_HOME}, else the working directory; the {@code ./nasflow}
 * launcher sets it to the repository), each directory of {@code NASFLOW_DATA_ROOTS} (separated by
 * {@code File.pathSeparator}, absolute paths only), and {@code /usr/share/datasets}. A relative path is resolved
 * against the roots in that order (the first where it exists wins; else the home). Recipes are always relative to
 * {@code <home>/activities/}.
 *
 * <p>Two levels: {@link #check} is lexical (no file system access, deterministic, used by {@link SpecValidator}):
 * no {@code ..} segment, no URL scheme or drive letter, no backslash, no {@code ~}, no control character or shell
 * syntax, absolute paths inside a root. The {@code resolve*} methods (for trainers and activities) add the file
 * system view: symbolic links must not lead outside the roots.
 */
public final class PathPolicy {
    public static final String ENV_HOME = "NASFLOW_HOME";
    public static final String ENV_DATA_ROOTS = "NASFLOW_DATA_ROOTS";
    public static final Path SYSTEM_DATASETS = Path.of("/usr/share/datasets");
    public static final String ACTIVITIES_DIR = "activities";

    /** What a path names; decides where relative paths go. */
    public enum Kind {
        DATA, RECIPE, ARTIFACTS
    }

    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");

    private final Path home;
    private final List<Path> roots;

    /** A policy with roots {@code home}, {@code extraRoots..., /usr/share/datasets}. */
    public PathPolicy(Path home, List<Path> extraRoots) {
        this.home = home.toAbsolutePath().normalize();
        Set<Path> r = new LinkedHashSet<>();
        r.add(this.home);
        for (Path p : extraRoots) {
            r.add(p.toAbsolutePath().normalize());
        }
        r.add(SYSTEM_DATASETS);
        this.roots = List.copyOf(r);
    }

    /** The policy configured by the environment ({@code NASFLOW_HOME}, {@code NASFLOW_DATA_ROOTS}). */
    public static PathPolicy fromEnvironment() {
        return fromEnvironment(System.getenv(), System.getProperty("user.dir"));
    }

    static PathPolicy fromEnvironment(Map<String, String> env, String workingDir) {
        String h = env.get(ENV_HOME);
        Path home = Path.of(h == null || h.isBlank() ? workingDir : h);
        List<Path> extra = new ArrayList<>();
        String roots = env.get(ENV_DATA_ROOTS);
        if (roots != null) {
            for (String s : roots.split(Pattern.quote(File.pathSeparator))) {
                if (!s.isBlank() && Path.of(s.trim()).isAbsolute()) {
                    extra.add(Path.of(s.trim()));
                }
            }
        }
        return new PathPolicy(home, extra);
    }

    public Path home() {
        return home;
    }

    public List<Path> roots() {
        return roots;
    }

    /** The directory recipes live in: {@code <home>/activities}. */
    public Path activities() {
        return home.resolve(ACTIVITIES_DIR);
    }

    /**
     * Why {@code value} is not an acceptable path of this kind, judged without touching the file system; empty when
     * it is acceptable.
     */
    public Optional<SafeText.Finding> check(String value, Kind kind) {
        if (value == null || value.isBlank()) {
            return Optional.of(new SafeText.Finding("is empty", "give a path"));
        }
        for (int i = 0; i < value.length(); i++) {
            if (SafeText.isControl(value.charAt(i))) {
                return SafeText.inspect(value);
            }
        }
        if (SCHEME.matcher(value).find() || value.contains("://")) {
            return Optional.of(new SafeText.Finding("is a URL or has a scheme/drive prefix ("
                    + SafeText.quote(value) + "); only local paths are accepted and nothing is downloaded",
                    example(kind)));
        }
        if (value.indexOf('\\') >= 0) {
            return Optional.of(new SafeText.Finding("contains a backslash (" + SafeText.quote(value) + ")",
                    "use '/' as the separator"));
        }
        if (value.startsWith("//")) {
            return Optional.of(new SafeText.Finding("is a network path (" + SafeText.quote(value) + ")",
                    example(kind)));
        }
        if (value.startsWith("~")) {
            return Optional.of(new SafeText.Finding("starts with '~' (home directories are not expanded)",
                    "write the absolute path"));
        }
        for (String seg : value.split("/")) {
            if (seg.equals("..")) {
                return Optional.of(new SafeText.Finding("contains a '..' segment (" + SafeText.quote(value)
                        + "): paths may not climb out of their root", kind == Kind.RECIPE
                        ? "name the recipe relative to activities/, e.g. activities/fmnist-small.json"
                        : "name the directory directly, inside one of " + roots));
            }
        }
        Optional<SafeText.Finding> text = SafeText.inspect(value);
        if (text.isPresent()) {
            return Optional.of(new SafeText.Finding(text.get().message(), example(kind)));
        }
        Path p = Path.of(value);
        if (kind == Kind.RECIPE && p.isAbsolute()) {
            return Optional.of(new SafeText.Finding("is absolute; recipes live under activities/",
                    "give the recipe file relative to activities/, e.g. activities/fmnist-small.json"));
        }
        if (p.isAbsolute() && !underRoot(p.normalize())) {
            return Optional.of(new SafeText.Finding("is outside the allowed roots " + roots,
                    "put it under one of them, or add its directory to " + ENV_DATA_ROOTS));
        }
        return Optional.empty();
    }

    private static String example(Kind kind) {
        return switch (kind) {
            case DATA -> "download the data beforehand and give its local path, e.g. /usr/share/datasets/fashion-mnist";
            case RECIPE -> "give a recipe file under activities/, e.g. activities/fmnist-small.json";
            case ARTIFACTS -> "give a local directory, e.g. artifacts/my-search";
        };
    }

    private boolean underRoot(Path abs) {
        for (Path r : roots) {
            if (abs.startsWith(r)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The data file or directory {@code value} names, for reading. Relative paths are tried against each root in
     * order. Throws {@link UnsafePathException} (naming {@code field}) when the path breaks the policy, including a
     * symbolic link that leads outside the roots. Existence is not required (the caller reports missing data).
     */
    public Path resolveData(String field, String value) {
        require(field, value, Kind.DATA);
        Path p = Path.of(value);
        Path resolved = null;
        if (p.isAbsolute()) {
            resolved = p.normalize();
        } else {
            for (Path r : roots) {
                Path c = r.resolve(p).normalize();
                if (Files.exists(c)) {
                    resolved = c;
                    break;
                }
            }
            if (resolved == null) {
                resolved = home.resolve(p).normalize();
            }
        }
        return confined(field, value, resolved, roots);
    }

    /** The recipe file {@code value} names ({@code x.json} or {@code activities/x.json}), under {@link #activities()}. */
    public Path resolveRecipe(String field, String value) {
        require(field, value, Kind.RECIPE);
        String rel = value.startsWith(ACTIVITIES_DIR + "/") ? value.substring(ACTIVITIES_DIR.length() + 1) : value;
        return confined(field, value, activities().resolve(rel).normalize(), List.of(activities()));
    }

    /** The artifact directory {@code value} names (relative = under the home), for writing. */
    public Path resolveArtifacts(String field, String value) {
        require(field, value, Kind.ARTIFACTS);
        Path p = Path.of(value);
        return confined(field, value, (p.isAbsolute() ? p : home.resolve(p)).normalize(), roots);
    }

    private void require(String field, String value, Kind kind) {
        Optional<SafeText.Finding> f = check(value, kind);
        if (f.isPresent()) {
            throw new UnsafePathException(field + " " + f.get().message() + " (fix: " + f.get().hint() + ")");
        }
    }

    /** Where {@code p} really leads (symbolic links followed, dangling ones too); it must stay under {@code within}. */
    private static Path confined(String field, String value, Path p, List<Path> within) {
        Path real;
        try {
            real = realLocation(p, 0);
            for (Path r : within) {
                Path rr = Files.exists(r) ? r.toRealPath() : r;
                if (real.startsWith(rr)) {
                    return p;
                }
            }
        } catch (IOException e) {
            throw new UnsafePathException(field + " " + SafeText.quote(value) + " cannot be resolved: " + e
                    + " (fix: check the path and its permissions)");
        }
        throw new UnsafePathException(field + " " + SafeText.quote(value)
                + " leads outside the allowed roots " + within + " through a symbolic link (to " + real + ")"
                + " (fix: point at the real location inside a root, or add that root to " + ENV_DATA_ROOTS + ")");
    }

    /**
     * The real location {@code p} names: the longest existing prefix with its links resolved, plus the rest. A
     * dangling link is followed to its target, so writing through it cannot escape either.
     */
    private static Path realLocation(Path p, int depth) throws IOException {
        if (depth > 40) {
            throw new IOException("too many levels of symbolic links");
        }
        Path existing = p;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return p;
        }
        Path rest = existing.relativize(p);
        if (Files.isSymbolicLink(existing) && !Files.exists(existing)) {
            Path parent = existing.getParent() == null ? existing.getRoot() : existing.getParent();
            Path target = parent.resolve(Files.readSymbolicLink(existing)).normalize();
            return realLocation(target.resolve(rest).normalize(), depth + 1);
        }
        return existing.toRealPath().resolve(rest).normalize();
    }

    /** A path that breaks the policy; the message names the field and the fix. */
    public static final class UnsafePathException extends IllegalArgumentException {
        public UnsafePathException(String message) {
            super(message);
        }
    }
}
