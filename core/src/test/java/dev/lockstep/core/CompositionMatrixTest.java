package dev.lockstep.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockstep.core.MatrixTarget.Kind;
import dev.lockstep.core.internal.run.EngineParts;
import dev.lockstep.core.internal.run.RunSettings;
import dev.lockstep.core.internal.run.RunTarget;
import dev.lockstep.core.internal.run.UndoCommand;
import dev.lockstep.test.TestPostgres;
import dev.lockstep.test.TestSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command in every kind of target, through the Java API, with faults: each acts only on its
 * own target, no row says what did not happen, nothing is applied twice. The decoy is an
 * {@code accounts} table with three rows and an index {@code accounts_note_idx} in the schema every
 * connection starts in, the names the target's own migrations use: a command that ignored its
 * target's database, schema or {@code search_path} would change it (an undo's {@code DELETE FROM
 * accounts} once emptied it). Without the tenant's {@code search_path} on undo's session, the
 * schema-tenant rows fail here.
 */
class CompositionMatrixTest {

    @TempDir
    Path folder;
    @TempDir
    Path logs;

    private TestSchema home;
    private MigrationDir files;
    private MatrixTarget target;
    private final List<String> schemas = new ArrayList<>();
    private final List<String> databases = new ArrayList<>();

    private MatrixTarget prepare(Kind kind) {
        home = TestPostgres.get().newSchema();
        Sql.execute(home, "CREATE TABLE accounts (id int PRIMARY KEY, note text); INSERT INTO accounts VALUES "
                + "(1, 'x'), (2, 'y'), (3, 'z'); CREATE INDEX accounts_note_idx ON accounts (note)");
        String name = home.name() + "_" + kind.name().toLowerCase(Locale.ROOT);
        if (kind == Kind.DATABASE_TENANT) {
            server("CREATE DATABASE " + name);
            databases.add(name);
        } else {
            server("CREATE SCHEMA " + name);
            schemas.add(name);
        }
        files = new MigrationDir(folder.resolve("migrations"))
                .add("1_accounts.up.sql", "CREATE TABLE accounts (id int PRIMARY KEY, note text);\n"
                        + "INSERT INTO accounts VALUES (1, 'a'), (2, 'b'), (3, 'c');\n")
                .add("1_accounts.down.sql", "DELETE FROM accounts;\nDROP TABLE accounts;\n")
                .add("2_accounts_note_idx.up.sql", "CREATE INDEX CONCURRENTLY accounts_note_idx ON accounts (note);\n")
                .add("2_accounts_note_idx.down.sql", "DROP INDEX CONCURRENTLY accounts_note_idx;\n");
        target = new MatrixTarget(kind, home.name(), name, files.location(), ThreadLocalRandom.current().nextLong(),
                MatrixTarget.Server.ofTests());
        return target;
    }

    @AfterEach
    void dropEverything() {
        schemas.forEach(s -> server("DROP SCHEMA IF EXISTS " + s + " CASCADE"));
        databases.forEach(d -> server("DROP DATABASE IF EXISTS " + d + " WITH (FORCE)"));
        if (home != null) {
            home.close();
        }
    }

    private static void server(String sql) {
        try (Connection c = TestPostgres.get().connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** The decoy as it was, and no tracker where the connection starts. */
    private void assertDecoyUntouched() {
        assertThat(Sql.count(home, "SELECT count(*) FROM accounts")).as("the decoy's rows").isEqualTo(3);
        assertThat(Sql.value(home, "SELECT to_regclass('accounts_note_idx') IS NOT NULL")).as("the decoy's index")
                .isEqualTo(true);
        assertThat(Sql.value(home, "SELECT to_regclass('lockstep_applied_migrations')")).as("no tracker beside it")
                .isNull();
    }

    /** Neither way of looking finds drift: the snapshot each run stored, and a replay of the applied migrations. */
    private static void assertNoDrift(MatrixTarget at) {
        for (DriftComparison comparison : List.of(DriftComparison.REPLAY, DriftComparison.SNAPSHOT)) {
            Drift drift = at.engine(c -> c.set(LockstepSettings.DRIFT_COMPARE_WITH, comparison)).drift();
            assertThat(drift.differences()).as("%s: %s", comparison, drift.describe()).isEmpty();
            assertThat(drift.comparedWith()).isEqualTo(comparison);
        }
    }

    private static MigrationVersion v(String version) {
        return MigrationVersion.parse(version);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void everyCommandActsOnlyOnItsOwnTarget(Kind kind) throws Exception {
        MatrixTarget at = prepare(kind);

        MigrationPreview preview = at.engine().preview();
        assertThat(preview.pending()).hasSize(2);
        assertThat(at.rows()).as("preview writes nothing").isEmpty();
        assertThatThrownBy(() -> at.engine().validate()).isInstanceOf(ValidationException.class);

        assertThat(at.engine().migrate().applied()).hasSize(2);
        assertThat(at.accounts()).isEqualTo(3);
        assertThat(at.rows()).containsExactly("1_accounts:applied", "2_accounts_note_idx:applied");
        assertThat(at.engine().info()).extracting(MigrationInfo::state)
                .containsExactly(MigrationState.APPLIED, MigrationState.APPLIED);
        assertThat(at.engine().validate().alreadyApplied()).isEqualTo(2);
        assertNoDrift(at);
        at.execute("CREATE INDEX accounts_hotfix ON accounts (id, note)");
        for (DriftComparison comparison : List.of(DriftComparison.REPLAY, DriftComparison.SNAPSHOT)) {
            assertThat(at.engine(c -> c.set(LockstepSettings.DRIFT_COMPARE_WITH, comparison)).drift().differences())
                    .as("drift against the %s", comparison).extracting(Drift.Difference::object)
                    .containsExactly("index accounts_hotfix");
        }
        at.execute("DROP INDEX accounts_hotfix");
        assertDecoyUntouched();

        UndoPlan undone = at.engine().undo(UndoTarget.last(2), null);
        assertThat(undone.steps()).hasSize(2);
        assertThat(at.accounts()).as("the target's table is gone").isEqualTo(-1);
        assertThat(at.rows()).containsExactly("1_accounts:undone", "2_accounts_note_idx:undone");
        assertDecoyUntouched();

        assertThat(at.engine().migrate().applied()).hasSize(2);
        assertThat(at.accounts()).isEqualTo(3);
        assertNoDrift(at);

        files.add("1_accounts.up.sql", "CREATE TABLE accounts (id int PRIMARY KEY, note text);\n"
                + "INSERT INTO accounts VALUES (1, 'a'), (2, 'b'), (3, 'c');\n-- a comment added later\n");
        assertThatThrownBy(() -> at.engine().validate()).hasMessageContaining("changed after it was applied");
        at.engine().repair(RepairAction.ACCEPT_CHECKSUM, v("1"), null);

        Files.move(files.path().resolve("2_accounts_note_idx.up.sql"),
                files.path().resolve("2_accounts_note_index.up.sql"));
        Files.move(files.path().resolve("2_accounts_note_idx.down.sql"),
                files.path().resolve("2_accounts_note_index.down.sql"));
        assertThatThrownBy(() -> at.engine().validate()).hasMessageContaining("was applied as 'accounts_note_idx'");
        at.engine().repair(RepairAction.ACCEPT_RENAME, v("2"), null);

        assertThat(at.engine().validate().alreadyApplied()).isEqualTo(2);
        assertThat(at.rows()).containsExactly("1_accounts:applied", "2_accounts_note_index:applied");
        assertNoDrift(at); // an accepted checksum or name changes rows, not the schema: the snapshot holds
        assertDecoyUntouched();
    }

    /**
     * The negative control: the same tenant's target with the home schema's {@code search_path}
     * (what undo once acted with, before it set the tenant's; the tracker's schema alone now puts the
     * tenant first too) undoes into the decoy, so the schema-tenant rows above can fail.
     */
    @Test
    void withoutTheTenantsSearchPathAnUndoLandsInTheDecoy() {
        MatrixTarget at = prepare(Kind.SCHEMA_TENANT);
        at.engine().migrate();
        RunSettings settings = Lockstep.configure().dataSource(home.dataSource()).locations(files.location())
                .lockKey(at.lockKey()).check();
        RunTarget tenantWithoutSearchPath = new RunTarget(Optional.of(at.name()), home.dataSource(),
                Optional.of(at.name()), settings.target().table(), Optional.of(at.lockKey()),
                Optional.of("\"" + home.name() + "\""), settings.target().placeholders());

        new Lockstep(settings.on(tenantWithoutSearchPath), EngineParts.STANDARD).undo(UndoTarget.last(2), null);

        assertThat(at.rows()).containsExactly("1_accounts:undone", "2_accounts_note_idx:undone");
        assertThat(at.accounts()).as("the tenant's own table is still there").isEqualTo(3);
        assertThat(Sql.value(home, "SELECT to_regclass('accounts')")).as("the decoy is gone").isNull();
    }

    /** Migration 3 inserts 4, sleeps (in the victim only) and inserts 5, outside a transaction; its down mirrors it. */
    private String addSlowThird(String victim) {
        String sleep = "SELECT pg_sleep(CASE WHEN current_setting('application_name') LIKE 'lockstep%" + victim
                + "@%' THEN " + VictimSleep.seconds() + " ELSE 0 END);\n";
        files.add("3_two_rows.up.sql", "-- lockstep:transaction=false\nINSERT INTO accounts VALUES (4, 'd');\n" + sleep
                        + "INSERT INTO accounts VALUES (5, 'e');\n")
                .add("3_two_rows.down.sql", "-- lockstep:transaction=false\nDELETE FROM accounts WHERE id = 5;\n"
                        + sleep + "DELETE FROM accounts WHERE id = 4;\n");
        return victim;
    }

    /** Runs the command in a JVM of its own, waits until it sleeps inside the file, kills it with SIGKILL. */
    private void killMidStatement(String victim, String command) throws Exception {
        Process process = MatrixProcess.start(target, victim, command, logs.resolve(command + ".log"));
        String mine = "application_name LIKE 'lockstep%" + victim + "@%'";
        try {
            assertThat(Poll.until(Duration.ofSeconds(60), () -> Sql.count(home, "SELECT count(*) FROM pg_stat_activity "
                    + "WHERE " + mine + " AND state = 'active' AND wait_event = 'PgSleep'") > 0))
                    .as(command + " sleeps inside the file").isTrue();
        } finally {
            process.destroyForcibly();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(Poll.until(Duration.ofSeconds(30), () -> Sql.count(home, "SELECT count(*) FROM pg_stat_activity "
                + "WHERE " + mine) == 0)).as("its backend ends with it").isTrue();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aKillMidStatementLeavesItsOwnTargetSayingWhatHappenedAndNothingIsAppliedTwice(Kind kind) throws Exception {
        MatrixTarget at = prepare(kind);
        at.engine().migrate();
        String victim = addSlowThird("victim" + Long.toHexString(at.lockKey() & 0xffffff));

        killMidStatement(victim, "migrate");

        assertThat(at.rows()).contains("3_two_rows:running");
        assertThat(at.value("SELECT string_agg(id::text, ',' ORDER BY id) FROM accounts")).isEqualTo("1,2,3,4");
        assertThatThrownBy(() -> at.engine().validate()).hasMessageContaining("Migration 3_two_rows was interrupted");
        assertThatThrownBy(() -> at.engine().migrate()).hasMessageContaining("Migration 3_two_rows was interrupted");
        assertThat(at.accounts()).as("nothing ran twice").isEqualTo(4);
        // The operator finishes the file by hand and says so.
        at.execute("INSERT INTO accounts VALUES (5, 'e')");
        at.engine().repair(RepairAction.MARK_DONE, v("3"), null);
        assertThat(at.engine().validate().alreadyApplied()).isEqualTo(3);

        killMidStatement(victim, "undo");

        assertThat(at.rows()).contains("3_two_rows:undoing");
        assertThat(at.value("SELECT string_agg(id::text, ',' ORDER BY id) FROM accounts")).isEqualTo("1,2,3,4");
        assertThatThrownBy(() -> at.engine().validate()).hasMessageContaining("'undoing'")
                .hasMessageContaining("mark-undone --version=3");
        assertThatThrownBy(() -> at.engine().migrate()).hasMessageContaining("'undoing'");
        // The operator finishes the down by hand and says so; the next migrate applies 3 again, once.
        at.execute("DELETE FROM accounts WHERE id = 4");
        at.engine().repair(RepairAction.MARK_UNDONE, v("3"), null);
        assertThat(at.rows()).contains("3_two_rows:undone");
        assertThat(at.engine().migrate().applied()).hasSize(1);
        assertThat(at.value("SELECT string_agg(id::text, ',' ORDER BY id) FROM accounts")).isEqualTo("1,2,3,4,5");
        assertDecoyUntouched();
    }

    /**
     * A batched migration's job in each kind of target: recorded in the target's own job table, its
     * batches run on the target's rows (not the decoy's, whose notes stay lower case), paused and
     * resumed there; drift sees neither the job table nor a schema change; on a read-only server the
     * jobs are listed and running or steering them is refused as read-only.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void aBatchedJobRunsAndIsSteeredInItsOwnTarget(Kind kind) {
        MatrixTarget at = prepare(kind);
        files.add("3_upper_notes.up.sql", "-- lockstep:batched table=accounts key=id\n"
                + "UPDATE accounts SET note = upper(note) WHERE id >= ${batch.from} AND id < ${batch.to}");
        at.engine().migrate();
        assertThat(at.engine().jobs()).extracting(BatchedJob::state).containsExactly(JobState.PENDING);

        Lockstep readOnly = at.engine("matrix", true, c -> c);
        assertThat(readOnly.jobs()).extracting(BatchedJob::state).containsExactly(JobState.PENDING);
        assertThatThrownBy(readOnly::runJobs).hasMessageContaining("cannot run batched migrations in")
                .hasMessageContaining("read-only");
        assertThatThrownBy(() -> readOnly.pauseJob("3")).hasMessageContaining("read-only");

        assertThat(at.engine().pauseJob("3").state()).isEqualTo(JobState.PAUSED);
        assertThat(at.engine().runJobs()).isEmpty();
        at.engine().resumeJob("3");
        assertThat(at.engine().runJobs()).extracting(BatchedJob::state).containsExactly(JobState.FINISHED);

        assertThat(at.value("SELECT string_agg(note, ',' ORDER BY id) FROM accounts")).isEqualTo("A,B,C");
        assertThat(Sql.value(home, "SELECT string_agg(note, ',' ORDER BY id) FROM accounts")).isEqualTo("x,y,z");
        assertDecoyUntouched();
        assertNoDrift(at);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void onAReadOnlyServerEveryCommandThatWritesIsRefusedAsReadOnlyAndEveryReaderAnswers(Kind kind) {
        MatrixTarget at = prepare(kind);
        at.engine().migrate();
        files.add("3_more.up.sql", "INSERT INTO accounts VALUES (4, 'd');");
        List<String> before = at.rows();

        Lockstep readOnly = at.engine("matrix", true, c -> c);
        assertThatThrownBy(readOnly::migrate).hasMessageContaining("cannot migrate").hasMessageContaining("read-only");
        assertThatThrownBy(() -> readOnly.undo(UndoTarget.last(1), null)).hasMessageContaining("cannot undo migrations in")
                .hasMessageContaining("read-only");
        for (RepairAction action : RepairAction.values()) {
            assertThatThrownBy(() -> readOnly.repair(action, v("2"), null)).as(action.name())
                    .hasMessageContaining("cannot repair the tracker in").hasMessageContaining("read-only");
        }
        assertThatThrownBy(readOnly::validate).isInstanceOf(ValidationException.class)
                .hasMessageContaining("3_more.up.sql");
        assertThat(readOnly.info()).extracting(MigrationInfo::state)
                .containsExactly(MigrationState.APPLIED, MigrationState.APPLIED, MigrationState.PENDING);
        assertThat(readOnly.preview().pending()).hasSize(1);
        Lockstep readOnlyReplay = at.engine("matrix", true, c -> c.set(LockstepSettings.DRIFT_COMPARE_WITH,
                DriftComparison.REPLAY));
        assertThatThrownBy(readOnlyReplay::drift).hasMessageContaining("takes no writes")
                .hasMessageContaining("lockstep.drift.compare-with=snapshot");
        assertThat(readOnly.drift().comparedWith()).as("the stored snapshot needs no write")
                .isEqualTo(DriftComparison.SNAPSHOT);
        assertThat(readOnly.drift().found()).isFalse();

        assertThat(at.rows()).as("nothing written").isEqualTo(before);
        assertThat(at.accounts()).isEqualTo(3);
        assertDecoyUntouched();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aHeldMigrationLockIsWaitedForOrRefusedByNameAndATableLockIsWaitedOutUnderLockTimeout(Kind kind)
            throws Exception {
        MatrixTarget at = prepare(kind);
        at.engine().migrate();
        files.add("3_note_default.up.sql", "ALTER TABLE accounts ALTER COLUMN note SET DEFAULT 'n';")
                .add("3_note_default.down.sql", "ALTER TABLE accounts ALTER COLUMN note DROP DEFAULT;");

        // Advisory locks belong to a database: the holder sits where the target's runs take theirs.
        try (Connection holder = at.connect(); Statement s = holder.createStatement()) {
            s.execute("SELECT pg_advisory_lock(" + at.lockKey() + ")");
            Lockstep waiting = at.engine(c -> c.lockTimeout(Duration.ofSeconds(1)));
            assertThatThrownBy(waiting::migrate).isInstanceOf(LockTimeoutException.class);
            assertThatThrownBy(() -> waiting.undo(UndoTarget.last(1), null)).isInstanceOf(LockTimeoutException.class);
            for (RepairAction action : RepairAction.values()) {
                assertThatThrownBy(() -> waiting.repair(action, v("2"), null)).as(action.name())
                        .hasMessageContaining("Another runner holds the migration lock");
            }
            assertThatThrownBy(waiting::validate).isInstanceOf(ValidationException.class);
            assertThat(waiting.info()).hasSize(3);
            assertThat(waiting.preview().pending()).hasSize(1);
            assertThat(waiting.drift().found()).as("drift takes no lock").isFalse();
        }
        assertThat(at.rows()).containsExactly("1_accounts:applied", "2_accounts_note_idx:applied");

        // A reader holds the target's table: the ALTER and its down wait under lock_timeout, retried, not queued.
        CountDownLatch retried = new CountDownLatch(1);
        Lockstep patient = at.engine(c -> c.ddlLockTimeout(Duration.ofMillis(100)).ddlMaxWait(Duration.ofMinutes(2))
                .listener(new LockstepListener() {
                    @Override
                    public void migrationLockRetry(Migration migration, int attempt, Duration waited, Duration pause,
                            BlockedOn blockedOn) {
                        retried.countDown();
                    }
                }));
        try (Connection reader = at.connect(); Statement s = reader.createStatement()) {
            reader.setAutoCommit(false);
            s.execute("SELECT count(*) FROM accounts");
            CompletableFuture<MigrationReport> migrate = CompletableFuture.supplyAsync(patient::migrate);
            assertThat(retried.await(30, TimeUnit.SECONDS)).as("cancelled by lock_timeout, tried again").isTrue();
            assertThat(migrate).isNotDone();
            reader.commit();
            migrate.get(60, TimeUnit.SECONDS);
        }
        assertThat(at.rows()).contains("3_note_default:applied");
        try (Connection reader = at.connect(); Statement s = reader.createStatement()) {
            reader.setAutoCommit(false);
            s.execute("SELECT count(*) FROM accounts");
            List<String> log = new CopyOnWriteArrayList<>();
            CompletableFuture<Void> undo = CompletableFuture.runAsync(() -> LogCapture.during(UndoCommand.class, log,
                    () -> patient.undo(UndoTarget.last(1), null)));
            assertThat(Poll.until(Duration.ofSeconds(30), () -> log.stream().anyMatch(l ->
                    l.contains("its transaction was rolled back, trying again")))).as("the down is retried").isTrue();
            reader.commit();
            undo.get(60, TimeUnit.SECONDS);
        }
        assertThat(at.rows()).contains("3_note_default:undone");
        assertDecoyUntouched();
    }
}
