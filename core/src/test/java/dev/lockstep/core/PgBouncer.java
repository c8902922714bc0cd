package dev.lockstep.core;

import dev.lockstep.test.TestPostgres;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Assumptions;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A real PgBouncer (Debian package {@code pgbouncer}) in front of the tests' PostgreSQL, started
 * for one test and stopped after it. Tests that need it are skipped where it is not installed.
 */
public final class PgBouncer implements AutoCloseable {

    private static final Path BINARY = Path.of("/usr/sbin/pgbouncer");

    private final Process process;
    private final int port;
    private final String database;

    private PgBouncer(Process process, int port, String database) {
        this.process = process;
        this.port = port;
        this.database = database;
    }

    /** Starts one in {@code poolMode} ({@code session}, {@code transaction} or {@code statement}). */
    public static PgBouncer start(String poolMode, Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(BINARY), "PgBouncer is not installed (apt-get install pgbouncer)");
        TestPostgres server = TestPostgres.get();
        URI url = URI.create(server.jdbcUrl().substring("jdbc:".length()));
        String database = url.getPath().substring(1);
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        // PgBouncer refuses to run as root; -u hands it to an unprivileged user, who must read its files.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path users = Files.writeString(dir.resolve("users.txt"),
                "\"" + server.user() + "\" \"" + server.password() + "\"\n");
        Path config = Files.writeString(dir.resolve("pgbouncer.ini"), String.join("\n",
                "[databases]",
                "* = host=" + url.getHost() + " port=" + url.getPort()
                        + (server.password().isEmpty() ? "" : " password=" + server.password()),
                "[pgbouncer]",
                "listen_addr = 127.0.0.1",
                "listen_port = " + port,
                "unix_socket_dir =",
                "auth_type = trust",
                "auth_file = " + users,
                "pool_mode = " + poolMode,
                "max_client_conn = 200",
                "default_pool_size = 20",
                "ignore_startup_parameters = extra_float_digits",
                ""));
        for (Path file : List.of(users, config)) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        }
        List<String> command = new ArrayList<>(List.of(BINARY.toString()));
        if ("root".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("-u", "nobody"));
        }
        command.add(config.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("pgbouncer.log").toFile()).start();
        PgBouncer bouncer = new PgBouncer(process, port, database);
        if (!Poll.until(Duration.ofSeconds(15), bouncer::answers)) {
            bouncer.close();
            throw new IllegalStateException("PgBouncer did not start: " + Files.readString(dir.resolve("pgbouncer.log")));
        }
        return bouncer;
    }

    /** The JDBC URL through PgBouncer; no server-side prepared statements, as transaction mode needs. */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?prepareThreshold=0";
    }

    /** Unpooled connections through PgBouncer. */
    public DataSource dataSource() {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(jdbcUrl());
        dataSource.setUser(TestPostgres.get().user());
        dataSource.setPassword(TestPostgres.get().password());
        return dataSource;
    }

    private boolean answers() {
        if (!process.isAlive()) {
            return true; // let start() report the log
        }
        try (Connection c = dataSource().getConnection()) {
            return c.isValid(1);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
