package dev.lockstep.core.internal.files;

import dev.lockstep.core.internal.sql.FileProblem;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Values for {@code ${name}} in migration files ({@code ${tenant}}, {@code ${schema}} and the
 * user's own), put into the text before it is analysed and run; the checksum is of the file as
 * written, so one file has one checksum in every tenant. {@code ${batch.from}} and {@code ${batch.to}}
 * stay for the engine ({@link Batched}). With no values set, nothing is replaced:
 * files written before placeholders existed keep their meaning. With values set, every
 * {@code ${name}} in a file must have one, as in Flyway.
 */
public final class Placeholders {

    public static final Placeholders NONE = new Placeholders(Map.of());

    private final Map<String, String> values;

    private Placeholders(Map<String, String> values) {
        this.values = values;
    }

    public static Placeholders of(Map<String, String> values) {
        return values.isEmpty() ? NONE : new Placeholders(Map.copyOf(values));
    }

    /** These values and {@code more}, {@code more} winning where both name one. */
    public Placeholders with(Map<String, String> more) {
        Map<String, String> all = new LinkedHashMap<>(values);
        all.putAll(more);
        return of(all);
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    public Map<String, String> values() {
        return values;
    }

    /** Whether {@code text} has anything this would replace (with no values: never). */
    boolean appearIn(String text) {
        return !values.isEmpty() && text.contains("${");
    }

    /**
     * {@code text} with each {@code ${name}} replaced by its value.
     *
     * @throws FileProblem naming the line of a placeholder that has no value, or is not closed
     */
    public String apply(String text) {
        if (!appearIn(text)) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 64);
        int from = 0;
        for (int start = text.indexOf("${"); start >= 0; start = text.indexOf("${", from)) {
            int end = text.indexOf('}', start + 2);
            int lineEnd = text.indexOf('\n', start);
            if (end < 0 || (lineEnd >= 0 && end > lineEnd)) {
                throw new FileProblem(FileText.lineAt(text, start), "'${' opens a placeholder that is not closed "
                        + "with '}' on the same line; write ${name}");
            }
            String name = text.substring(start + 2, end);
            // The batch's keys are the engine's to fill, per batch (Batched).
            String value = name.startsWith(Batched.RESERVED_PREFIX) ? text.substring(start, end + 1) : values.get(name);
            if (value == null) {
                throw new FileProblem(FileText.lineAt(text, start), "${" + name + "} has no value; the placeholders "
                        + "are " + new TreeSet<>(values.keySet()) + ". Set lockstep.placeholders." + name
                        + " (or the target's placeholders), or correct the name");
            }
            out.append(text, from, start).append(value);
            from = end + 1;
        }
        return out.append(text, from, text.length()).toString();
    }
}
