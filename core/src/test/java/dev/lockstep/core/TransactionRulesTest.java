package dev.lockstep.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TransactionRulesTest {

    /** The reason is what the log says a migration runs outside a transaction for. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            CREATE INDEX CONCURRENTLY i ON t (a)                                      | CREATE INDEX CONCURRENTLY
            create unique index concurrently if not exists i on t (a)                 | CREATE INDEX CONCURRENTLY
            DROP INDEX CONCURRENTLY IF EXISTS i                                       | DROP INDEX CONCURRENTLY
            REINDEX INDEX CONCURRENTLY i                                              | REINDEX CONCURRENTLY
            REINDEX (VERBOSE) TABLE CONCURRENTLY t                                    | REINDEX CONCURRENTLY
            REINDEX DATABASE app                                                      | REINDEX DATABASE
            REINDEX SCHEMA app                                                        | REINDEX SCHEMA
            REINDEX (VERBOSE) SYSTEM                                                  | REINDEX SYSTEM
            REINDEX (TABLESPACE fast, VERBOSE true) SCHEMA app                        | REINDEX SCHEMA
            CLUSTER                                                                   | CLUSTER without a table
            CLUSTER VERBOSE                                                           | CLUSTER without a table
            CLUSTER (VERBOSE)                                                         | CLUSTER without a table
            ALTER DATABASE app SET TABLESPACE fast                                    | ALTER DATABASE ... SET TABLESPACE
            VACUUM ANALYZE t                                                          | VACUUM
            ALTER SYSTEM SET work_mem = '64MB'                                        | ALTER SYSTEM
            CREATE DATABASE other                                                     | CREATE DATABASE
            DROP DATABASE other                                                       | DROP DATABASE
            DROP SUBSCRIPTION feed                                                    | DROP SUBSCRIPTION
            CREATE TABLESPACE fast LOCATION '/ssd'                                    | CREATE TABLESPACE
            ALTER TABLE measurements DETACH PARTITION measurements_2020 CONCURRENTLY  | ALTER TABLE ... DETACH PARTITION CONCURRENTLY
            /* leading comment */ CREATE INDEX CONCURRENTLY i ON t (a)                | CREATE INDEX CONCURRENTLY
            """)
    void detectsStatementsThatCannotRunInATransaction(String sql, String reason) {
        assertThat(TransactionRules.nonTransactionalReason(SqlSplitter.split(sql).get(0))).isEqualTo(reason);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "CREATE INDEX i ON t (a)",
            "CREATE TABLE concurrently (a int)",
            "SELECT 'CREATE INDEX CONCURRENTLY'",
            "REINDEX TABLE t",
            "REINDEX (TABLESPACE fast) TABLE schema",
            "REINDEX INDEX database",
            "CLUSTER t USING t_pkey",
            "CLUSTER VERBOSE t",
            "ALTER DATABASE app SET work_mem = '64MB'",
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

    @ParameterizedTest
    @ValueSource(strings = {"BEGIN", "BEGIN ISOLATION LEVEL SERIALIZABLE", "START TRANSACTION", "COMMIT AND CHAIN",
            "COMMIT WORK AND CHAIN", "ROLLBACK TRANSACTION AND CHAIN", "END AND CHAIN", "ABORT AND CHAIN"})
    void recognisesWhatLeavesATransactionOpen(String sql) {
        assertThat(TransactionRules.opensTransaction(SqlSplitter.split(sql).get(0))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"COMMIT", "COMMIT AND NO CHAIN", "ROLLBACK", "END", "SELECT 'AND CHAIN'",
            "ROLLBACK TO SAVEPOINT chain"})
    void recognisesWhatEndsATransactionForGood(String sql) {
        assertThat(TransactionRules.opensTransaction(SqlSplitter.split(sql).get(0))).isFalse();
    }
}
