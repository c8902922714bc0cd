package dev.lockstep.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.lockstep.core.Drift;
import dev.lockstep.core.DriftComparison;
import dev.lockstep.core.Lockstep;
import dev.lockstep.core.LockstepConfiguration;
import dev.lockstep.core.LockstepSettings;
import dev.lockstep.core.VersionsMode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scenario 10: drift on the real-shaped histories (Go's {@value RealSet#FILES} files, diesel's
 * {@value DieselSetFiles#FILES}), right after Lockstep applied them to an empty database: the fresh
 * apply, then {@code drift()} against the stored snapshot and against a replay on a scratch
 * database, each timed, and each must find nothing: a false difference stops the benchmark naming
 * it. Ratios against the fresh apply of the same round.
 */
final class DriftScenario implements Scenario {

    static final String DRIFT = "drift_ms";
    static final String APPLY = "fresh apply";
    static final String SNAPSHOT = "drift, snapshot";
    static final String REPLAY = "drift, replay";

    private record Shape(String name, Path dir, VersionsMode versions, int files) {
    }

    private List<Shape> shapes = List.of();

    @Override
    public String name() {
        return "drift";
    }

    @Override
    public String description() {
        return "drift on the real-shaped histories after a fresh apply: against the stored snapshot and a replay; "
                + "fails on any false difference; about a minute";
    }

    @Override
    public boolean runsByDefault() {
        return false;
    }

    @Override
    public void run(BenchmarkRun run) throws Exception {
        RealSet go = RealSet.write(run.work().resolve("drift-go"));
        Path diesel = DieselSetFiles.write(run.work().resolve("drift-diesel").resolve("migrations"));
        shapes = List.of(new Shape("go-shaped, " + RealSet.FILES + " files", go.dir(), VersionsMode.SHARED,
                RealSet.FILES), new Shape("diesel-shaped, " + DieselSetFiles.FILES + " files", diesel,
                VersionsMode.UNIQUE, DieselSetFiles.FILES));
        Databases databases = run.databases();
        for (Shape shape : shapes) {
            MigrationSet set = MigrationSet.lockstepOnly(shape.name(), shape.files(), shape.dir());
            run.rounds().run(name(), set, (round, recorder) -> {
                String db = databases.create();
                try (HikariDataSource pool = databases.pool(db)) {
                    recorder.add(DRIFT, set, APPLY, Rounds.millis(() -> configure(pool, shape).load().migrate()));
                    for (DriftComparison comparison : List.of(DriftComparison.SNAPSHOT, DriftComparison.REPLAY)) {
                        Lockstep engine = configure(pool, shape).set(LockstepSettings.DRIFT_COMPARE_WITH, comparison)
                                .load();
                        long started = System.nanoTime();
                        Drift drift = engine.drift();
                        double millis = (System.nanoTime() - started) / 1e6;
                        if (drift.found()) {
                            throw new IllegalStateException("False drift on " + shape.name() + ": " + drift.describe());
                        }
                        recorder.add(DRIFT, set, comparison == DriftComparison.SNAPSHOT ? SNAPSHOT : REPLAY, millis);
                    }
                } finally {
                    databases.drop(db);
                }
            });
        }
    }

    private static LockstepConfiguration configure(javax.sql.DataSource dataSource, Shape shape) {
        return Lockstep.configure().dataSource(dataSource).locations("filesystem:" + shape.dir())
                .versions(shape.versions());
    }

    @Override
    public Map<String, String> tables() {
        Map<String, String> titles = new LinkedHashMap<>();
        titles.put(DRIFT, "10. Drift on the real-shaped histories after a fresh apply: the apply, drift against the "
                + "stored snapshot, drift against a replay on a scratch database (ms; none may find a difference)");
        return titles;
    }

    @Override
    public String section() {
        if (shapes.isEmpty()) {
            return "";
        }
        return "## Drift on the real-shaped histories\n\nEach round: a new database, Lockstep's fresh apply of the "
                + "set, then `drift()` with `compare-with=snapshot` (one catalog read of the live schema and the "
                + "stored row) and with `compare-with=replay` (a scratch database created, every applied migration "
                + "run again in its applied order, both catalogs read, the scratch database dropped). A difference "
                + "found would be false drift and stops the run.\n\n";
    }
}
