package dev.lockstep.test;

import dev.lockstep.core.LintFinding;
import dev.lockstep.core.Lockstep;
import dev.lockstep.core.LockstepConfiguration;
import dev.lockstep.core.LockstepSettings;
import dev.lockstep.core.Migration;
import dev.lockstep.core.MigrationInfo;
import dev.lockstep.core.MigrationState;
import dev.lockstep.core.MigrationVersion;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Lockstep's migration lint as one assertion for a test suite: fails, listing each, when a
 * migration not yet in production holds a statement that would lock a table with rows for long
 * or break the running application (index without {@code CONCURRENTLY}, a rewriting
 * {@code ALTER COLUMN TYPE}, a constraint without {@code NOT VALID}, ... see README, Lint).
 *
 * <pre>{@code
 * @Test
 * void migrationsAreSafeOnLiveTables() {
 *     LockstepLint.of("classpath:db/migrations").afterVersion(42).assertNoRiskyStatements();
 * }
 * }</pre>
 *
 * <p>Which migrations: all of them by default; those after the version production runs
 * ({@link #afterVersion}), or those a database migrated like production has not applied
 * ({@link #pendingOn}). Files already applied are better left out: accepting a rule in them
 * ({@code -- lockstep:lint-ignore=}) would change their checksum.
 */
public final class LockstepLint {

    private final List<String> locations;
    private MigrationVersion afterVersion;
    private DataSource pendingOn;
    private ClassLoader classLoader = LockstepLint.class.getClassLoader();

    private LockstepLint(List<String> locations) {
        this.locations = locations;
    }

    /** The migrations in these locations; none given: {@code classpath:db/migrations}. */
    public static LockstepLint of(String... locations) {
        return new LockstepLint(locations.length == 0 ? List.of(LockstepSettings.LOCATIONS.defaultText().orElseThrow())
                : Arrays.asList(locations));
    }

    /** Only migrations with a higher version: those not yet deployed (and the repeatable ones). */
    public LockstepLint afterVersion(long version) {
        this.afterVersion = MigrationVersion.of(version);
        return this;
    }

    /** {@link #afterVersion(long)} for a dotted version: {@code afterVersion("1.5")}. */
    public LockstepLint afterVersion(String version) {
        this.afterVersion = MigrationVersion.parse(version);
        return this;
    }

    /** Only the migrations this database's tracker has not applied (read without any change or lock). */
    public LockstepLint pendingOn(DataSource database) {
        this.pendingOn = database;
        return this;
    }

    /** For {@code classpath:} locations; by default lockstep-test's own class loader. */
    public LockstepLint classLoader(ClassLoader classLoader) {
        this.classLoader = classLoader;
        return this;
    }

    /** The risky statements of the chosen migrations, in order. */
    public List<LintFinding> findings() {
        // Without pendingOn only files are read (scan() opens no connection): an unconfigured DataSource does.
        Lockstep lockstep = Lockstep.configure().dataSource(pendingOn != null ? pendingOn : new PGSimpleDataSource())
                .locations(locations).classLoader(classLoader).load();
        Predicate<Migration> chosen = migration -> true;
        if (pendingOn != null) {
            Set<String> pending = lockstep.info().stream()
                    .filter(m -> m.state() == MigrationState.PENDING || m.state() == MigrationState.OUT_OF_ORDER)
                    .map(MigrationInfo::file).collect(Collectors.toSet());
            chosen = chosen.and(m -> pending.contains(m.file()));
        }
        if (afterVersion != null) {
            chosen = chosen.and(m -> m.version().compareTo(afterVersion) > 0);
        }
        return lockstep.lint(chosen);
    }

    /** @throws AssertionError listing each risky statement, why, the safe way and how to accept it */
    public void assertNoRiskyStatements() {
        List<LintFinding> findings = findings();
        if (!findings.isEmpty()) {
            throw new AssertionError(LintFinding.report(findings, locations
                    + (afterVersion != null ? " after version " + afterVersion : "")
                    + (pendingOn != null ? " not yet applied" : "")));
        }
    }
}
