package dev.lockstep.core;

import dev.lockstep.test.TestPostgres;
import dev.lockstep.test.TestSchema;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.postgresql.ds.PGSimpleDataSource;

/** An undo in a JVM of its own, for tests that kill it the way an orchestrator kills a job's pod. */
public final class UndoProcess {

    private UndoProcess() {
    }

    /** Arguments: JDBC URL, user, password, location, lock key, runner name, how many to undo. */
    public static void main(String[] args) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(args[0]);
        dataSource.setUser(args[1]);
        dataSource.setPassword(args[2]);
        Lockstep.configure().dataSource(dataSource).locations(args[3]).lockKey(Long.parseLong(args[4]))
                .runnerName(args[5]).load().undo(UndoTarget.last(Integer.parseInt(args[6])), null);
    }

    /** Starts an undo of the last {@code count} migrations on the schema's database; its output goes to {@code log}. */
    static Process start(TestSchema schema, String location, String runnerName, int count, Path log)
            throws IOException {
        TestPostgres server = TestPostgres.get();
        List<String> command = List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), UndoProcess.class.getName(), schema.jdbcUrl(), server.user(),
                server.password(), location, String.valueOf(schema.lockKey()), runnerName, String.valueOf(count));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
