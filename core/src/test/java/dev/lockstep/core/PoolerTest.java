package dev.lockstep.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.lockstep.test.TestPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Through a real PgBouncer: session mode works; transaction and statement modes are refused and leave no lock. */
class PoolerTest extends SchemaTestBase {

    @TempDir
    Path bouncerDir;

    private LockstepConfiguration through(PgBouncer bouncer) {
        return Lockstep.configure().dataSource(bouncer.dataSource()).locations(files.location())
                .schema(schema.name()).lockKey(schema.lockKey());
    }

    private void addMigrations() {
        files.add("1_a.up.sql", "CREATE TABLE " + schema.name() + ".a (id int);")
                .add("2_b.up.sql", "INSERT INTO " + schema.name() + ".a VALUES (1);");
    }

    private long locksLeft() {
        return Sql.count(schema, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                + "AND objid::bigint = " + (schema.lockKey() & 0xFFFF_FFFFL));
    }

    @Test
    void sessionModeWorksWithRunnersAtOnce() throws Exception {
        addMigrations();
        try (PgBouncer bouncer = PgBouncer.start("session", bouncerDir)) {
            List<Runners.Outcome> outcomes = Runners.runAll(6, i -> through(bouncer).load());

            assertThat(outcomes).allSatisfy(outcome -> assertThat(outcome.error()).isNull());
            assertThat(outcomes.stream().mapToInt(Runners.Outcome::appliedCount).sum()).isEqualTo(2);
        }
        assertThat(Sql.count(schema, "SELECT count(*) FROM a")).isEqualTo(1);
        assertThat(locksLeft()).isZero();
    }

    /** Expand/contract pins a release's connections by their session's search_path, which transaction mode loses. */
    @Test
    void aReleasesPoolThroughTransactionModeIsRefusedAndThroughSessionModeAccepted() throws Exception {
        try (PgBouncer bouncer = PgBouncer.start("transaction", java.nio.file.Files.createDirectories(bouncerDir.resolve("transaction")))) {
            assertThatThrownBy(() -> ReleasePinning.requireSessionPool(bouncer.dataSource()))
                    .isInstanceOf(LockstepException.class)
                    .hasMessageContaining("connection pooler in transaction or statement mode")
                    .hasMessageContaining("search_path");
        }
        try (PgBouncer bouncer = PgBouncer.start("session", java.nio.file.Files.createDirectories(bouncerDir.resolve("session")))) {
            ReleasePinning.requireSessionPool(bouncer.dataSource());
        }
    }

    @Test
    void transactionModeIsRefusedWithTheFixAndLeavesNoLock() throws Exception {
        addMigrations();
        try (PgBouncer bouncer = PgBouncer.start("transaction", bouncerDir)) {
            assertThatThrownBy(() -> through(bouncer).load().migrate())
                    .isInstanceOf(LockstepException.class)
                    .hasMessageContaining("connection pooler in transaction or statement mode")
                    .hasMessageContaining("Nothing was locked or applied")
                    .hasMessageContaining("lockstep.url");
            assertThat(locksLeft()).isZero();
        }
        assertThat(Sql.value(schema, "SELECT to_regclass('" + schema.name() + ".a')")).isNull();
    }

    /**
     * The negative control for the check, and the fence on its own: with the check bypassed, runners
     * through a transaction pooler "hold" the lock on server sessions their migrations do not run on.
     * The fence stops those migrations, so nothing is applied twice, but runs fail or a lock stays
     * behind on an idle server session: what the check prevents.
     */
    @Test
    void withoutTheCheckTransactionModeBreaksTheLockAndOnlyTheFenceKeepsItExactlyOnce() throws Exception {
        for (int i = 1; i <= 20; i++) {
            files.add(i + "_m" + i + ".up.sql", "CREATE TABLE " + schema.name() + ".t" + i + " (id int);\n"
                    + "SELECT pg_sleep(0.01);");
        }
        try (PgBouncer bouncer = PgBouncer.start("transaction", bouncerDir)) {
            List<Runners.Outcome> outcomes = Runners.runAll(6,
                    i -> TestEngines.withoutPoolerCheck(through(bouncer).lockTimeout(Duration.ofSeconds(5))));

            long fenced = outcomes.stream().filter(o -> o.error() != null
                    && o.error().getMessage().contains("no longer holds the migration lock")).count();
            long timedOut = outcomes.stream().filter(o -> o.error() instanceof LockTimeoutException).count();
            System.out.println("Transaction pooler without the check: of 6 runners " + fenced + " stopped by the "
                    + "fence, " + timedOut + " timed out behind a lock left on an idle server session; "
                    + locksLeft() + " lock(s) left");
            assertThat(fenced + timedOut + locksLeft()).as("runs stopped by the fence or timed out, locks left")
                    .isPositive();
        }
        assertThat(Sql.count(schema, "SELECT count(*) FROM pg_tables WHERE schemaname = '" + schema.name()
                + "' AND tablename ~ '^t[0-9]+$'"))
                .as("tables created, each by a migration that is recorded: nothing half-recorded")
                .isEqualTo(Sql.count(schema, "SELECT count(*) FROM " + schema.name() + ".lockstep_applied_migrations"));
    }

    @Test
    void aPoolOfOneBehindAPoolerIsRefusedWithoutWaitingForThePoolsTimeout() throws Exception {
        addMigrations();
        try (PgBouncer bouncer = PgBouncer.start("transaction", bouncerDir);
                HikariDataSource pool = new HikariDataSource(onePooled(bouncer))) {
            assertThatThrownBy(() -> Lockstep.configure().dataSource(pool).locations(files.location())
                    .schema(schema.name()).lockKey(schema.lockKey()).load().migrate())
                    .isInstanceOf(LockstepException.class)
                    .hasMessageContaining("A connection pooler seems to sit between Lockstep and PostgreSQL")
                    .hasMessageContaining("none came within 5 s")
                    .hasMessageContaining("lockstep.url");
            assertThat(locksLeft()).isZero();
        }
    }

    private static HikariConfig onePooled(PgBouncer bouncer) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(bouncer.jdbcUrl());
        config.setUsername(TestPostgres.get().user());
        config.setPassword(TestPostgres.get().password());
        config.setMaximumPoolSize(1);
        config.setConnectionTimeout(60_000);
        return config;
    }

    @Test
    void statementModeIsRefused() throws Exception {
        addMigrations();
        try (PgBouncer bouncer = PgBouncer.start("statement", bouncerDir)) {
            assertThatThrownBy(() -> through(bouncer).load().migrate())
                    .isInstanceOf(LockstepException.class)
                    .hasMessageContaining("connection pooler in transaction or statement mode");
            assertThat(locksLeft()).isZero();
        }
    }

    @Test
    void aNoOpRestartThroughATransactionPoolerTakesNoLockAndSucceeds() throws Exception {
        addMigrations();
        configure().schema(schema.name()).lockKey(schema.lockKey()).load().migrate();
        try (PgBouncer bouncer = PgBouncer.start("transaction", bouncerDir)) {
            assertThat(through(bouncer).load().migrate().applied()).isEmpty();
        }
    }
}
