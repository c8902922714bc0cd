package dev.lockstep.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A fresh apply in a cold JVM, as a service's start or the command line's is, against one
 * {@code psql} session on the same files and against the JDBC floor ({@link ColdJdbcFloor}, a JVM
 * that only sends the files): the real-shaped histories ({@link RealSetFiles}, a Go service's shape,
 * and {@link DieselSetFiles}, a Rust service's), each round a new database per contestant, the
 * order rotating. Lockstep runs in a child JVM ({@link ColdRun}) with its log at INFO, as a
 * service's start logs; its time is configure to done, as a service's start spends it, and its
 * phases are the split {@link ColdRun} prints, so the next change is measured against this table.
 */
final class ColdScenario implements Scenario {

    static final String FRESH = "cold_fresh";
    static final String PHASES = "cold_phases";
    static final String PSQL = "psql";
    static final String LOCKSTEP = "lockstep (configure to done)";
    static final String PROCESS = "lockstep (whole process)";
    static final String JDBC = "jdbc floor (main to done)";
    private static final String NO_PSQL = "psql not found: floor not measured";

    private final List<String> sets = new ArrayList<>();
    private boolean psqlFound = true;

    @Override
    public String name() {
        return "cold";
    }

    @Override
    public String description() {
        return "fresh apply in a cold JVM of the real-shaped histories (Go's 432 files, diesel's " + DieselSetFiles.FILES
                + "), against one psql session and a JVM that only sends the files, split by phase; under two minutes";
    }

    @Override
    public boolean runsByDefault() {
        return false;
    }

    /** One real-shaped set: its folder and the versions mode it needs. */
    private record Shape(String name, Path dir, String versions, int files) {
    }

    @Override
    public void run(BenchmarkRun run) throws Exception {
        RealSet go = RealSet.write(run.work().resolve("cold-go"));
        Path diesel = DieselSetFiles.write(run.work().resolve("cold-diesel").resolve("migrations"));
        List<Shape> shapes = List.of(new Shape("go-shaped, " + RealSet.FILES + " files", go.dir(), "shared",
                RealSet.FILES), new Shape("diesel-shaped, " + DieselSetFiles.FILES + " files", diesel, "unique",
                DieselSetFiles.FILES));
        Optional<PsqlFloor> psql = PsqlFloor.find();
        psqlFound = psql.isPresent();
        if (psql.isEmpty()) {
            Log.line("cold: %s", NO_PSQL);
        }
        Databases databases = run.databases();
        for (Shape shape : shapes) {
            sets.add(shape.name());
            MigrationSet set = MigrationSet.lockstepOnly(shape.name(), shape.files(), shape.dir());
            Path driver = PsqlFloor.writeDriver(shape.dir().resolveSibling("psql-" + shape.versions()),
                    inLockstepsOrder(shape.dir()));
            List<String> tools = new ArrayList<>(List.of(LOCKSTEP, JDBC));
            psql.ifPresent(p -> tools.add(PSQL));
            run.rounds().run(name(), set, (round, recorder) -> {
                for (String tool : Rounds.rotate(tools, round)) {
                    String db = databases.create();
                    try {
                        if (tool.equals(PSQL)) {
                            recorder.add(FRESH, set, PSQL, Rounds.millis(() -> psql.orElseThrow().run(driver,
                                    databases.url(db), databases.server().user(), databases.server().password())));
                            continue;
                        }
                        if (tool.equals(JDBC)) {
                            recorder.add(FRESH, set, JDBC, floor(databases, db, driver, run.work()));
                            continue;
                        }
                        long started = System.nanoTime();
                        Map<String, Double> phases = child(databases, db, shape, run.work());
                        recorder.add(FRESH, set, PROCESS, (System.nanoTime() - started) / 1e6);
                        recorder.add(FRESH, set, LOCKSTEP, phases.get("total"));
                        phases.forEach((phase, millis) -> {
                            if (!phase.endsWith("-count") && !phase.equals("applied")) {
                                recorder.add(PHASES, set, phase, millis);
                            }
                        });
                    } finally {
                        databases.drop(db);
                    }
                }
            });
        }
    }

    /** The files in the order Lockstep runs them: version, then name (the names start with the version). */
    private static List<Path> inLockstepsOrder(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".up.sql"))
                    .sorted((a, b) -> {
                        String x = a.getFileName().toString();
                        String y = b.getFileName().toString();
                        long vx = Long.parseLong(x.substring(0, x.indexOf('_')));
                        long vy = Long.parseLong(y.substring(0, y.indexOf('_')));
                        return vx != vy ? Long.compare(vx, vy) : x.compareTo(y);
                    }).toList();
        }
    }

    /** Runs {@link ColdJdbcFloor} in a JVM of its own on {@code db}: its time from {@code main} to done. */
    private static double floor(Databases databases, String db, Path driver, Path work)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile(work, "floor-", ".log");
        String password = databases.server().password();
        Process process = new ProcessBuilder(javaExecutable(), "-cp", System.getProperty("java.class.path"),
                ColdJdbcFloor.class.getName(), databases.url(db), databases.server().user(),
                password == null ? "" : password, driver.toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (process.waitFor() != 0) {
            throw new IllegalStateException("the JDBC floor failed (" + log + "): " + Files.readString(log));
        }
        String out = Files.readString(log);
        Files.delete(log);
        String line = out.lines().filter(l -> l.startsWith(ColdJdbcFloor.PREFIX + "total=")).findFirst()
                .orElseThrow(() -> new IllegalStateException("the JDBC floor printed no time: " + out));
        return Double.parseDouble(line.substring((ColdJdbcFloor.PREFIX + "total=").length()));
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Runs {@link ColdRun} in a JVM of its own on {@code db}; its log goes to a file, as a service's would. */
    private static Map<String, Double> child(Databases databases, String db, Shape shape, Path work)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile(work, "cold-", ".log");
        String java = javaExecutable();
        String password = databases.server().password();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                ColdRun.class.getName(), databases.url(db), databases.server().user(), password == null ? "" : password,
                "filesystem:" + shape.dir(), shape.versions(), "0")
                .redirectError(log.toFile()).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("the cold run failed (" + log + "): " + out + Files.readString(log));
        }
        Files.delete(log);
        String line = out.lines().filter(l -> l.startsWith(ColdRun.PREFIX)).findFirst()
                .orElseThrow(() -> new IllegalStateException("the cold run printed no split: " + out));
        Map<String, Double> phases = new LinkedHashMap<>();
        for (String pair : line.substring(ColdRun.PREFIX.length()).split(" ")) {
            String[] parts = pair.split("=");
            if (!parts[0].equals("run")) {
                phases.put(parts[0], Double.parseDouble(parts[1]));
            }
        }
        return phases;
    }

    @Override
    public Map<String, String> tables() {
        Map<String, String> titles = new LinkedHashMap<>();
        titles.put(FRESH, "9a. Cold JVM: fresh apply of the real-shaped histories, Lockstep (configure to done, and "
                + "the whole process) against one psql session (ms)");
        titles.put(PHASES, "9b. Cold JVM: where Lockstep's run goes, by phase (ms; jvm and main come before configure)");
        return titles;
    }

    @Override
    public void targets(BenchmarkRun run, Targets targets) {
        for (String set : sets) {
            String what = "cold fresh apply, " + set + ": Lockstep / psql ≤ 1.2";
            if (!psqlFound) {
                targets.check(what, null, NO_PSQL);
                continue;
            }
            Results results = run.results();
            targets.atMost(what, results.median(FRESH, set, LOCKSTEP) / results.median(FRESH, set, PSQL), 1.2);
            // No target of its own: how far the JVM alone is from psql, and Lockstep from the JVM alone.
            targets.check("cold fresh apply, " + set + ": JDBC floor (main to done) / psql", null, String.format(
                    Locale.ROOT, "%.2f", results.median(FRESH, set, JDBC) / results.median(FRESH, set, PSQL)));
            targets.check("cold fresh apply, " + set + ": Lockstep (configure to done) / JDBC floor (main to done)",
                    null, String.format(Locale.ROOT, "%.2f",
                            results.median(FRESH, set, LOCKSTEP) / results.median(FRESH, set, JDBC)));
        }
    }

    @Override
    public String section() {
        if (sets.isEmpty()) {
            return "";
        }
        return String.format(Locale.ROOT, "## Cold JVM: real-shaped histories\n\nThe sets: %s. Lockstep runs in a "
                + "JVM of its own per round (`ColdRun`), its log at INFO to a file; its time is from configuring to "
                + "the run's end, and the whole process's besides. Phases: `jvm` the JVM's start up to `main`, `main` "
                + "to configuring, `configure` the settings checked, `files` reading and analysing every file (to "
                + "the run's start; a bad file fails the run before it connects), `connect-lock` connecting, the "
                + "session, the tracker and the lock, `plan`, "
                + "`tx-migrations` and `outside-migrations` the migrations' own time as the engine measures it, "
                + "`between-and-finish` the rest. The JDBC floor (`ColdJdbcFloor`) is the least a Java client "
                + "does: a JVM of its own, one connection through the same driver, each file's text sent as it is in "
                + "autocommit, as psql runs them; no analysis, tracker, lock or log.\n\n", String.join("; ", sets));
    }
}
