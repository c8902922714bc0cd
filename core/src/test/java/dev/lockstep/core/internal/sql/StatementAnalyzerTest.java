package dev.lockstep.core.internal.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.core.LintRule;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The one analysis on real statements: what runs outside a transaction and why, what runs without
 * the DDL {@code lock_timeout}, which lock it takes and what the lint hears. Variants that fooled
 * earlier readers of the text are here by name.
 */
class StatementAnalyzerTest {

    /**
     * Columns: the statement; why it runs outside a transaction; why it runs without the DDL
     * {@code lock_timeout}; the lint's risks (rule on relation key); the lock it takes. {@code -}: none.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', nullValues = "-", textBlock = """
            CREATE INDEX CONCURRENTLY i ON t (a)                                      | CREATE INDEX CONCURRENTLY | CREATE INDEX CONCURRENTLY | -                                 | SHARE UPDATE EXCLUSIVE on t
            create unique index concurrently if not exists i on t (a)                 | CREATE INDEX CONCURRENTLY | CREATE INDEX CONCURRENTLY | -                                 | SHARE UPDATE EXCLUSIVE on t
            CREATE UNIQUE /* c */ INDEX CONCURRENTLY IF NOT EXISTS t_id_uq ON t (id)  | CREATE INDEX CONCURRENTLY | CREATE INDEX CONCURRENTLY | -                                 | SHARE UPDATE EXCLUSIVE on t
            /* leading comment */ CREATE INDEX CONCURRENTLY i ON t (a)                | CREATE INDEX CONCURRENTLY | CREATE INDEX CONCURRENTLY | -                                 | SHARE UPDATE EXCLUSIVE on t
            CREATE INDEX i ON t (a)                                                   | -                         | -                         | index-not-concurrent t            | SHARE on t
            CREATE INDEX "concurrently" ON t (a)                                      | -                         | -                         | index-not-concurrent t            | SHARE on t
            CREATE INDEX ON ONLY public."Orders" (a)                                  | -                         | -                         | index-not-concurrent Orders       | SHARE on public."Orders"
            DROP INDEX CONCURRENTLY IF EXISTS i                                       | DROP INDEX CONCURRENTLY   | DROP INDEX CONCURRENTLY   | -                                 | SHARE UPDATE EXCLUSIVE on i
            DROP INDEX i                                                              | -                         | -                         | drop-index-not-concurrent i       | ACCESS EXCLUSIVE on i
            REINDEX INDEX CONCURRENTLY i                                              | REINDEX CONCURRENTLY      | REINDEX CONCURRENTLY      | -                                 | SHARE UPDATE EXCLUSIVE on i
            REINDEX (VERBOSE) INDEX CONCURRENTLY i                                    | REINDEX CONCURRENTLY      | REINDEX CONCURRENTLY      | -                                 | SHARE UPDATE EXCLUSIVE on i
            REINDEX (VERBOSE) TABLE CONCURRENTLY t                                    | REINDEX CONCURRENTLY      | REINDEX CONCURRENTLY      | -                                 | SHARE UPDATE EXCLUSIVE on t
            REINDEX (CONCURRENTLY) INDEX i                                            | REINDEX CONCURRENTLY      | REINDEX CONCURRENTLY      | -                                 | SHARE UPDATE EXCLUSIVE on i
            REINDEX (CONCURRENTLY true, VERBOSE) TABLE t                              | REINDEX CONCURRENTLY      | REINDEX CONCURRENTLY      | -                                 | SHARE UPDATE EXCLUSIVE on t
            REINDEX (CONCURRENTLY false) TABLE t                                      | -                         | -                         | reindex-not-concurrent t          | SHARE on t
            REINDEX TABLE t                                                           | -                         | -                         | reindex-not-concurrent t          | SHARE on t
            REINDEX (TABLESPACE fast) TABLE schema                                    | -                         | -                         | reindex-not-concurrent schema     | SHARE on schema
            REINDEX INDEX database                                                    | -                         | -                         | reindex-not-concurrent database   | ACCESS EXCLUSIVE on database
            REINDEX DATABASE app                                                      | REINDEX DATABASE          | -                         | reindex-not-concurrent app        | -
            REINDEX SCHEMA app                                                        | REINDEX SCHEMA            | -                         | reindex-not-concurrent app        | -
            REINDEX (VERBOSE) SYSTEM                                                  | REINDEX SYSTEM            | -                         | reindex-not-concurrent -          | -
            REINDEX (TABLESPACE fast, VERBOSE true) SCHEMA app                        | REINDEX SCHEMA            | -                         | reindex-not-concurrent app        | -
            VACUUM ANALYZE t                                                          | VACUUM                    | VACUUM                    | -                                 | SHARE UPDATE EXCLUSIVE on t
            VACUUM (ANALYZE) t                                                        | VACUUM                    | VACUUM                    | -                                 | SHARE UPDATE EXCLUSIVE on t
            VACUUM FULL t                                                             | VACUUM                    | -                         | vacuum-full t                     | ACCESS EXCLUSIVE on t
            VACUUM /* c */ FULL t                                                     | VACUUM                    | -                         | vacuum-full t                     | ACCESS EXCLUSIVE on t
            VACUUM (VERBOSE, FULL) t                                                  | VACUUM                    | -                         | vacuum-full t                     | ACCESS EXCLUSIVE on t
            VACUUM (FULL) t                                                           | VACUUM                    | -                         | vacuum-full t                     | ACCESS EXCLUSIVE on t
            VACUUM (FULL false, VERBOSE) t                                            | VACUUM                    | VACUUM                    | -                                 | SHARE UPDATE EXCLUSIVE on t
            VACUUM FULL                                                               | VACUUM                    | -                         | vacuum-full -                     | -
            ANALYZE t                                                                 | -                         | ANALYZE                   | -                                 | SHARE UPDATE EXCLUSIVE on t
            CLUSTER                                                                   | CLUSTER without a table   | -                         | cluster -                         | -
            CLUSTER VERBOSE                                                           | CLUSTER without a table   | -                         | cluster -                         | -
            CLUSTER (VERBOSE)                                                         | CLUSTER without a table   | -                         | cluster -                         | -
            CLUSTER t USING t_pkey                                                    | -                         | -                         | cluster t                         | ACCESS EXCLUSIVE on t
            CLUSTER VERBOSE t                                                         | -                         | -                         | cluster t                         | ACCESS EXCLUSIVE on t
            REFRESH MATERIALIZED VIEW CONCURRENTLY v                                  | -                         | REFRESH MATERIALIZED VIEW CONCURRENTLY | -                    | EXCLUSIVE on v
            REFRESH MATERIALIZED VIEW v                                               | -                         | -                         | refresh-not-concurrent v          | ACCESS EXCLUSIVE on v
            ALTER TABLE measurements DETACH PARTITION measurements_2020 CONCURRENTLY  | ALTER TABLE ... DETACH PARTITION CONCURRENTLY | DETACH PARTITION CONCURRENTLY | - | SHARE UPDATE EXCLUSIVE on measurements
            ALTER TABLE IF EXISTS ONLY a.b.parent DETACH PARTITION a.b.p1 CONCURRENTLY | ALTER TABLE ... DETACH PARTITION CONCURRENTLY | DETACH PARTITION CONCURRENTLY | - | SHARE UPDATE EXCLUSIVE on a.b.parent
            ALTER TABLE measurements DETACH PARTITION measurements_2020 FINALIZE      | ALTER TABLE ... DETACH PARTITION CONCURRENTLY | DETACH PARTITION CONCURRENTLY | - | SHARE UPDATE EXCLUSIVE on measurements
            ALTER TABLE measurements DETACH PARTITION measurements_2020               | -                         | -                         | -                                 | ACCESS EXCLUSIVE on measurements
            ALTER TABLE "concurrently" DETACH PARTITION p                             | -                         | -                         | -                                 | ACCESS EXCLUSIVE on "concurrently"
            ALTER TABLE t VALIDATE CONSTRAINT c                                       | -                         | -                         | -                                 | SHARE UPDATE EXCLUSIVE on t
            ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES u (id)          | -                         | -                         | foreign-key-without-not-valid t   | SHARE ROW EXCLUSIVE on t
            ALTER TABLE t ADD COLUMN c uuid DEFAULT gen_random_uuid()                 | -                         | -                         | volatile-default t                | ACCESS EXCLUSIVE on t
            ALTER TABLE t ADD COLUMN c timestamptz DEFAULT now()                      | -                         | -                         | -                                 | ACCESS EXCLUSIVE on t
            ALTER TABLE t RENAME CONSTRAINT a TO b, ALTER COLUMN c TYPE bigint        | -                         | -                         | column-type-change t              | ACCESS EXCLUSIVE on t
            ALTER TABLE ONLY t * ADD COLUMN c int UNIQUE CHECK (c > 0)                | -                         | -                         | unique-without-index t, check-without-not-valid t | ACCESS EXCLUSIVE on t
            ALTER TABLE t ADD COLUMN c serial PRIMARY KEY                             | -                         | -                         | volatile-default t, unique-without-index t | ACCESS EXCLUSIVE on t
            ALTER TABLE t ADD COLUMN c int REFERENCES u, ATTACH PARTITION p FOR VALUES IN (1) | -              | -                         | foreign-key-without-not-valid t   | ACCESS EXCLUSIVE on t
            ALTER TABLE t ATTACH PARTITION p FOR VALUES IN (1)                        | -                         | -                         | -                                 | SHARE UPDATE EXCLUSIVE on t
            ALTER TABLE t ADD COLUMN c int DEFAULT (random() * 10)::int               | -                         | -                         | volatile-default t                | ACCESS EXCLUSIVE on t
            ALTER TABLE t ADD COLUMN c text, ADD COLUMN d float8 DEFAULT random()     | -                         | -                         | volatile-default t                | ACCESS EXCLUSIVE on t
            ALTER TABLE t ADD COLUMN c text DEFAULT md5('random()')                   | -                         | -                         | -                                 | ACCESS EXCLUSIVE on t
            ALTER TABLE                                                               | -                         | -                         | -                                 | -
            DROP TABLE IF EXISTS t                                                    | -                         | -                         | drop-table t                      | ACCESS EXCLUSIVE on t
            ALTER TABLE t DROP COLUMN IF EXISTS c                                     | -                         | -                         | drop-column t                     | ACCESS EXCLUSIVE on t
            ALTER TABLE t DROP CONSTRAINT t_c_check                                   | -                         | -                         | -                                 | ACCESS EXCLUSIVE on t
            DROP MATERIALIZED VIEW v                                                  | -                         | -                         | -                                 | ACCESS EXCLUSIVE on v
            VACUUM (FULL 0) t                                                         | VACUUM                    | VACUUM                    | -                                 | SHARE UPDATE EXCLUSIVE on t
            VACUUM (FULL off) t                                                       | VACUUM                    | VACUUM                    | -                                 | SHARE UPDATE EXCLUSIVE on t
            VACUUM (FULL 1) t                                                         | VACUUM                    | -                         | vacuum-full t                     | ACCESS EXCLUSIVE on t
            LOCK TABLE t IN ACCESS SHARE MODE                                         | -                         | -                         | lock-table t                      | ACCESS SHARE on t
            LOCK TABLE t IN ROW EXCLUSIVE MODE NOWAIT                                 | -                         | -                         | lock-table t                      | ROW EXCLUSIVE on t
            LOCK TABLE t IN SHARE ROW EXCLUSIVE MODE                                  | -                         | -                         | lock-table t                      | SHARE ROW EXCLUSIVE on t
            LOCK t                                                                    | -                         | -                         | lock-table t                      | ACCESS EXCLUSIVE on t
            ALTER DATABASE app SET TABLESPACE fast                                    | ALTER DATABASE ... SET TABLESPACE | -                 | -                                 | -
            ALTER DATABASE "App" SET TABLESPACE fast                                  | ALTER DATABASE ... SET TABLESPACE | -                 | -                                 | -
            ALTER SYSTEM SET work_mem = '64MB'                                        | ALTER SYSTEM              | -                         | -                                 | -
            CREATE DATABASE other                                                     | CREATE DATABASE           | -                         | -                                 | -
            DROP DATABASE other                                                       | DROP DATABASE             | -                         | -                                 | -
            DROP SUBSCRIPTION feed                                                    | DROP SUBSCRIPTION         | -                         | -                                 | -
            CREATE TABLESPACE fast LOCATION '/ssd'                                    | CREATE TABLESPACE         | -                         | -                                 | -
            COMMIT PREPARED 'tx1'                                                     | COMMIT PREPARED           | -                         | -                                 | -
            CREATE TABLE concurrently (a int)                                         | -                         | -                         | -                                 | -
            SELECT 'CREATE INDEX CONCURRENTLY i ON t (a)'                             | -                         | -                         | -                                 | -
            SELECT $$VACUUM FULL t$$                                                  | -                         | -                         | -                                 | -
            SELECT $q$ CREATE INDEX CONCURRENTLY i ON t (a) $q$                       | -                         | -                         | -                                 | -
            SELECT E'REINDEX INDEX CONCURRENTLY i\\' ; VACUUM FULL'                   | -                         | -                         | -                                 | -
            SELECT "concurrently" FROM t                                              | -                         | -                         | -                                 | -
            COMMENT ON TABLE t IS 'VACUUM daily'                                      | -                         | -                         | -                                 | -
            ALTER DATABASE app SET work_mem = '64MB'                                  | -                         | -                         | -                                 | -
            """)
    void readsEachStatementByItsShape(String sql, String outside, String withoutLockTimeout, String risks, String lock) {
        StatementFacts facts = StatementAnalyzer.analyze(sql);

        assertThat(facts.outsideTransaction()).as("outside a transaction").isEqualTo(Optional.ofNullable(outside));
        assertThat(facts.withoutLockTimeout()).as("without lock_timeout").isEqualTo(Optional.ofNullable(withoutLockTimeout));
        assertThat(risks(facts)).as("lint").isEqualTo(risks == null ? "" : risks);
        assertThat(facts.lock().map(LockTaken::describe)).as("lock").isEqualTo(Optional.ofNullable(lock));
    }

    /** {@code rule key} per risk, {@code -} for a risk on no relation. */
    private static String risks(StatementFacts facts) {
        return facts.lint().stream().filter(LintEvent.Risk.class::isInstance).map(LintEvent.Risk.class::cast)
                .map(r -> r.rule().id() + " " + r.relationKey().orElse("-")).collect(Collectors.joining(", "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"BEGIN", "BEGIN ISOLATION LEVEL SERIALIZABLE", "START TRANSACTION"})
    void recognisesWhatOpensATransaction(String sql) {
        assertThat(StatementAnalyzer.analyze(sql).transactionControl()).isEqualTo(TransactionControl.OPENS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"COMMIT", "COMMIT AND NO CHAIN", "END", "ROLLBACK", "ABORT", "ROLLBACK TRANSACTION",
            "PREPARE TRANSACTION 'tx1'"})
    void recognisesWhatEndsATransactionForGood(String sql) {
        assertThat(StatementAnalyzer.analyze(sql).transactionControl()).isEqualTo(TransactionControl.ENDS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"COMMIT AND CHAIN", "COMMIT WORK AND CHAIN", "ROLLBACK TRANSACTION AND CHAIN",
            "END AND CHAIN", "ABORT AND CHAIN"})
    void recognisesWhatEndsATransactionAndOpensTheNext(String sql) {
        assertThat(StatementAnalyzer.analyze(sql).transactionControl()).isEqualTo(TransactionControl.ENDS_AND_OPENS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ROLLBACK TO SAVEPOINT s", "ROLLBACK TO chain", "SAVEPOINT s", "SELECT 1",
            "SELECT 'AND CHAIN'", "START 1", "PREPARE q AS SELECT 1", "COMMIT PREPARED 'tx1'"})
    void savepointsAndEverythingElseAreNoTransactionControl(String sql) {
        assertThat(StatementAnalyzer.analyze(sql).transactionControl()).isEqualTo(TransactionControl.NONE);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '§', quoteCharacter = '`', nullValues = "-", textBlock = """
            SET search_path TO app, public                           § search_path § false § false
            set session statement_timeout = 0                        § statement_timeout § false § false
            SET LOCAL lock_timeout = '5s'                            § lock_timeout § false § false
            SET TIME ZONE 'UTC'                                      § timezone § false § false
            SET SCHEMA 'app'                                         § search_path § false § false
            SET NAMES 'UTF8'                                         § client_encoding § false § false
            SET XML OPTION DOCUMENT                                  § xmloption § false § false
            SET app.tenant = 'a'                                     § app.tenant § false § false
            SET "App"."Tenant" = 'a'                                 § app.tenant § false § false
            RESET search_path                                        § search_path § false § false
            SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY     § default_transaction_deferrable default_transaction_isolation default_transaction_read_only § false § false
            SET ROLE admin                                           § - § true § false
            SET SESSION AUTHORIZATION admin                          § - § true § false
            RESET ROLE                                               § - § true § false
            RESET ALL                                                § - § false § true
            SET TRANSACTION ISOLATION LEVEL SERIALIZABLE             § - § false § false
            SET CONSTRAINTS ALL DEFERRED                             § - § false § false
            SELECT set_config('search_path', '', false)              § search_path § false § false
            SELECT set_config(E'app.tenant', 'a', false)             § app.tenant § false § false
            SELECT set_config($$role$$, 'admin', false)              § - § true § false
            SELECT set_config('search' || '_path', '', false)        § - § false § true
            SELECT set_config(name, 'x', false) FROM settings        § - § false § true
            DO $$BEGIN SET search_path = app; END$$                  § search_path § false § false
            DO $$BEGIN EXECUTE 'SET lock_timeout = 0'; END$$         § lock_timeout § false § false
            DO LANGUAGE plpgsql 'BEGIN RESET ALL; END'               § - § false § true
            CREATE FUNCTION f() RETURNS void LANGUAGE sql AS $$ SELECT set_config('app.mode', 'x', false) $$ § app.mode § false § false
            CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql SET search_path = app AS $$BEGIN SET work_mem = '1MB'; END$$ § - § false § false
            UPDATE t SET search_path = 1                             § - § false § false
            ALTER ROLE app SET search_path = app                     § - § false § false
            SELECT 'SET search_path = x'                             § - § false § false
            """)
    void readsWhatAStatementChangesInItsSession(String sql, String settings, boolean role, boolean unknown) {
        SessionEffects effects = StatementAnalyzer.analyze(sql).session();

        assertThat(String.join(" ", effects.settings().stream().sorted().toList())).isEqualTo(settings == null ? ""
                : settings);
        assertThat(effects.role()).as("role").isEqualTo(role);
        assertThat(effects.unknown()).as("unknown").isEqualTo(unknown);
    }

    @ParameterizedTest
    @ValueSource(strings = {"COPY t FROM STDIN", "copy t (a, b) from stdin with (format csv)",
            "COPY public.t FROM /* rows */ stdin"})
    void knowsACopyWhoseRowsFollowIt(String sql) {
        assertThat(StatementAnalyzer.analyze(sql).copiesFromStdin()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"COPY t TO STDOUT", "COPY t FROM '/tmp/rows'", "SELECT 'COPY t FROM STDIN'",
            "INSERT INTO t SELECT 'FROM STDIN'"})
    void anyOtherCopyOrTextIsNoCopyFromStdin(String sql) {
        assertThat(StatementAnalyzer.analyze(sql).copiesFromStdin()).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            ALTER TABLE t ADD CONSTRAINT c CHECK (a IS NOT NULL) NOT VALID | AddsNotNullCheck[constraintKey=c, tableColumn=t.a]
            ALTER TABLE t VALIDATE CONSTRAINT "C"                          | Validates[constraintKey=C]
            CREATE TABLE IF NOT EXISTS app."Refunds" (id int)              | Creates[relationKey=Refunds]
            CREATE UNLOGGED TABLE refunds (id int)                         | Creates[relationKey=refunds]
            CREATE OR REPLACE VIEW v AS SELECT 1                           | Creates[relationKey=v]
            """)
    void tellsTheLintWhatAStatementCreatesAndChecks(String sql, String event) {
        assertThat(StatementAnalyzer.analyze(sql).lint()).extracting(Object::toString).containsExactly(event);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ALTER TABLE t ALTER COLUMN c SET NOT NULL"})
    void setNotNullIsRiskyUnlessAValidatedCheckCoversTheColumn(String sql) {
        assertThat(StatementAnalyzer.analyze(sql).lint()).singleElement()
                .isEqualTo(new LintEvent.Risk(LintRule.SET_NOT_NULL, "t", Optional.of("t"), Optional.of("t.c")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            START TRANSACTION ISOLATION LEVEL SERIALIZABLE | START TRANSACTION ISOLATION LEVEL SERIALIZABLE
            commit and chain                               | COMMIT AND CHAIN
            CREATE INDEX i ON t (a)                        | CREATE INDEX I ON T
            """)
    void keepsTheLeadingWordsToNameAStatementInMessages(String sql, String words) {
        assertThat(List.of(StatementAnalyzer.analyze(sql).leadingWords())).containsExactly(words);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            SET app.tenant = 'a'                                   | app.tenant
            SELECT set_config('app.tenant', 'a', false), set_config('search_path', '', false) | app.tenant
            SET search_path TO app                                 | ''
            """)
    void customSettingsAreThoseWithADotInTheirName(String sql, String custom) {
        assertThat(String.join(" ", StatementAnalyzer.analyze(sql).session().customSettings())).isEqualTo(custom);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            SELECT   1,\\n\\t2                                     | 20 | SELECT 1, 2
            SELECT 1234567890                                      | 10 | SELECT 123 ...
            SELECT 12345                                           | 12 | SELECT 12345
            """)
    void aStatementShownOnOneLineIsShortenedToTheLengthAsked(String text, int max, String shown) {
        String sql = text.replace("\\n", "\n").replace("\\t", "\t");
        assertThat(SqlSplitter.split(sql).get(0).oneLine(max)).isEqualTo(shown);
    }

    /** What a statement that commits in steps leaves half-way, and whether the next start may finish it. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            CREATE UNIQUE /* c */ INDEX CONCURRENTLY IF NOT EXISTS t_id_uq ON t (id) | BUILDS_INDEX   | t_id_uq  | true
            create index concurrently "Odd" on t (a)                                 | BUILDS_INDEX   | "Odd"    | true
            CREATE INDEX CONCURRENTLY ON t (a)                                       | BUILDS_INDEX   | -        | false
            DROP INDEX CONCURRENTLY IF EXISTS s.i                                    | DROPS_INDEX    | s.i      | true
            REINDEX INDEX CONCURRENTLY i                                             | REINDEXES      | i        | false
            ALTER TABLE IF EXISTS ONLY a.b.parent DETACH PARTITION a.b.p1 CONCURRENTLY | DETACHES     | -        | false
            VACUUM t                                                                 | VACUUMS        | -        | false
            VACUUM (ANALYZE, VERBOSE, FULL) t                                        | VACUUMS        | -        | false
            REINDEX SCHEMA s                                                         | IN_STEPS       | -        | false
            DO $$ BEGIN COMMIT; END $$                                               | COMMITS_INSIDE | -        | false
            CALL p()                                                                 | COMMITS_INSIDE | -        | false
            CREATE INDEX i ON t (a)                                                  | -              | -        | false
            ALTER TABLE t ADD COLUMN c int                                           | -              | -        | false
            """)
    void aStatementThatCommitsInStepsSaysWhatItLeavesHalfWay(String sql, PartWay.Kind kind, String index,
            boolean resumable) {
        Optional<PartWay> partWay = StatementAnalyzer.analyze(sql).partWay();
        assertThat(partWay.map(PartWay::kind).orElse(null)).isEqualTo(kind);
        assertThat(partWay.flatMap(PartWay::index).map(RelationName::text).orElse(null)).isEqualTo(index);
        assertThat(partWay.map(PartWay::resumable).orElse(false)).isEqualTo(resumable);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            CREATE INDEX CONCURRENTLY i ON t (a)                     | the INVALID index i
            CREATE INDEX CONCURRENTLY ON s.t (a)                     | an INVALID index on s.t (the build named none
            DROP INDEX CONCURRENTLY s.i                              | the index s.i, INVALID and not yet dropped
            REINDEX INDEX CONCURRENTLY i                             | an INVALID copy of the index named i_ccnew (or _ccold)
            REINDEX TABLE CONCURRENTLY t                             | an INVALID copy of the index named <index>_ccnew (or _ccold)
            ALTER TABLE p DETACH PARTITION p1 CONCURRENTLY           | a partition of p pending detach
            CALL p()                                                 | whatever it committed before it stopped
            VACUUM t                                                 | the part of its vacuum done before it stopped
            REINDEX SCHEMA s                                         | the part of its work done before it stopped
            """)
    void whatAStatementMayLeaveIsSaidInItsOwnTerms(String sql, String leftover) {
        assertThat(StatementAnalyzer.analyze(sql).partWay().orElseThrow().leftover()).startsWith(leftover);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            SET search_path = app             | true
            reset ALL                         | true
            BEGIN                             | true
            START TRANSACTION                 | true
            COMMIT                            | false
            CREATE TABLE t (id int)           | false
            SELECT set_config('a.b', 'c', false) | false
            """)
    void onlySetResetAndBeginChangeNothingBeyondTheSession(String sql, boolean onlySession) {
        assertThat(StatementAnalyzer.analyze(sql).changesOnlyTheSession()).isEqualTo(onlySession);
    }
}
