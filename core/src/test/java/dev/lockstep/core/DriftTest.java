package dev.lockstep.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockstep.test.TestPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Drift, both ways: against a replay of the applied migrations on a scratch database, and against
 * the snapshot each run stores beside the tracker. One change made by hand per kind, each found and
 * named with the definition on each side; none found after plain runs (on every version CI runs).
 */
class DriftTest extends SchemaTestBase {

    private static final String READER = "lockstep_drift_reader";

    @BeforeAll
    static void createRole() throws Exception {
        try (Connection c = TestPostgres.get().connect(); Statement s = c.createStatement()) {
            s.execute("DO $$ BEGIN CREATE ROLE " + READER + "; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
        }
    }

    private void shop() {
        files.add("1_orders.up.sql", """
                CREATE TABLE orders (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    owner text NOT NULL DEFAULT current_user,
                    total numeric(10,2) NOT NULL,
                    status text NOT NULL DEFAULT 'new'
                );
                CREATE INDEX orders_owner ON orders (owner);
                """)
                .add("2_orders_rls.up.sql", """
                        ALTER TABLE orders ENABLE ROW LEVEL SECURITY;
                        CREATE POLICY own_orders ON orders USING (owner = current_user);
                        """)
                .add("3_touch.up.sql", """
                        CREATE FUNCTION order_total(o orders) RETURNS numeric LANGUAGE sql AS $$ SELECT o.total $$;
                        """)
                .add("4_orders_status_idx.up.sql", "CREATE INDEX CONCURRENTLY orders_status ON orders (status);\n");
    }

    private Lockstep engine(DriftComparison comparison) {
        return configure().set(LockstepSettings.DRIFT_COMPARE_WITH, comparison).load();
    }

    static Stream<Arguments> kinds() {
        return Stream.of(
                Arguments.of("an index added", "CREATE INDEX orders_total ON orders (total)", '+', "index orders_total"),
                Arguments.of("a column's type changed", "ALTER TABLE orders ALTER COLUMN total TYPE numeric(12,2)", '~',
                        "column orders.total"),
                Arguments.of("a default changed", "ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'open'", '~',
                        "column orders.status"),
                Arguments.of("a function's body changed", "CREATE OR REPLACE FUNCTION order_total(o orders) RETURNS "
                        + "numeric LANGUAGE sql AS $$ SELECT o.total * 1.2 $$", '~', "function order_total(o orders)"),
                Arguments.of("a policy dropped", "DROP POLICY own_orders ON orders", '-', "policy orders.own_orders"),
                Arguments.of("a grant added", "GRANT SELECT ON orders TO " + READER, '+',
                        "grant SELECT on orders to " + READER));
    }

    @ParameterizedTest(name = "{0}, against the replay")
    @MethodSource("kinds")
    void eachKindOfDriftIsFoundAgainstTheReplay(String kind, String byHand, char sign, String object) {
        assertFound(DriftComparison.REPLAY, byHand, sign, object);
    }

    @ParameterizedTest(name = "{0}, against the stored snapshot")
    @MethodSource("kinds")
    void eachKindOfDriftIsFoundAgainstTheStoredSnapshot(String kind, String byHand, char sign, String object) {
        assertFound(DriftComparison.SNAPSHOT, byHand, sign, object);
    }

    private void assertFound(DriftComparison comparison, String byHand, char sign, String object) {
        shop();
        migrate();
        assertThat(engine(comparison).drift().found()).as("nothing changed yet").isFalse();

        Sql.execute(schema, byHand);
        Drift drift = engine(comparison).drift();

        assertThat(drift.comparedWith()).isEqualTo(comparison);
        assertThat(drift.differences()).as(drift.describe()).singleElement().satisfies(difference -> {
            assertThat(difference.object()).isEqualTo(object);
            assertThat(difference.sign()).isEqualTo(sign);
            assertThat(difference.migrations().isPresent()).isEqualTo(sign != '+');
            assertThat(difference.database().isPresent()).isEqualTo(sign != '-');
        });
        assertThat(drift.describe()).startsWith("Drift in ").contains("1 object(s) differ from")
                .contains(sign + " " + (sign == '~' ? object : ""));
    }

    @Test
    void aChangedObjectShowsBothDefinitions() {
        shop();
        migrate();
        Sql.execute(schema, "ALTER TABLE orders ALTER COLUMN total TYPE numeric(12,2)");

        Drift drift = engine(DriftComparison.REPLAY).drift();

        assertThat(drift.describe()).isEqualTo("Drift in " + trackerName() + ": 1 object(s) differ from a replay of 4 "
                + "applied migration(s) (+ in the database only, - missing from it, ~ changed)\n"
                + "  ~ column orders.total\n"
                + "        migrations: column orders.total numeric(10,2) NOT NULL\n"
                + "        database:   column orders.total numeric(12,2) NOT NULL");
    }

    @Test
    void aChangedFunctionShowsTheLinesOfItsDefinitionThatDifferOrAgainstASnapshotItsDefinitionNow() {
        shop();
        migrate();
        Sql.execute(schema, "CREATE OR REPLACE FUNCTION order_total(o orders) RETURNS numeric LANGUAGE sql AS "
                + "$$ SELECT o.total * 1.2 $$");

        assertThat(engine(DriftComparison.REPLAY).drift().differences()).singleElement()
                .satisfies(d -> assertThat(d.detail()).contains("definition, lines that differ (- migrations, + database):\n"
                        + "  - AS $function$ SELECT o.total $function$\n"
                        + "  + AS $function$ SELECT o.total * 1.2 $function$"));
        assertThat(engine(DriftComparison.SNAPSHOT).drift().differences()).singleElement()
                .satisfies(d -> assertThat(d.detail().orElseThrow()).startsWith("definition in the database now:\n"
                        + "  CREATE OR REPLACE FUNCTION " + schema.name() + ".order_total(o orders)")
                        .contains("SELECT o.total * 1.2"));
    }

    /**
     * No false drift: migrations of many kinds, one merged out of order, one undone and applied
     * again, each run changing the stored snapshot by its own work. On every version CI runs.
     */
    @ParameterizedTest
    @EnumSource(value = DriftComparison.class, names = {"REPLAY", "SNAPSHOT"})
    void noDriftAfterPlainRuns(DriftComparison comparison) {
        shop();
        files.add("6_kinds.up.sql", """
                CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
                CREATE DOMAIN positive AS integer CHECK (VALUE > 0);
                CREATE SEQUENCE invoice_no START 1000 INCREMENT 10;
                CREATE TABLE customers (id serial PRIMARY KEY, name text COLLATE "C" NOT NULL UNIQUE, mood mood,
                    visits positive, orders_id bigint REFERENCES orders (id) ON DELETE CASCADE,
                    name_upper text GENERATED ALWAYS AS (upper(name)) STORED,
                    CHECK (name <> ''));
                CREATE VIEW customer_names AS SELECT id, name FROM customers WHERE mood <> 'sad';
                CREATE MATERIALIZED VIEW mood_counts AS SELECT mood, count(*) FROM customers GROUP BY mood;
                CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    NEW.name := trim(NEW.name);
                    RETURN NEW;
                END $$;
                CREATE TRIGGER customers_stamp BEFORE INSERT ON customers FOR EACH ROW EXECUTE FUNCTION stamp();
                CREATE TABLE events (at date NOT NULL, what text) PARTITION BY RANGE (at);
                CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
                GRANT SELECT ON customer_names TO %s;
                """.formatted(READER))
                .add("6_kinds.down.sql", """
                        DROP TABLE events; DROP TRIGGER customers_stamp ON customers; DROP FUNCTION stamp();
                        DROP MATERIALIZED VIEW mood_counts; DROP VIEW customer_names; DROP TABLE customers;
                        DROP SEQUENCE invoice_no; DROP DOMAIN positive; DROP TYPE mood;
                        """);
        migrate();
        files.add("5_orders_note.up.sql", "ALTER TABLE orders ADD COLUMN note text;\n"); // merged out of order
        migrate();
        configure().load().undo(UndoTarget.last(1), null);
        migrate();

        Drift drift = engine(comparison).drift();

        assertThat(drift.differences()).as(drift.describe()).isEmpty();
        assertThat(drift.describe()).startsWith("No drift in " + trackerName() + ": the schema is what ");
    }

    /**
     * A change made by hand before a later run is still drift after it: the run stores the snapshot
     * changed by its own work, not the schema as it finds it (which would take the change in).
     */
    @Test
    void aChangeMadeBeforeALaterRunIsStillDriftAgainstTheSnapshotThatRunStored() {
        shop();
        migrate();
        Sql.execute(schema, "CREATE INDEX orders_total ON orders (total)");
        files.add("5_orders_note.up.sql", "ALTER TABLE orders ADD COLUMN note text;\n");
        migrate();

        assertThat(engine(DriftComparison.SNAPSHOT).drift().differences()).extracting(Drift.Difference::object)
                .containsExactly("index orders_total");
    }

    @Test
    void autoComparesWithACurrentSnapshotAndElseReplays() {
        shop();
        migrate();
        assertThat(engine(DriftComparison.AUTO).drift().comparedWith()).isEqualTo(DriftComparison.SNAPSHOT);

        Sql.execute(schema, "DROP TABLE lockstep_applied_migrations_schema");
        Drift drift = engine(DriftComparison.AUTO).drift();
        assertThat(drift.comparedWith()).isEqualTo(DriftComparison.REPLAY);
        assertThat(drift.found()).isFalse();
        assertThatThrownBy(() -> engine(DriftComparison.SNAPSHOT).drift())
                .hasMessageContaining("No schema snapshot is stored beside")
                .hasMessageContaining("lockstep.drift.compare-with=replay");
    }

    @Test
    void withoutStoredSnapshotsNoTableIsMadeAndAutoReplays() {
        shop();
        configure().set(LockstepSettings.DRIFT_STORE_SNAPSHOT, false).load().migrate();

        assertThat(Sql.value(schema, "SELECT to_regclass('lockstep_applied_migrations_schema')")).isNull();
        assertThat(engine(DriftComparison.AUTO).drift().comparedWith()).isEqualTo(DriftComparison.REPLAY);
    }

    @Test
    void aSnapshotOfAnotherTrackerStateIsRefusedNotTrusted() {
        shop();
        migrate();
        Sql.execute(schema, "UPDATE lockstep_applied_migrations SET state = 'undone' WHERE version = 4");

        assertThatThrownBy(() -> engine(DriftComparison.SNAPSHOT).drift())
                .hasMessageContaining("is of another state of the tracker")
                .hasMessageContaining("lockstep.drift.compare-with=replay");
    }

    @Test
    void theIgnoreListLeavesOutWhatOtherToolsOwnAndCountsIt() {
        shop();
        migrate();
        Sql.execute(schema, "CREATE INDEX orders_total_hotfix ON orders (total); GRANT SELECT ON orders TO " + READER);

        Drift drift = configure().set(LockstepSettings.DRIFT_IGNORE, List.of("index *_hotfix")).load().drift();

        assertThat(drift.differences()).extracting(Drift.Difference::object)
                .containsExactly("grant SELECT on orders to " + READER);
        assertThat(drift.ignored()).isEqualTo(1);
        assertThat(drift.describe()).contains("(1 ignored by lockstep.drift.ignore)");
    }

    @Test
    void theReplayRefusesWhatWouldNotRunWhatRan() {
        shop();
        assertThatThrownBy(() -> engine(DriftComparison.REPLAY).drift()).hasMessageContaining("There is no tracker")
                .hasMessageContaining("nothing can drift");
        migrate();

        files.add("3_touch.up.sql", "CREATE FUNCTION order_total(o orders) RETURNS numeric LANGUAGE sql AS "
                + "$$ SELECT 0 $$;\n");
        assertThatThrownBy(() -> engine(DriftComparison.REPLAY).drift())
                .hasMessageContaining("3_touch.up.sql changed after it was applied")
                .hasMessageContaining("lockstep.drift.compare-with=snapshot");
        assertThat(engine(DriftComparison.SNAPSHOT).drift().found()).as("the snapshot does not need the files")
                .isFalse();

        files.delete("3_touch.up.sql");
        assertThatThrownBy(() -> engine(DriftComparison.REPLAY).drift()).hasMessageContaining("has no file here");
    }

    @Test
    void aReplayThatFailsNamesTheFileAndLineAndLeavesNoScratchDatabase() {
        files.add("1_needs_hand.up.sql", "CREATE TABLE t (id int);\n");
        migrate();
        // A migration relying on something made by hand: it ran here, and cannot on a fresh database.
        Sql.execute(schema, "CREATE TABLE made_by_hand (id int)");
        files.add("2_uses_it.up.sql", "SELECT 1;\nINSERT INTO made_by_hand VALUES (1);\n");
        migrate();

        assertThatThrownBy(() -> engine(DriftComparison.REPLAY).drift())
                .hasMessageContaining("2_uses_it.up.sql failed at line 2")
                .hasMessageContaining("made_by_hand");
        assertThat(Sql.count(schema, "SELECT count(*) FROM pg_database WHERE datname LIKE 'lockstep_drift_%'"))
                .as("the scratch database is dropped").isZero();
    }

    @Test
    void aRoleThatMayNotCreateDatabasesIsToldToCompareWithTheSnapshot() throws Exception {
        shop();
        migrate();
        String role = "lockstep_drift_nocreatedb";
        try (Connection c = TestPostgres.get().connect(); Statement s = c.createStatement()) {
            s.execute("DO $$ BEGIN CREATE ROLE " + role + " LOGIN NOCREATEDB PASSWORD 'x'; "
                    + "EXCEPTION WHEN duplicate_object THEN NULL; END $$");
            s.execute("GRANT USAGE ON SCHEMA " + schema.name() + " TO " + role);
            s.execute("GRANT SELECT ON ALL TABLES IN SCHEMA " + schema.name() + " TO " + role);
        }
        javax.sql.DataSource limited = as(role);

        LockstepConfiguration asLimited = Lockstep.configure().dataSource(limited).locations(files.location());
        assertThatThrownBy(() -> asLimited.set(LockstepSettings.DRIFT_COMPARE_WITH, DriftComparison.REPLAY).load()
                .drift()).hasMessageContaining("may not create one").hasMessageContaining("CREATEDB")
                .hasMessageContaining("lockstep.drift.compare-with=snapshot");
        Drift drift = asLimited.set(LockstepSettings.DRIFT_COMPARE_WITH, DriftComparison.SNAPSHOT).load().drift();
        assertThat(drift.differences()).as("the grants this test made by hand are drift too")
                .extracting(Drift.Difference::object)
                .containsExactly("grant SELECT on orders to " + role, "grant USAGE on schema to " + role);
    }

    /**
     * Default privileges a DBA set in the live database (per database, outside the migrations) and
     * the grants on the schema give the replay's objects the same grants, revocations included: no
     * false drift. Run as a role of its own, so its global default (functions not executable by
     * PUBLIC) touches no other test.
     */
    @Test
    void theLiveDatabasesDefaultPrivilegesAreTheReplaysToo() throws Exception {
        shop();
        String owner = "lockstep_drift_owner";
        try (Connection c = TestPostgres.get().connect(); Statement s = c.createStatement()) {
            s.execute("DO $$ BEGIN CREATE ROLE " + owner + " LOGIN CREATEDB PASSWORD 'x'; "
                    + "EXCEPTION WHEN duplicate_object THEN NULL; END $$");
            s.execute("ALTER SCHEMA " + schema.name() + " OWNER TO " + owner);
            s.execute("GRANT USAGE ON SCHEMA " + schema.name() + " TO " + READER);
            s.execute("ALTER DEFAULT PRIVILEGES FOR ROLE " + owner + " REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC");
            s.execute("ALTER DEFAULT PRIVILEGES FOR ROLE " + owner + " IN SCHEMA " + schema.name()
                    + " GRANT SELECT ON TABLES TO " + READER);
        }
        javax.sql.DataSource asOwner = as(owner);
        LockstepConfiguration configuration = Lockstep.configure().dataSource(asOwner).locations(files.location());
        configuration.load().migrate();
        assertThat(Sql.count(schema, "SELECT count(*) FROM information_schema.role_table_grants WHERE grantee = '"
                + READER + "' AND table_schema = '" + schema.name() + "' AND table_name = 'orders'")).as("the live tables got the grant").isEqualTo(1);

        Drift drift = configuration.set(LockstepSettings.DRIFT_COMPARE_WITH, DriftComparison.REPLAY).load().drift();

        assertThat(drift.differences()).as(drift.describe()).isEmpty();
    }

    /** Sessions of {@code role} (password {@code x}) that start in this test's schema. */
    private javax.sql.DataSource as(String role) {
        org.postgresql.ds.PGSimpleDataSource dataSource = new org.postgresql.ds.PGSimpleDataSource();
        dataSource.setURL(TestPostgres.get().jdbcUrl() + (TestPostgres.get().jdbcUrl().contains("?") ? "&" : "?")
                + "currentSchema=" + schema.name());
        dataSource.setUser(role);
        dataSource.setPassword("x");
        return dataSource;
    }

    private String trackerName() {
        return schema.name() + ".lockstep_applied_migrations";
    }
}
