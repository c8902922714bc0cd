package dev.lockstep.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.core.Lockstep;
import dev.lockstep.core.LockstepSettings;
import dev.lockstep.core.Migration;
import dev.lockstep.core.VersionsMode;
import dev.lockstep.test.TestPostgres;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/** The real-set shape must be what the scenario says, and psql must run it in Lockstep's order. */
class RealSetTest {

    @TempDir
    Path dir;

    @Test
    void isShapedAsSaidAndTheSameEveryTime() throws Exception {
        RealSet real = RealSet.write(dir);

        assertThat(real.files()).hasSize(RealSet.FILES);
        assertThat(real.versions()).isLessThan(RealSet.FILES);
        assertThat(real.concurrently()).isBetween(120L, 150L);
        for (RealSet.File file : real.files()) {
            if (file.concurrently()) {
                List<String> statements = file.sql().lines().filter(line -> !line.startsWith("--")).toList();
                assertThat(statements).hasSize(1);
                assertThat(statements.get(0)).startsWith("CREATE INDEX CONCURRENTLY");
            }
        }
        assertThat(real.files().stream().map(RealSet.File::sql).collect(Collectors.joining()))
                .contains("DO $$", "/*", "ALTER TABLE", "INSERT INTO", "CREATE TABLE");
        assertThat(RealSetFiles.generate(RealSet.FILES)).isEqualTo(real.files());
    }

    @Test
    void itsOrderAndItsTransactionsAreLockstepsOwn() throws Exception {
        RealSet real = RealSet.write(dir);

        List<Migration> scanned = Lockstep.configure().dataSource(new PGSimpleDataSource())
                .locations("filesystem:" + real.dir()).versions(VersionsMode.SHARED).load().scan();

        assertThat(scanned.stream().map(m -> m.file().substring(m.file().lastIndexOf('/') + 1)))
                .containsExactlyElementsOf(real.files().stream().map(RealSet.File::fileName).toList());
        Map<String, Boolean> transactional = scanned.stream().collect(Collectors.toMap(
                m -> m.file().substring(m.file().lastIndexOf('/') + 1), Migration::transactional));
        assertThat(real.files()).allSatisfy(file -> assertThat(transactional.get(file.fileName()))
                .isEqualTo(!file.concurrently()));
    }

    @Test
    void lockstepAndPsqlApplyItAndTheCountedRunSeesEveryMigration() throws Exception {
        RealSet real = RealSet.write(dir);
        Databases databases = new Databases(TestPostgres.get());
        String db = databases.create();
        try (var pool = databases.pool(db)) {
            CostBreakdown breakdown = new CostBreakdown(real.texts(), LockstepSettings.TABLE.defaultValue().orElseThrow());
            Lockstep.configure().dataSource(CountingDataSource.wrap(pool, breakdown)).locations("filesystem:" + real.dir())
                    .versions(VersionsMode.SHARED).listener(breakdown).load().migrate();

            CostBreakdown.Tally concurrently = breakdown.tally(CostBreakdown.Group.CONCURRENTLY);
            CostBreakdown.Tally transactional = breakdown.tally(CostBreakdown.Group.TRANSACTIONAL);
            assertThat(concurrently.migrations).isEqualTo((int) real.concurrently());
            assertThat(transactional.migrations + concurrently.migrations).isEqualTo(RealSet.FILES);
            // Each concurrent build is one statement of its own; each transactional file one batch.
            assertThat(concurrently.roundTrips[CostBreakdown.Category.MIGRATION.ordinal()])
                    .isEqualTo(concurrently.migrations);
            assertThat(transactional.roundTrips[CostBreakdown.Category.MIGRATION.ordinal()])
                    .isEqualTo(transactional.migrations);
            assertThat(transactional.roundTrips[CostBreakdown.Category.TRANSACTION.ordinal()])
                    .isEqualTo(transactional.migrations);
        } finally {
            databases.drop(db);
        }
        Optional<PsqlFloor> psql = PsqlFloor.find();
        if (psql.isPresent()) {
            String floorDb = databases.create();
            try {
                Path driver = PsqlFloor.writeDriver(dir.resolve("psql"), real.files().stream()
                        .map(file -> real.dir().resolve(file.fileName())).toList());
                psql.get().run(driver, databases.url(floorDb), databases.server().user(), databases.server().password());
            } finally {
                databases.drop(floorDb);
            }
        }
    }
}
