package dev.lockstep.core.internal.tracker;

import dev.lockstep.core.MigrationReport;
import dev.lockstep.core.SchemaTestBase;
import dev.lockstep.core.Sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TrackerTest extends SchemaTestBase {

    @Test
    void rowsRecordNamesExactlyWithTheirChecksumTimeAndRunner() {
        files.add("1_it's a \\\\ back$lash.up.sql", "CREATE TABLE a (id int);\nSELECT pg_sleep(0.05);");

        MigrationReport report = configure().runnerName("orders").load().migrate();

        Map<String, Object> row = Sql.rows(schema, "SELECT * FROM lockstep_applied_migrations").get(0);
        assertThat(row.get("name")).isEqualTo("it's a \\\\ back$lash");
        assertThat(row.get("checksum")).isEqualTo(report.applied().get(0).migration().checksum());
        assertThat(row.get("state")).isEqualTo("applied");
        assertThat((Long) row.get("execution_ms")).isBetween(50L, 60_000L);
        assertThat((String) row.get("applied_by")).startsWith("orders@");
        assertThat(migrate().alreadyApplied()).isEqualTo(1);
    }
}
