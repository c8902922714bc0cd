package dev.lockstep.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.lockstep.core.internal.expand.VersionSchema;
import dev.lockstep.test.TestPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Expand/contract across a rolling deploy, in a database of its own (version schemas belong to the
 * database): release 1 keeps writing and reading its shape while release 2 expands a rename, a drop
 * and an added column and then writes and reads the new shape; both see every row; the contract
 * waits while a session of release 1 is connected and, after it has gone, leaves only the new
 * shape. Without the search_path pinning the new release's statements fail: the pinning is the guard.
 */
class ExpandContractTest {

    private static final String USERS = "1_users.up.sql";
    private static final String EXPAND = "2_rename_name_drop_legacy.up.sql";

    @TempDir
    Path dir;
    private OwnDatabase database;
    private String url;
    private final List<HikariDataSource> pools = new ArrayList<>();

    @BeforeEach
    void database() throws SQLException {
        database = new OwnDatabase("lockstep_ec_");
        url = database.url();
    }

    @AfterEach
    void drop() throws SQLException {
        pools.forEach(HikariDataSource::close);
        database.close();
    }

    private DataSource direct() {
        return database.dataSource();
    }

    /** A release's pool, pinned as the Spring Boot starter pins it to its newest migration; unpinned when empty. */
    private HikariDataSource release(Optional<String> newest) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(TestPostgres.get().user());
        config.setPassword(TestPostgres.get().password());
        config.setMaximumPoolSize(3);
        newest.ifPresent(version -> config.setConnectionInitSql(VersionSchema.pinSql(MigrationVersion.parse(version))));
        HikariDataSource pool = new HikariDataSource(config);
        pools.add(pool);
        return pool;
    }

    private Lockstep engine(MigrationDir files) {
        return Lockstep.configure().dataSource(direct()).locations(files.location()).load();
    }

    private MigrationDir releaseOneFiles(Path folder) {
        return new MigrationDir(folder).add(USERS, "CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY "
                + "KEY, name text NOT NULL, legacy text NOT NULL, age integer NOT NULL DEFAULT 18, created timestamptz NOT NULL "
                + "DEFAULT now());\n"
                + "INSERT INTO users (name, legacy, age) SELECT 'user ' || i, 'old ' || i, i FROM generate_series(1, 100) i");
    }

    private MigrationDir releaseTwoFiles(Path folder) {
        return releaseOneFiles(folder).add(EXPAND, "-- lockstep:expand-contract\n"
                + "-- lockstep:type-back users.age = age::integer\n"
                + "ALTER TABLE users RENAME COLUMN name TO full_name;\n"
                + "ALTER TABLE users DROP COLUMN legacy;\n"
                + "ALTER TABLE users ALTER COLUMN age TYPE text USING age::text;\n"
                + "ALTER TABLE users ADD COLUMN email text NOT NULL DEFAULT 'none';\n");
    }

    /** Writes and reads in release 1's shape until stopped, counting what failed. */
    private static final class OldRelease extends Load {
        OldRelease(DataSource pool) {
            super(pool);
        }

        @Override
        long write(Connection c, long n) throws SQLException {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO users (name, legacy, age) VALUES (?, ?, ?) "
                    + "RETURNING id")) {
                s.setString(1, "old release " + n);
                s.setString(2, "legacy " + n);
                s.setInt(3, (int) (n % 90));
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        }

        @Override
        String read(Connection c, long id) throws SQLException {
            return single(c, "SELECT name || '/' || legacy || '/' || (age + 1) FROM users WHERE id = " + id);
        }
    }

    /** Writes and reads in release 2's shape until stopped. */
    private static final class NewRelease extends Load {
        NewRelease(DataSource pool) {
            super(pool);
        }

        @Override
        long write(Connection c, long n) throws SQLException {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO users (full_name, email, age) VALUES (?, ?, ?) "
                    + "RETURNING id")) {
                s.setString(1, "new release " + n);
                s.setString(2, "user" + n + "@example.com");
                s.setString(3, Long.toString(n % 70));
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        }

        @Override
        String read(Connection c, long id) throws SQLException {
            return single(c, "SELECT full_name || '/' || email || '/' || (age || ' years') FROM users WHERE id = " + id);
        }
    }

    private abstract static class Load {
        final DataSource pool;
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong done = new AtomicLong();
        final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Long> written = new ConcurrentLinkedQueue<>();
        final CountDownLatch firstDone = new CountDownLatch(1);
        final List<Thread> threads = new ArrayList<>();

        Load(DataSource pool) {
            this.pool = pool;
        }

        abstract long write(Connection c, long n) throws SQLException;

        abstract String read(Connection c, long id) throws SQLException;

        Load start(int threads) {
            for (int t = 0; t < threads; t++) {
                Thread thread = new Thread(() -> {
                    while (!stop.get()) {
                        long n = done.incrementAndGet();
                        try (Connection c = pool.getConnection()) {
                            long id = write(c, n);
                            if (read(c, id) == null) {
                                failures.add("row " + id + " just written was not read back");
                            }
                            written.add(id);
                            firstDone.countDown();
                        } catch (SQLException e) {
                            failures.add(e.getMessage());
                        }
                    }
                });
                thread.start();
                this.threads.add(thread);
            }
            return this;
        }

        void awaitSome() throws InterruptedException {
            assertThat(firstDone.await(30, TimeUnit.SECONDS)).as("a request succeeded; failures: " + failures).isTrue();
        }

        void stop() throws InterruptedException {
            stop.set(true);
            for (Thread thread : threads) {
                thread.join();
            }
        }
    }

    static String single(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static String single(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection()) {
            return single(c, sql);
        }
    }

    @Test
    void bothReleasesServeDuringTheDeployAndTheContractLeavesTheNewShape() throws Exception {
        engine(releaseOneFiles(dir.resolve("r1"))).migrate();
        HikariDataSource one = release(Optional.of("1"));
        OldRelease old = new OldRelease(one);
        old.start(2).awaitSome();

        Lockstep releaseTwo = engine(releaseTwoFiles(dir.resolve("r2")));
        MigrationReport report = releaseTwo.migrate();
        HikariDataSource two = release(Optional.of("2"));
        NewRelease fresh = new NewRelease(two);
        fresh.start(2).awaitSome();
        long oldBefore = old.done.get();
        assertThat(Poll.until(Duration.ofSeconds(30), () -> old.done.get() > oldBefore + 50 && fresh.done.get() > 50)).isTrue();

        assertThat(report.applied()).hasSize(1);
        List<ExpandedMigration> expansions = releaseTwo.expansions();
        assertThat(expansions).singleElement().satisfies(e -> {
            assertThat(e.contracted()).isFalse();
            assertThat(e.changes()).containsExactly("rename column users.name to full_name", "drop column users.legacy",
                    "change the type of users.age", "add column users.email");
            assertThat(e.state()).startsWith("expanded, waiting for ").endsWith(" of version 1");
        });
        assertThat(releaseTwo.contract(false)).singleElement().extracting(ExpandedMigration::contracted)
                .as("release 1 is still connected").isEqualTo(false);

        // Every row either release wrote, the other reads in its own shape.
        for (long id : List.copyOf(old.written)) {
            assertThat(single(two, "SELECT full_name || ':' || pg_typeof(age) || ':' || age FROM users WHERE id = " + id))
                    .startsWith("old release ").contains(":text:");
        }
        for (long id : List.copyOf(fresh.written)) {
            assertThat(single(one, "SELECT name || ':' || pg_typeof(age) || ':' || (age * 2) FROM users WHERE id = " + id))
                    .startsWith("new release ").contains(":integer:");
        }
        assertThat(single(two, "SELECT age FROM users WHERE id = 7")).as("backfilled").isEqualTo("7");
        assertThat(single(two, "SELECT count(*) FROM users WHERE age::int <> (SELECT u.age FROM public.users u WHERE "
                + "u.id = users.id)")).as("both columns in step").isEqualTo("0");

        old.stop();
        one.close();
        List<ExpandedMigration> after = releaseTwo.contract(false);
        long freshBefore = fresh.done.get();
        assertThat(Poll.until(Duration.ofSeconds(30), () -> fresh.done.get() > freshBefore + 50)).isTrue();
        fresh.stop();

        assertThat(old.failures).as("release 1's failed requests").isEmpty();
        assertThat(fresh.failures).as("release 2's failed requests").isEmpty();
        assertThat(after).singleElement().satisfies(e -> {
            assertThat(e.contracted()).isTrue();
            assertThat(e.state()).isEqualTo("contracted");
        });
        assertThat(single(direct(), "SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM "
                + "information_schema.columns WHERE table_schema = 'public' AND table_name = 'users'"))
                .isEqualTo("id,full_name,created,age,email");
        assertThat(single(direct(), "SELECT format_type(atttypid, atttypmod) || ' ' || attnotnull || ' ' || "
                + "pg_get_expr(adbin, adrelid) FROM pg_attribute JOIN pg_attrdef ON adrelid = attrelid AND adnum = attnum "
                + "WHERE attrelid = 'users'::regclass AND attname = 'age'")).isEqualTo("text true (18)::text");
        assertThat(single(direct(), "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'users'::regclass AND NOT tgisinternal"))
                .isEqualTo("0");
        assertThat(single(direct(), "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'lockstep\\_v%'"))
                .as("no version schema is left").isEqualTo("0");
        assertThat(single(direct(), "SELECT count(*) FROM users WHERE full_name IS NULL")).isEqualTo("0");
        assertThat(Long.parseLong(single(direct(), "SELECT count(*) FROM users")))
                .isEqualTo(100 + old.written.size() + fresh.written.size());
    }

    @Test
    void withoutThePinningTheNewReleaseFails() throws Exception {
        engine(releaseTwoFiles(dir.resolve("r2"))).migrate();
        HikariDataSource unpinned = release(Optional.empty());

        assertThatThrownBy(() -> single(unpinned, "SELECT full_name FROM users LIMIT 1"))
                .hasMessageContaining("column \"full_name\" does not exist");
        assertThat(single(release(Optional.of("2")), "SELECT full_name FROM users WHERE id = 1")).isEqualTo("user 1");
    }

    @Test
    void beforeTheContractUndoRemovesWhatTheExpandAddedWithoutADownFile() throws Exception {
        engine(releaseOneFiles(dir.resolve("r1"))).migrate();
        String before = single(direct(), "SELECT string_agg(column_name || ' ' || data_type || ' ' || coalesce("
                + "column_default, '-'), ',' ORDER BY ordinal_position) FROM information_schema.columns WHERE "
                + "table_schema = 'public' AND table_name = 'users'");
        Lockstep releaseTwo = engine(releaseTwoFiles(dir.resolve("r2")));
        releaseTwo.migrate();

        UndoPlan undone = releaseTwo.undo(UndoTarget.last(1), null);

        assertThat(undone.steps()).singleElement().satisfies(step -> assertThat(step.source())
                .isEqualTo("written by Lockstep: expanded, not contracted"));
        assertThat(single(direct(), "SELECT string_agg(column_name || ' ' || data_type || ' ' || coalesce("
                + "column_default, '-'), ',' ORDER BY ordinal_position) FROM information_schema.columns WHERE "
                + "table_schema = 'public' AND table_name = 'users'")).as("the columns as before (legacy stays nullable)").isEqualTo(before);
        assertThat(single(direct(), "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'lockstep\\_v%'")).isEqualTo("0");
        assertThat(single(direct(), "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'users'::regclass AND NOT tgisinternal"))
                .isEqualTo("0");
        assertThat(releaseTwo.expansions()).isEmpty();

        releaseTwo.migrate();
        assertThat(releaseTwo.expansions()).singleElement().extracting(ExpandedMigration::contracted).isEqualTo(false);
    }

    /**
     * {@code ADD CONSTRAINT ... UNIQUE}: its index is built concurrently after the expand (writes go on),
     * checks every write from then on, and becomes the constraint at the contract. Duplicates already
     * there fail the build, which leaves nothing behind; once they are gone the next start builds it.
     */
    @Test
    void aUniqueConstraintIsBuiltConcurrentlyAndAttachedAtTheContract() throws Exception {
        MigrationDir files = new MigrationDir(dir.resolve("unique")).add(USERS, "CREATE TABLE users (id bigint PRIMARY KEY, "
                + "email text);\nINSERT INTO users SELECT i, 'user' || i || '@example.com' FROM generate_series(1, 1000) i;\n"
                + "INSERT INTO users VALUES (1001, 'user1@example.com')")
                .add("2_unique_email.up.sql", "-- lockstep:expand-contract\n"
                        + "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);");
        Lockstep lockstep = engine(files);

        assertThatThrownBy(lockstep::migrate).hasMessageContaining("2_unique_email.up.sql")
                .hasMessageContaining("unique index of constraint users_email_key could not be built")
                .hasMessageContaining("Remove the duplicates");
        assertThat(single(direct(), "SELECT state FROM lockstep_applied_migrations WHERE version = 2")).isEqualTo("running");
        assertThat(single(direct(), "SELECT to_regclass('users_email_key')")).as("nothing left behind").isNull();

        single(direct(), "DELETE FROM users WHERE id = 1001 RETURNING id");
        lockstep.migrate();

        assertThat(single(direct(), "SELECT indisvalid FROM pg_index WHERE indexrelid = 'users_email_key'::regclass"))
                .isEqualTo("t");
        assertThatThrownBy(() -> single(direct(), "INSERT INTO users VALUES (2000, 'user7@example.com') RETURNING id"))
                .hasMessageContaining("users_email_key");
        assertThat(lockstep.expansions()).singleElement().satisfies(e -> assertThat(e.changes())
                .containsExactly("add unique constraint users_email_key to users (email)"));
        lockstep.contract(true);
        assertThat(single(direct(), "SELECT contype FROM pg_constraint WHERE conname = 'users_email_key'")).isEqualTo("u");
    }

    /** Two expansions pending at once: each release keeps its own window, and each contract waits for its own. */
    @Test
    void severalPendingAtOnceEachContractWaitsForItsOwnOlderReleases() throws Exception {
        MigrationDir files = new MigrationDir(dir.resolve("three")).add(USERS, "CREATE TABLE users (id bigint PRIMARY KEY, "
                + "name text);\nINSERT INTO users VALUES (1, 'ada')");
        Lockstep one = engine(files);
        one.migrate();
        files.add("2_full_name.up.sql", "-- lockstep:expand-contract\nALTER TABLE users RENAME COLUMN name TO full_name;");
        Lockstep two = engine(files);
        two.migrate();
        files.add("3_display_name.up.sql", "-- lockstep:expand-contract\n"
                + "ALTER TABLE users RENAME COLUMN full_name TO display_name;");
        Lockstep three = engine(files);
        three.migrate();
        HikariDataSource releaseOne = release(Optional.of("1"));
        HikariDataSource releaseTwo = release(Optional.of("2"));
        HikariDataSource releaseThree = release(Optional.of("3"));

        assertThat(single(releaseOne, "SELECT name FROM users")).isEqualTo("ada");
        assertThat(single(releaseTwo, "SELECT full_name FROM users")).isEqualTo("ada");
        assertThat(single(releaseThree, "SELECT display_name FROM users")).isEqualTo("ada");
        assertThat(three.contract(false)).extracting(ExpandedMigration::contracted).containsExactly(false, false);

        releaseOne.close();
        assertThat(three.contract(false)).as("2 contracts; 3 waits for release 2")
                .extracting(ExpandedMigration::contracted).containsExactly(true, false);
        assertThat(single(releaseTwo, "SELECT full_name FROM users")).isEqualTo("ada");
        assertThat(single(releaseThree, "SELECT display_name FROM users")).isEqualTo("ada");

        releaseTwo.close();
        assertThat(three.contract(false)).extracting(ExpandedMigration::contracted).containsExactly(true, true);
        assertThat(single(releaseThree, "SELECT display_name FROM users")).isEqualTo("ada");
        assertThat(single(direct(), "SELECT display_name FROM public.users")).isEqualTo("ada");
    }

    @Test
    void driftSeesNoDifferenceWhileExpandedNorOnceContracted() {
        Lockstep lockstep = engine(releaseTwoFiles(dir.resolve("r2")));
        lockstep.migrate();

        assertThat(lockstep.drift().differences()).as("expanded").isEmpty();
        assertThat(lockstep.contract(true)).singleElement().extracting(ExpandedMigration::contracted).isEqualTo(true);
        assertThat(lockstep.drift().differences()).as("contracted").isEmpty();
    }

    /** A database per tenant: each tenant's database expands and contracts on its own, with its own version schemas. */
    @Test
    void aDatabasePerTenantFleetExpandsAndContractsInEachDatabase() throws Exception {
        try (OwnDatabase acme = new OwnDatabase("lockstep_ect_"); OwnDatabase globex = new OwnDatabase("lockstep_ect_")) {
            Map<String, OwnDatabase> tenants = Map.of("acme", acme, "globex", globex);
            MigrationDir files = releaseTwoFiles(dir.resolve("tenants"));
            LockstepFleet fleet = LockstepFleet.configure(Lockstep.configure().dataSource(direct())
                    .locations(files.location())).tenants(List.of("acme", "globex"))
                    .databasePerTenant(tenant -> tenants.get(tenant).dataSource()).load();

            assertThat(fleet.migrate().migrated()).hasSize(2);
            for (OwnDatabase tenant : tenants.values()) {
                assertThat(tenant.single("SELECT count(*) FROM lockstep_v2.users WHERE full_name IS NOT NULL")).isEqualTo("100");
            }
            assertThat(fleet.tenant("acme").contract(false)).singleElement().extracting(ExpandedMigration::contracted)
                    .isEqualTo(true);
            assertThat(acme.single("SELECT count(*) FROM public.users WHERE full_name IS NOT NULL")).isEqualTo("100");
            assertThat(globex.single("SELECT count(*) FROM lockstep_v2.users")).as("globex still expanded").isEqualTo("100");
        }
    }

    @Test
    void aSchemaPerTenantFleetRefusesItByName() {
        MigrationDir files = new MigrationDir(dir.resolve("tenants")).add(USERS, "CREATE TABLE users (id bigint PRIMARY KEY, "
                + "name text)").add(EXPAND, "-- lockstep:expand-contract\nALTER TABLE users RENAME COLUMN name TO full_name;\n");
        LockstepFleet fleet = LockstepFleet.configure(Lockstep.configure().dataSource(direct()).locations(files.location()))
                .tenants(List.of("acme")).load();

        assertThatThrownBy(fleet::migrate).hasStackTraceContaining("cannot run in a schema-per-tenant fleet")
                .hasStackTraceContaining(EXPAND);
        assertThat(Lockstep.configure().dataSource(direct()).schema("acme").locations(files.location()).load().info())
                .filteredOn(info -> info.version().toString().equals("2")).singleElement()
                .extracting(MigrationInfo::state).isEqualTo(MigrationState.PENDING);
    }

    private void refused(String name, String text, String... messages) {
        MigrationDir files = new MigrationDir(dir.resolve(name)).add("7_" + name + ".up.sql", text);
        var refusal = assertThatThrownBy(() -> Lockstep.configure().dataSource(direct()).locations(files.location()).load()
                .scan()).isInstanceOf(MigrationFileException.class).hasMessageContaining("7_" + name + ".up.sql");
        for (String message : messages) {
            refusal.hasMessageContaining(message);
        }
    }

    @Test
    void badExpandContractFilesAreRefusedWhenReadNamingTheLineAndTheFix() {
        refused("index_action", "-- lockstep:expand-contract\nALTER TABLE users ADD PRIMARY KEY (id);",
                "line 2", "'ADD PRIMARY KEY (id)' cannot be expanded and contracted", "RENAME COLUMN");
        refused("not_null_no_default", "-- lockstep:expand-contract\nALTER TABLE users ADD COLUMN email text NOT NULL;",
                "line 2", "ADD COLUMN email is NOT NULL without a DEFAULT");
        refused("two_tables", "-- lockstep:expand-contract\nALTER TABLE users ALTER COLUMN age TYPE bigint;\n"
                + "ALTER TABLE orders ALTER COLUMN total TYPE numeric;", "line 3", "more than one table");
        refused("stray_type_back", "-- lockstep:type-back users.age = age::int\nALTER TABLE users DROP COLUMN age;",
                "line 1", "add '-- lockstep:expand-contract'");
        refused("type_back_nothing", "-- lockstep:expand-contract\n-- lockstep:type-back users.name = name\n"
                + "ALTER TABLE users DROP COLUMN age;", "line 2", "names no column whose type this migration changes");
        refused("type_back_garbled", "-- lockstep:expand-contract\n-- lockstep:type-back age\n"
                + "ALTER TABLE users ALTER COLUMN age TYPE bigint;", "line 2", "'-- lockstep:type-back <table>.<column>");
        MigrationDir qualified = new MigrationDir(dir.resolve("qualified")).add("7_qualified.up.sql",
                "-- lockstep:expand-contract\n-- lockstep:type-back users.age = age::integer\n"
                        + "ALTER TABLE public.\"users\" ALTER COLUMN age TYPE text;");
        assertThat(Lockstep.configure().dataSource(direct()).locations(qualified.location()).load().scan())
                .as("type-back names the table as PostgreSQL resolves it, however the statement writes it").hasSize(1);
        refused("batched_too", "-- lockstep:expand-contract\n-- lockstep:batched table=users key=id\n"
                + "UPDATE users SET a = 1 WHERE id >= ${batch.from} AND id < ${batch.to}", "cannot also be batched");
    }

    @Test
    void anActionThatCannotBeExpandedIsRefusedNamingTheLine() {
        MigrationDir files = releaseOneFiles(dir.resolve("bad")).add(EXPAND, "-- lockstep:expand-contract\n"
                + "ALTER TABLE users RENAME COLUMN name TO full_name;\n"
                + "CREATE INDEX users_name ON users (name);\n");

        assertThatThrownBy(() -> engine(files).migrate())
                .isInstanceOf(MigrationFileException.class)
                .hasMessageContaining(EXPAND)
                .hasMessageContaining("line 3")
                .hasMessageContaining("is not an ALTER TABLE");
    }
}
