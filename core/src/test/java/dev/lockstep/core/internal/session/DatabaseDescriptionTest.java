package dev.lockstep.core.internal.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The first log line of a run names the database and where migrations land, never credentials. */
class DatabaseDescriptionTest {

    @Test
    void credentialsAreLeftOutOfTheUrl() {
        assertThat(DatabaseDescription.placeOnly("jdbc:postgresql://db:5432/orders?user=app&password=s3cret"))
                .isEqualTo("jdbc:postgresql://db:5432/orders");
        assertThat(DatabaseDescription.placeOnly("jdbc:postgresql://db/orders?currentSchema=x&PASSWORD=s3cret"))
                .isEqualTo("jdbc:postgresql://db/orders?currentSchema=x");
        assertThat(DatabaseDescription.placeOnly("jdbc:postgresql://app:s3cret@db/orders"))
                .isEqualTo("jdbc:postgresql://db/orders");
    }

    /** What pgjdbc's PGSimpleDataSource reports: every property it has, most of them defaults. */
    @Test
    void driverTuningIsLeftOutAndTheSchemaKept() {
        assertThat(DatabaseDescription.placeOnly("jdbc:postgresql://localhost:5432/postgres?adaptiveFetch=false"
                + "&ApplicationName=PostgreSQL+JDBC+Driver&currentSchema=orders&sslpassword=s3cret&options=-c%20search_path%3Dx"
                + "&xmlFactoryFactory="))
                .isEqualTo("jdbc:postgresql://localhost:5432/postgres?currentSchema=orders&options=-c%20search_path%3Dx");
    }
}
