package dev.lockstep.core.internal.files;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which files the next start may finish by itself when interrupted: all concurrent index work, named. */
class FileFactsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            CREATE INDEX CONCURRENTLY a_idx ON a (x);                                              | true
            SET maintenance_work_mem = '1GB';\\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS a_uq ON a (x); | true
            DROP INDEX CONCURRENTLY IF EXISTS a_idx;\\nCREATE INDEX CONCURRENTLY a_idx2 ON a (x, y); | true
            RESET maintenance_work_mem;\\nDROP INDEX CONCURRENTLY a_idx;                          | true
            CREATE INDEX CONCURRENTLY ON a (x);                                                    | false
            CREATE TABLE b (id int);\\nCREATE INDEX CONCURRENTLY b_idx ON b (id);                  | false
            REINDEX INDEX CONCURRENTLY a_idx;                                                      | false
            -- lockstep:transaction=false\\nALTER TABLE a ADD COLUMN z int;                        | false
            CREATE INDEX a_idx ON a (x);                                                           | false
            SET lock_timeout = '1s';                                                               | false
            """)
    void aFileIsResumableWhenEveryStatementIsNamedConcurrentIndexWorkOrASessionSetting(String sql, boolean resumable) {
        assertThat(FileFacts.of(sql.replace("\\n", "\n")).resumable()).isEqualTo(resumable);
    }
}
