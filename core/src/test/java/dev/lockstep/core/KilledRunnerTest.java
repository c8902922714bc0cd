package dev.lockstep.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lockstep.test.TestPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A runner's process is SIGKILLed mid-migration (an orchestrator's kill, an OOM kill). Its backend
 * notices within a second ({@code client_connection_check_interval}) instead of when its statement
 * ends, so the lock frees at once; what it did is applied once, or left for an operator to finish.
 */
class KilledRunnerTest extends SchemaTestBase {

    @TempDir
    Path logs;

    private String victim() {
        return "killme_" + schema.name();
    }

    /** Sleeps only in the victim's session: everyone else runs the same file at full speed. */
    private String sleepInVictim(int seconds) {
        return "SELECT pg_sleep(CASE WHEN current_setting('application_name') LIKE 'lockstep " + victim()
                + "@%' THEN " + seconds + " ELSE 0 END)";
    }

    private boolean lockHeld() {
        return Sql.count(schema, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                + "AND objid::bigint = " + (schema.lockKey() & 0xFFFF_FFFFL)) > 0;
    }

    /** Starts the victim, waits until it sleeps inside the migration, kills it, returns when the kill is done. */
    private void killMidMigration() throws Exception {
        Process victim = RunnerProcess.start(schema, files.location(), victim(), logs.resolve("victim.log"));
        try {
            assertThat(Poll.until(Duration.ofSeconds(60), () -> lockHeld() && Sql.count(schema,
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'lockstep " + victim()
                            + "@%' AND state = 'active' AND wait_event = 'PgSleep'") > 0))
                    .as("the victim sleeps inside its migration").isTrue();
        } finally {
            victim.destroyForcibly();
            assertThat(victim.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    /**
     * A killed runner's backend notices it mid-statement only through client_connection_check_interval,
     * PostgreSQL 14 and later; on 13 the lock stays until the statement ends (the negative control).
     */
    static void assumeConnectionCheck() {
        assumeTrue(TestPostgres.get().majorVersion() >= 14,
                "a backend notices its killed client mid-statement from PostgreSQL 14 (client_connection_check_interval)");
    }

    private long millisUntilLockFree(Duration deadline) throws Exception {
        long killed = System.nanoTime();
        assertThat(Poll.until(deadline, () -> !lockHeld())).as("lock free within " + deadline).isTrue();
        return Duration.ofNanos(System.nanoTime() - killed).toMillis();
    }

    @Test
    void aKilledHoldersTransactionalMigrationFreesTheLockInSecondsAndIsAppliedOnceByTheNext() throws Exception {
        assumeConnectionCheck();
        files.add("1_slow.up.sql", sleepInVictim(60) + ";\nCREATE TABLE t (id int);\nINSERT INTO t VALUES (1);");

        killMidMigration();

        long released = millisUntilLockFree(Duration.ofSeconds(5));
        System.out.println("SIGKILL to lock release, client_connection_check_interval=1s: " + released + " ms");
        assertThat(Sql.tracker(schema)).isEmpty();
        assertThat(configure().lockKey(schema.lockKey()).load().migrate().applied()).hasSize(1);
        assertThat(Sql.tracker(schema)).containsExactly("1_slow:applied");
        assertThat(Sql.count(schema, "SELECT count(*) FROM t")).isEqualTo(1);
    }

    /** The negative control: the same kill with the connection check switched off by the migration itself. */
    @Test
    void withoutTheConnectionCheckTheKilledBackendKeepsTheLockUntilItsStatementEnds() throws Exception {
        // PostgreSQL 13 has no connection check to switch off: this is how a kill goes there.
        String checkOff = TestPostgres.get().majorVersion() >= 14 ? "SET client_connection_check_interval = 0;\n" : "";
        files.add("1_slow.up.sql", checkOff + sleepInVictim(8) + ";\n");

        killMidMigration();

        assertThat(Poll.until(Duration.ofSeconds(3), () -> !lockHeld())).as("lock free within 3 s").isFalse();
        long released = 3_000 + millisUntilLockFree(Duration.ofSeconds(30));
        System.out.println("SIGKILL to lock release, client_connection_check_interval=0: " + released + " ms");
    }

    @Test
    void aKilledNonTransactionalMigrationStopsTheNextStartWithStepsThatRecoverWhenFollowed() throws Exception {
        assumeConnectionCheck();
        files.add("1_slow.up.sql", "-- lockstep:transaction=false\nCREATE TABLE t (id int);\n" + sleepInVictim(60)
                + ";\nCREATE INDEX CONCURRENTLY t_id ON t (id);\n");

        killMidMigration();
        millisUntilLockFree(Duration.ofSeconds(5));
        assertThat(Sql.tracker(schema)).containsExactly("1_slow:running");

        String message = catchMessage();
        assertThat(message).contains("1_slow was interrupted").contains("undo the ones that took effect");
        Matcher delete = Pattern.compile("DELETE FROM [^;]+;").matcher(message);
        assertThat(delete.find()).isTrue();
        Sql.execute(schema, "DROP TABLE t"); // the statement that took effect, undone
        Sql.execute(schema, delete.group());

        assertThat(configure().lockKey(schema.lockKey()).load().migrate().applied()).hasSize(1);
        assertThat(Sql.tracker(schema)).containsExactly("1_slow:applied");
        assertThat(Sql.value(schema, "SELECT to_regclass('" + schema.name() + ".t_id')")).isNotNull();
    }

    private String catchMessage() {
        try {
            configure().lockKey(schema.lockKey()).load().migrate();
        } catch (LockstepException e) {
            return e.getMessage();
        }
        throw new AssertionError("the next start should stop at the interrupted migration");
    }
}
