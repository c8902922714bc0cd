package dev.lockstep.core.internal.drift;

import dev.lockstep.core.Drift;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Two catalog snapshots' lines paired by the object each describes, so a changed object shows as one
 * {@code ~} with both definitions instead of a {@code -} and a {@code +}. The object is the line's
 * kind and name as {@link dev.lockstep.core.CatalogSnapshot} writes them ({@code column users.name},
 * {@code function touch(integer)}); a grant and a row-level security line are each an object of
 * their own, whole.
 */
public final class SchemaComparison {

    /** What two snapshots' comparison found, and how many objects the ignore list left out. */
    public record Result(List<Drift.Difference> differences, int ignored) {
    }

    private SchemaComparison() {
    }

    /**
     * @param expected the lines the migrations make
     * @param live the lines of the live schema
     * @param ignore patterns on the object ({@code *} for any text), from {@code lockstep.drift.ignore}
     */
    public static Result compare(Iterable<String> expected, Iterable<String> live, List<String> ignore) {
        Map<String, String> wanted = byObject(expected);
        Map<String, String> found = byObject(live);
        Predicate<String> ignored = ignored(ignore);
        List<Drift.Difference> differences = new ArrayList<>();
        int skipped = 0;
        for (String object : new TreeSet<>(union(wanted, found))) {
            Optional<String> migrations = Optional.ofNullable(wanted.get(object));
            Optional<String> database = Optional.ofNullable(found.get(object));
            if (migrations.equals(database)) {
                continue;
            }
            if (ignored.test(object)) {
                skipped++;
            } else {
                differences.add(new Drift.Difference(object, migrations, database));
            }
        }
        return new Result(differences, skipped);
    }

    private static List<String> union(Map<String, String> a, Map<String, String> b) {
        List<String> all = new ArrayList<>(a.keySet());
        all.addAll(b.keySet());
        return all;
    }

    private static Map<String, String> byObject(Iterable<String> lines) {
        Map<String, String> byObject = new TreeMap<>();
        for (String line : lines) {
            byObject.put(objectOf(line), line);
        }
        return byObject;
    }

    /**
     * The object a snapshot line describes: its kind and name, the name read up to a space, a colon
     * or (for a function, procedure or aggregate) the end of its argument list, double quotes kept
     * whole; for a grant or a row-level security line, the whole line.
     */
    static String objectOf(String line) {
        int space = line.indexOf(' ');
        if (space < 0) {
            return line;
        }
        String kind = line.substring(0, space);
        if (kind.equals("grant") || kind.equals("rls")) {
            return line;
        }
        boolean routine = kind.equals("function") || kind.equals("procedure") || kind.equals("aggregate");
        boolean quoted = false;
        int depth = 0;
        int i = space + 1;
        for (; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (quoted) {
                continue;
            } else if (routine && c == '(') {
                depth++;
            } else if (routine && c == ')') {
                depth--;
                if (depth == 0) {
                    i++;
                    break;
                }
            } else if (depth == 0 && (c == ' ' || c == ':')) {
                break;
            }
        }
        return line.substring(0, i);
    }

    /** Matches an object against the patterns, {@code *} for any text, the rest as written. */
    static Predicate<String> ignored(List<String> patterns) {
        if (patterns.isEmpty()) {
            return object -> false;
        }
        Pattern any = Pattern.compile(patterns.stream()
                .map(p -> Pattern.quote(p.strip()).replace("*", "\\E.*\\Q"))
                .collect(Collectors.joining("|")));
        return object -> any.matcher(object).matches();
    }
}
