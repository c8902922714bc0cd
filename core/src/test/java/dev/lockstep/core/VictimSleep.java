package dev.lockstep.core;

import dev.lockstep.test.TestPostgres;

/**
 * How long a runner that a test kills sleeps inside a file first. From PostgreSQL 14 its backend
 * notices the dead client within a second (client_connection_check_interval), so the sleep can be
 * long: the test proves the backend did not wait for it. PostgreSQL 13 has no such check, and the
 * backend ends only when the statement does; a short sleep lets the same test go on there.
 */
final class VictimSleep {

    private VictimSleep() {
    }

    static int seconds() {
        return TestPostgres.get().majorVersion() >= 14 ? 60 : 8;
    }
}
