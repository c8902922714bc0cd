package dev.lockstep.core.internal.sql;

import java.util.Set;
import java.util.TreeSet;

/**
 * What a statement (or a whole migration) may change in its session, as its text shows it: the
 * settings it names in {@code SET} and {@code RESET} statements (also inside {@code DO} blocks) and
 * in {@code set_config}, whether it changes the role, and whether it does something the text cannot
 * tell ({@code RESET ALL}, {@code set_config} with a computed name), which calls for a full restore.
 * A setting changed inside a function the migration calls is not seen here; the restore at the end
 * of the run puts it back.
 *
 * @param settings lower-cased setting names
 */
public record SessionEffects(Set<String> settings, boolean role, boolean unknown) {

    public static final SessionEffects NONE = new SessionEffects(Set.of(), false, false);

    public SessionEffects {
        settings = Set.copyOf(settings);
    }

    /** The custom settings ({@code x.y}) among them, which no catalog lists. */
    public Set<String> customSettings() {
        Set<String> custom = new TreeSet<>();
        settings.stream().filter(name -> name.contains(".")).forEach(custom::add);
        return custom;
    }

    /** The effects of a whole migration, one statement at a time. */
    public static final class Collector {
        private final Set<String> settings = new TreeSet<>();
        private boolean role;
        private boolean unknown;

        public Collector add(SessionEffects effects) {
            settings.addAll(effects.settings);
            role |= effects.role;
            unknown |= effects.unknown;
            return this;
        }

        void setting(String name) {
            settings.add(name);
        }

        void role() {
            role = true;
        }

        void unknown() {
            unknown = true;
        }

        public SessionEffects effects() {
            return settings.isEmpty() && !role && !unknown ? NONE : new SessionEffects(settings, role, unknown);
        }
    }
}
