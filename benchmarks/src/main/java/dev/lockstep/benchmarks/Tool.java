package dev.lockstep.benchmarks;

import javax.sql.DataSource;

/** A way to bring a database up to a migration set. Each call builds the tool afresh, as a restart would. */
interface Tool {

    String name();

    void migrate(DataSource dataSource, MigrationSet set) throws Exception;

    /** Whether several instances may run at once against one database (the floor may not). */
    default boolean serializesRunners() {
        return true;
    }
}
