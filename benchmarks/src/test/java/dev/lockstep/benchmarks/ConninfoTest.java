package dev.lockstep.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** psql must reach the database the JDBC connections reach, and never see the password on its command line. */
class ConninfoTest {

    @Test
    void keepsHostPortDatabaseAndUser() {
        assertThat(Conninfo.of("jdbc:postgresql://localhost:54321/lockstep_bench_1?user=postgres", "postgres"))
                .isEqualTo("host='localhost' port='54321' dbname='lockstep_bench_1' user='postgres'");
    }

    @Test
    void readsIpv6SeveralHostsAndTheDefaultPort() {
        assertThat(Conninfo.of("jdbc:postgresql://[::1]:5433/db", "u")).isEqualTo("host='::1' port='5433' dbname='db' user='u'");
        assertThat(Conninfo.of("jdbc:postgresql://a,b:5433/db", "u"))
                .isEqualTo("host='a,b' port='5432,5433' dbname='db' user='u'");
    }

    @Test
    void mapsTheParametersLibpqKnowsAndLeavesOutThePassword() {
        assertThat(Conninfo.of("jdbc:postgresql://h/db?password=secret&sslmode=disable&ApplicationName=my%20app", ""))
                .isEqualTo("host='h' port='5432' dbname='db' sslmode='disable' application_name='my app'");
        assertThat(Conninfo.of("jdbc:postgresql://h/db?user=fromurl", null)).endsWith("user='fromurl'");
    }

    @Test
    void quotesAsLibpqReadsIt() {
        assertThat(Conninfo.quote("it's a\\b")).isEqualTo("'it\\'s a\\\\b'");
    }

    @Test
    void refusesAnotherDriversUrl() {
        assertThatThrownBy(() -> Conninfo.of("jdbc:mysql://h/db", "u")).isInstanceOf(IllegalArgumentException.class);
    }
}
