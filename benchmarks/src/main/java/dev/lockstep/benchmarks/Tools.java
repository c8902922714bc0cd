package dev.lockstep.benchmarks;

import dev.lockstep.core.Lockstep;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.sql.DataSource;
import liquibase.Liquibase;
import liquibase.Scope;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.DirectoryResourceAccessor;
import liquibase.ui.LoggerUIService;
import org.flywaydb.core.Flyway;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;

/** The four contestants, each used through its own public Java API with default settings. */
final class Tools {

    private Tools() {
    }

    static List<Tool> all() {
        return List.of(new LockstepTool(), new FlywayTool(), new LiquibaseTool(), new FloorTool());
    }

    static Tool named(String name) {
        return all().stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no tool " + name));
    }

    static final class LockstepTool implements Tool {
        @Override
        public String name() {
            return "lockstep";
        }

        @Override
        public void migrate(DataSource dataSource, MigrationSet set) {
            Lockstep.configure().dataSource(dataSource).locations("filesystem:" + set.lockstepDir()).load().migrate();
        }
    }

    /**
     * Flyway with one setting changed from its defaults: {@code postgresql.transactional.lock=false}.
     * With the default transactional lock, Flyway keeps a transaction (and its snapshot) open on one
     * connection while another runs {@code CREATE INDEX CONCURRENTLY}, which waits for that snapshot
     * forever; {@link Benchmarks} shows that hang separately.
     */
    static final class FlywayTool implements Tool {
        private final boolean defaults;

        FlywayTool() {
            this(false);
        }

        FlywayTool(boolean defaults) {
            this.defaults = defaults;
        }

        @Override
        public String name() {
            return defaults ? "flyway-defaults" : "flyway";
        }

        @Override
        public void migrate(DataSource dataSource, MigrationSet set) {
            var configuration = Flyway.configure().dataSource(dataSource).locations("filesystem:" + set.flywayDir());
            if (!defaults) {
                configuration.getConfigurationExtension(PostgreSQLConfigurationExtension.class).setTransactionalLock(false);
            }
            configuration.load().migrate();
        }
    }

    static final class LiquibaseTool implements Tool {
        @Override
        public String name() {
            return "liquibase";
        }

        @Override
        public void migrate(DataSource dataSource, MigrationSet set) throws Exception {
            Path changelog = set.liquibaseChangelog();
            try (Connection connection = dataSource.getConnection();
                    DirectoryResourceAccessor files = new DirectoryResourceAccessor(changelog.getParent());
                    Liquibase liquibase = new Liquibase(changelog.getFileName().toString(), files,
                            new JdbcConnection(connection))) {
                // Its console output goes to the (quiet) log instead of standard out.
                Scope.child(Map.of(Scope.Attr.ui.name(), new LoggerUIService()), () -> liquibase.update());
            }
        }
    }

    /**
     * The floor: the same files, in order, on one connection, with no tracking and no lock. A file
     * with {@code CONCURRENTLY} runs in autocommit; every other file in a transaction of its own.
     */
    static final class FloorTool implements Tool {
        @Override
        public String name() {
            return "floor";
        }

        @Override
        public boolean serializesRunners() {
            return false;
        }

        @Override
        public void migrate(DataSource dataSource, MigrationSet set) throws Exception {
            List<Path> files;
            try (Stream<Path> listing = Files.list(set.lockstepDir())) {
                files = listing.sorted().toList();
            }
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                for (Path file : files) {
                    String sql = Files.readString(file);
                    boolean transactional = !sql.contains("CONCURRENTLY");
                    c.setAutoCommit(!transactional);
                    s.execute(sql);
                    if (transactional) {
                        c.commit();
                    }
                }
                c.setAutoCommit(true);
            }
        }
    }
}
