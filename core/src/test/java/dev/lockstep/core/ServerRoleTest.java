package dev.lockstep.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Servers that are not a plain primary, each started by the test: a standby, a database whose
 * sessions are read-only, a primary whose commits wait for a synchronous standby that never answers.
 */
class ServerRoleTest {

    @TempDir
    Path data;
    @TempDir
    Path migrations;

    private LockstepConfiguration runner(OwnServer server, MigrationDir files, AtomicBoolean locked) {
        return Lockstep.configure().dataSource(server.dataSource()).locations(files.location()).runnerName("roles")
                .listener(new LockstepListener() {
                    @Override
                    public void lockAcquired(Duration waited) {
                        locked.set(true);
                    }
                });
    }

    /** A replica with nothing to do starts (nothing is written); one with a pending file is refused before the lock. */
    @Test
    void aStandbyIsRefusedBeforeTheLockNamingTargetServerType() throws Exception {
        MigrationDir files = new MigrationDir(migrations).add("1_t.up.sql", "CREATE TABLE t (id int);");
        try (OwnServer server = new OwnServer(data, Map.of())) {
            AtomicBoolean locked = new AtomicBoolean();
            runner(server, files, locked).load().migrate();
            server.restartAsStandby();
            locked.set(false);
            assertThat(runner(server, files, locked).load().migrate().applied()).isEmpty();
            files.add("2_u.up.sql", "CREATE TABLE u (id int);");
            assertThatThrownBy(() -> runner(server, files, locked).load().migrate())
                    .isInstanceOf(LockstepException.class)
                    .hasMessageContaining("it is a standby (pg_is_in_recovery() is true)")
                    .hasMessageContaining("no lock was taken")
                    .hasMessageContaining("targetServerType=primary")
                    .hasMessageNotContaining("Fix the file");
            assertThat(locked).isFalse();
        }
    }

    @Test
    void aDatabaseWithReadOnlySessionsIsRefusedBeforeTheLock() throws Exception {
        MigrationDir files = new MigrationDir(migrations).add("1_t.up.sql", "CREATE TABLE t (id int);");
        try (OwnServer server = new OwnServer(data, Map.of("default_transaction_read_only", "on"))) {
            AtomicBoolean locked = new AtomicBoolean();
            assertThatThrownBy(() -> runner(server, files, locked).load().migrate())
                    .isInstanceOf(LockstepException.class)
                    .hasMessageContaining("its sessions are read-only")
                    .hasMessageContaining("ALTER ROLE");
            assertThat(locked).isFalse();
        }
    }

    /**
     * The migration's commit waits for a synchronous standby that never answers; its backend is
     * terminated there. PostgreSQL had committed it locally: the run reads the tracker over a new
     * connection and says it is applied (it said "nothing was recorded" before), and the next run
     * applies nothing twice.
     */
    @Test
    void aCommitCutWhileWaitingForASynchronousStandbyIsCheckedAndReportedAsApplied() throws Exception {
        MigrationDir files = new MigrationDir(migrations).add("1_t.up.sql", "CREATE TABLE t (id int);");
        // Every commit is local, except those of the role the migrations run as.
        try (OwnServer server = new OwnServer(data, Map.of("synchronous_standby_names", "ghost",
                "synchronous_commit", "local"))) {
            AtomicBoolean locked = new AtomicBoolean();
            runner(server, files, locked).load().migrate();
            try (Connection c = server.connect(); Statement s = c.createStatement()) {
                s.execute("CREATE ROLE migrator LOGIN SUPERUSER");
                s.execute("ALTER ROLE migrator SET synchronous_commit = on");
            }
            files.add("2_u.up.sql", "CREATE TABLE u (id int);").add("3_v.up.sql", "CREATE TABLE v (id int);");
            PGSimpleDataSource asMigrator = server.dataSource();
            asMigrator.setUser("migrator");
            CompletableFuture<MigrationReport> run = CompletableFuture.supplyAsync(() -> Lockstep.configure()
                    .dataSource(asMigrator).locations(files.location()).runnerName("roles").load().migrate());
            try (Connection c = server.connect(); Statement s = c.createStatement()) {
                assertThat(Poll.until(Duration.ofSeconds(30), () -> {
                    try (var rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'SyncRep' "
                            + "AND application_name LIKE 'lockstep roles@%'")) {
                        rs.next();
                        return rs.getLong(1) == 1;
                    }
                })).as("the commit waits for the standby").isTrue();
                s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE wait_event = 'SyncRep'");
            }
            assertThatThrownBy(() -> run.get(30, TimeUnit.SECONDS)).cause()
                    .isInstanceOf(LockstepException.class)
                    .isNotInstanceOf(MigrationFailedException.class)
                    .hasMessageContaining("2_u.up.sql was applied and recorded, but the connection to PostgreSQL was "
                            + "lost at its COMMIT")
                    .hasMessageContaining("[SQLState ")
                    .hasMessageContaining("says 'applied'")
                    .hasMessageNotContaining("Nothing was recorded");

            MigrationReport next = runner(server, files, locked).load().migrate();
            assertThat(next.applied()).extracting(applied -> applied.migration().name()).containsExactly("v");
            try (Connection c = server.connect(); Statement s = c.createStatement();
                    var rs = s.executeQuery("SELECT string_agg(name || ':' || state, ',' ORDER BY version) "
                            + "FROM lockstep_applied_migrations")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("t:applied,u:applied,v:applied");
            }
        }
    }
}
