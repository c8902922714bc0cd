package dev.lockstep.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TransactionRulesTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "CREATE INDEX CONCURRENTLY i ON t (a)",
            "create unique index concurrently if not exists i on t (a)",
            "DROP INDEX CONCURRENTLY IF EXISTS i",
            "REINDEX INDEX CONCURRENTLY i",
            "REINDEX (VERBOSE) TABLE CONCURRENTLY t",
            "REINDEX DATABASE app",
            "VACUUM ANALYZE t",
            "ALTER SYSTEM SET work_mem = '64MB'",
            "CREATE DATABASE other",
            "DROP DATABASE other",
            "CREATE TABLESPACE fast LOCATION '/ssd'",
            "ALTER TABLE measurements DETACH PARTITION measurements_2020 CONCURRENTLY",
            "/* leading comment */ CREATE INDEX CONCURRENTLY i ON t (a)",
    })
    void detectsStatementsThatCannotRunInATransaction(String sql) {
        assertThat(TransactionRules.nonTransactionalReason(SqlSplitter.split(sql).get(0))).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "CREATE INDEX i ON t (a)",
            "CREATE TABLE concurrently (a int)",
            "SELECT 'CREATE INDEX CONCURRENTLY'",
            "REINDEX TABLE t",
            "ALTER TABLE measurements DETACH PARTITION measurements_2020",
            "COMMENT ON TABLE t IS 'VACUUM daily'",
    })
    void leavesEverythingElseInTheTransaction(String sql) {
        assertThat(TransactionRules.nonTransactionalReason(SqlSplitter.split(sql).get(0))).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"BEGIN", "START TRANSACTION", "COMMIT", "END", "ROLLBACK", "ABORT"})
    void recognisesTransactionControl(String sql) {
        assertThat(TransactionRules.isTransactionControl(SqlSplitter.split(sql).get(0))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ROLLBACK TO SAVEPOINT s", "SAVEPOINT s", "SELECT 1"})
    void savepointsAreNotTransactionControl(String sql) {
        assertThat(TransactionRules.isTransactionControl(SqlSplitter.split(sql).get(0))).isFalse();
    }
}
