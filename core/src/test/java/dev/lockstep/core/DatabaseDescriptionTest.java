package dev.lockstep.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The first log line of a run names the database, never its credentials. */
class DatabaseDescriptionTest {

    @Test
    void credentialsAreLeftOutOfTheUrl() {
        assertThat(DatabaseDescription.withoutCredentials("jdbc:postgresql://db:5432/orders?user=app&password=s3cret&ssl=true"))
                .isEqualTo("jdbc:postgresql://db:5432/orders?ssl=true");
        assertThat(DatabaseDescription.withoutCredentials("jdbc:postgresql://db/orders?currentSchema=x&PASSWORD=s3cret"))
                .isEqualTo("jdbc:postgresql://db/orders?currentSchema=x");
        assertThat(DatabaseDescription.withoutCredentials("jdbc:postgresql://app:s3cret@db/orders"))
                .isEqualTo("jdbc:postgresql://db/orders");
        assertThat(DatabaseDescription.withoutCredentials("jdbc:postgresql://db/orders?password=s3cret"))
                .isEqualTo("jdbc:postgresql://db/orders");
    }
}
