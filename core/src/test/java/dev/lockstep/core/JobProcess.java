package dev.lockstep.core;

import dev.lockstep.test.TestPostgres;
import dev.lockstep.test.TestSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A replica's job worker in a JVM of its own, for tests that run several at once or kill one the way
 * an orchestrator kills a pod: it waits for its gate file, then calls {@link Lockstep#runJobs()}
 * until no job is left to run, as Spring Boot's worker does on each poll.
 */
public final class JobProcess {

    private JobProcess() {
    }

    /** Arguments: JDBC URL, user, password, runner name, gate file, {@code lock} or {@code no-lock}, location. */
    public static void main(String[] args) throws Exception {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(args[0]);
        dataSource.setUser(args[1]);
        dataSource.setPassword(args[2]);
        LockstepConfiguration configuration = Lockstep.configure().dataSource(dataSource).locations(args[6])
                .runnerName(args[3])
                .set(LockstepSettings.JOBS_BATCH_DURATION, java.time.Duration.ofMillis(50))
                .set(LockstepSettings.JOBS_PAUSE, java.time.Duration.ZERO);
        Lockstep lockstep = args[5].equals("no-lock") ? TestEngines.withLocks(configuration, NoLock.FACTORY)
                : configuration.load();
        System.out.println("ready");
        System.out.flush();
        Path gate = Path.of(args[4]);
        while (!Files.exists(gate)) {
            Thread.sleep(10);
        }
        while (lockstep.jobs().stream().anyMatch(job -> job.state().runnable())) {
            lockstep.runJobs();
            Thread.sleep(20);
        }
        System.out.println("done");
    }

    /** Starts a worker on the schema's database; its output goes to {@code log}. */
    static Process start(TestSchema schema, String location, String runnerName, Path gate, boolean lock, Path log)
            throws IOException {
        TestPostgres server = TestPostgres.get();
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                JobProcess.class.getName(), schema.jdbcUrl(), server.user(), server.password(), runnerName,
                gate.toString(), lock ? "lock" : "no-lock", location));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
