package dev.lockstep.core;

import dev.lockstep.test.TestPostgres;
import dev.lockstep.test.TestSchema;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.ds.PGSimpleDataSource;

/** A runner in a JVM of its own, for tests that kill it the way an orchestrator kills a pod. */
public final class RunnerProcess {

    private RunnerProcess() {
    }

    /** Arguments: JDBC URL, user, password, location, lock key, runner name; then {@code undo N} to undo instead. */
    public static void main(String[] args) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(args[0]);
        dataSource.setUser(args[1]);
        dataSource.setPassword(args[2]);
        Lockstep lockstep = Lockstep.configure().dataSource(dataSource).locations(args[3])
                .lockKey(Long.parseLong(args[4])).runnerName(args[5]).load();
        if (args.length > 7 && args[6].equals("undo")) {
            lockstep.undo(UndoTarget.last(Integer.parseInt(args[7])), null);
        } else {
            lockstep.migrate();
        }
    }

    /** Starts an undo of the last {@code count} migrations on the schema's database; its output goes to {@code log}. */
    static Process startUndo(TestSchema schema, String location, String runnerName, int count, Path log)
            throws IOException {
        TestPostgres server = TestPostgres.get();
        List<String> command = List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), RunnerProcess.class.getName(), schema.jdbcUrl(), server.user(),
                server.password(), location, String.valueOf(schema.lockKey()), runnerName, "undo",
                String.valueOf(count));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /**
     * Starts a runner on the schema's database; its output goes to {@code log}.
     *
     * @param jvmOptions e.g. {@code -Xmx256m}
     */
    static Process start(TestSchema schema, String location, String runnerName, Path log, String... jvmOptions)
            throws IOException {
        TestPostgres server = TestPostgres.get();
        return start(schema.jdbcUrl(), server.user(), server.password(), location, schema.lockKey(), runnerName, log,
                jvmOptions);
    }

    /** Starts a runner on any database; its output goes to {@code log}. */
    static Process start(String url, String user, String password, String location, long lockKey, String runnerName,
            Path log, String... jvmOptions) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), RunnerProcess.class.getName(),
                url, user, password, location, String.valueOf(lockKey), runnerName));
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }
}
