package dev.lockstep.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The run's session dies (terminated backend, as in a server restart): errors keep their file and line, waiters wait on. */
class ConnectionLossTest extends SchemaTestBase {

    private LockstepConfiguration named() {
        return configure().lockKey(schema.lockKey()).runnerName(schema.name());
    }

    /** Terminates the run's backend once it runs a statement containing {@code marker}. */
    private CompletableFuture<Boolean> terminateWhenRunning(String marker) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                String session = "application_name LIKE 'lockstep " + schema.name() + "@%'";
                boolean running = Poll.until(Duration.ofSeconds(20), () -> Sql.count(schema,
                        "SELECT count(*) FROM pg_stat_activity WHERE " + session + " AND state = 'active' "
                                + "AND query LIKE '%" + marker + "%'") > 0);
                Sql.value(schema, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE " + session);
                return running;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void aConnectionLostMidTransactionNamesFileLineAndCauseAndRecordsNothing() throws Exception {
        files.add("1_a.up.sql", "CREATE TABLE a (id int);")
                .add("2_slow.up.sql", "CREATE TABLE b (id int);\n\nSELECT pg_sleep(30) /* slow-tx */;\n");
        List<String> failed = new CopyOnWriteArrayList<>();
        CompletableFuture<Boolean> killer = terminateWhenRunning("slow-tx");

        assertThatThrownBy(() -> named().listener(new LockstepListener() {
            @Override
            public void migrationFailed(Migration migration, Duration took, LockstepException error) {
                failed.add(migration.name());
            }
        }).load().migrate())
                .isInstanceOf(MigrationFailedException.class)
                .hasMessageContaining("2_slow.up.sql failed at line 3")
                .hasMessageContaining("terminating connection")
                .hasMessageContaining("[SQLState 57P01]")
                .hasMessageContaining("connection to PostgreSQL was lost")
                .hasMessageNotContaining("Connection is closed");

        assertThat(killer.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(failed).containsExactly("slow");
        assertThat(Sql.tracker(schema)).containsExactly("1_a:applied");
        assertThat(Sql.value(schema, "SELECT to_regclass('" + schema.name() + ".b')")).isNull();
    }

    @Test
    void aConnectionLostMidNonTransactionalMigrationLeavesItsRowRunning() throws Exception {
        files.add("1_slow.up.sql", "-- lockstep:transaction=false\nCREATE TABLE b (id int);\n"
                + "SELECT pg_sleep(30) /* slow-autocommit */;\n");
        CompletableFuture<Boolean> killer = terminateWhenRunning("slow-autocommit");

        assertThatThrownBy(() -> named().load().migrate())
                .isInstanceOf(MigrationFailedException.class)
                .hasMessageContaining("1_slow.up.sql failed at line 3")
                .hasMessageContaining("[SQLState 57P01]")
                .hasMessageContaining("stays 'running'");

        assertThat(killer.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(Sql.tracker(schema)).containsExactly("1_slow:running");
    }

    @Test
    void aWaiterWhoseConnectionDiesReconnectsAndWaitsOn() throws Exception {
        files.add("1_a.up.sql", "CREATE TABLE a (id int);");
        String session = "application_name LIKE 'lockstep " + schema.name() + "@%'";
        try (Holder holder = new Holder(schema, schema.lockKey())) {
            CompletableFuture<List<String>> run = CompletableFuture.supplyAsync(
                    () -> LogCapture.during(LogCapture.ENGINE, () -> named().load().migrate()));
            assertThat(Poll.until(Duration.ofSeconds(20), () -> Sql.count(schema,
                    "SELECT count(*) FROM pg_stat_activity WHERE " + session) > 0)).isTrue();
            long firstPid = Sql.count(schema, "SELECT pid FROM pg_stat_activity WHERE " + session);

            Sql.value(schema, "SELECT pg_terminate_backend(" + firstPid + ")");

            assertThat(Poll.until(Duration.ofSeconds(20), () -> Sql.count(schema, "SELECT count(*) FROM "
                    + "pg_stat_activity WHERE " + session + " AND pid <> " + firstPid) > 0))
                    .as("waiting again on a new session").isTrue();
            assertThat(run).isNotDone();
            holder.release();

            List<String> log = run.get(20, TimeUnit.SECONDS);
            assertThat(log).anySatisfy(line -> assertThat(line).contains("Lost the connection to PostgreSQL while "
                    + "waiting for the migration lock").contains("reconnects to wait on"));
            assertThat(log).noneMatch(line -> line.contains("Could not restore")
                    || line.contains("Could not put the session back"));
        }
        assertThat(Sql.tracker(schema)).containsExactly("1_a:applied");
    }
}
