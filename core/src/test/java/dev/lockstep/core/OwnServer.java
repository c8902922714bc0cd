package dev.lockstep.core;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A PostgreSQL server of a test's own (embedded, whatever server the other tests use), for what
 * cannot be done to a shared one: restarting it, configuring it, turning it into a standby.
 */
final class OwnServer implements AutoCloseable {

    private final Path data;
    private final Map<String, String> config;
    private final int port;
    private EmbeddedPostgres server;

    OwnServer(Path data, Map<String, String> config) throws IOException {
        this.data = data;
        this.config = config;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        start();
    }

    private void start() throws IOException {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setPort(port).setDataDirectory(data)
                .setCleanDataDirectory(false).setServerConfig("fsync", "off");
        config.forEach(builder::setServerConfig);
        server = builder.start();
    }

    void restart() throws IOException {
        server.close();
        start();
    }

    /** Restarted as a hot standby of no primary: in recovery, read-only, as a replica is. */
    void restartAsStandby() throws IOException {
        server.close();
        Files.createFile(data.resolve("standby.signal"));
        start();
    }

    PGSimpleDataSource dataSource() {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(url());
        dataSource.setUser("postgres");
        return dataSource;
    }

    String url() {
        return "jdbc:postgresql://localhost:" + port + "/postgres";
    }

    Connection connect() throws SQLException {
        return dataSource().getConnection();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
