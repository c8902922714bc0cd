package dev.lockstep.core;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Statements that lock a table that already has rows for long, or break the application still
 * running against it, with the safe way to do the same. The names follow the rules users know
 * from squawk and strong_migrations; suppress one for a file with
 * {@code -- lockstep:lint-ignore=<name>}.
 */
public enum LintRule {

    INDEX_NOT_CONCURRENT("index-not-concurrent", "SHARE",
            "CREATE INDEX without CONCURRENTLY blocks every INSERT, UPDATE and DELETE on the table until the index "
                    + "is built",
            "CREATE INDEX CONCURRENTLY in a migration of its own (Lockstep runs it outside a transaction)"),
    DROP_INDEX_NOT_CONCURRENT("drop-index-not-concurrent", "ACCESS EXCLUSIVE",
            "DROP INDEX without CONCURRENTLY takes ACCESS EXCLUSIVE on the index's table, queueing every query on "
                    + "it behind any running one",
            "DROP INDEX CONCURRENTLY in a migration of its own"),
    REINDEX_NOT_CONCURRENT("reindex-not-concurrent", "SHARE / ACCESS EXCLUSIVE",
            "REINDEX without CONCURRENTLY blocks writes to the table, and reads that use the index, until it ends",
            "REINDEX ... CONCURRENTLY (PostgreSQL 12+) in a migration of its own"),
    REFRESH_NOT_CONCURRENT("refresh-not-concurrent", "ACCESS EXCLUSIVE",
            "REFRESH MATERIALIZED VIEW without CONCURRENTLY blocks every read of the view until it ends",
            "REFRESH MATERIALIZED VIEW CONCURRENTLY, which needs a unique index on the view"),
    VOLATILE_DEFAULT("volatile-default", "ACCESS EXCLUSIVE",
            "ADD COLUMN with a volatile default (random(), clock_timestamp(), gen_random_uuid(), a serial or "
                    + "identity column, a stored generated column) rewrites the whole table under ACCESS EXCLUSIVE",
            "add the column without a default (or with a constant one), set the default for new rows with ALTER "
                    + "COLUMN ... SET DEFAULT, and fill existing rows in batches"),
    COLUMN_TYPE_CHANGE("column-type-change", "ACCESS EXCLUSIVE",
            "ALTER COLUMN ... TYPE rewrites the table and rebuilds its indexes under ACCESS EXCLUSIVE, unless the "
                    + "old type converts without a rewrite (e.g. varchar(n) to text or to a longer varchar)",
            "mark the file '-- lockstep:expand-contract': a new column kept in step by a trigger and backfilled in "
                    + "batches, each release seeing its own type until the old one is gone; or, if the change needs no "
                    + "rewrite, suppress this rule for the file"),
    SET_NOT_NULL("set-not-null", "ACCESS EXCLUSIVE",
            "SET NOT NULL (or, on PostgreSQL 18, ADD CONSTRAINT ... NOT NULL column) scans the whole table under "
                    + "ACCESS EXCLUSIVE to check for NULLs",
            "ADD CONSTRAINT ... CHECK (column IS NOT NULL) NOT VALID, then VALIDATE CONSTRAINT in a later "
                    + "statement; SET NOT NULL then uses the validated check (PostgreSQL 12+) and scans nothing. On "
                    + "PostgreSQL 18: ADD CONSTRAINT ... NOT NULL column NOT VALID, then VALIDATE CONSTRAINT"),
    FOREIGN_KEY_WITHOUT_NOT_VALID("foreign-key-without-not-valid", "SHARE ROW EXCLUSIVE",
            "a foreign key added without NOT VALID checks every row while it blocks writes to both tables",
            "ADD CONSTRAINT ... FOREIGN KEY ... NOT VALID, then VALIDATE CONSTRAINT in a later statement, which "
                    + "blocks no writes"),
    CHECK_WITHOUT_NOT_VALID("check-without-not-valid", "ACCESS EXCLUSIVE",
            "a CHECK constraint added without NOT VALID scans every row under ACCESS EXCLUSIVE",
            "ADD CONSTRAINT ... CHECK (...) NOT VALID, then VALIDATE CONSTRAINT in a later statement"),
    UNIQUE_WITHOUT_INDEX("unique-without-index", "ACCESS EXCLUSIVE",
            "ADD PRIMARY KEY / UNIQUE builds its index under ACCESS EXCLUSIVE, blocking reads and writes",
            "CREATE UNIQUE INDEX CONCURRENTLY first, then ADD CONSTRAINT ... PRIMARY KEY (or UNIQUE) USING INDEX"),
    RENAME("rename", "ACCESS EXCLUSIVE",
            "renaming a table or column breaks the instances still running the previous version of the "
                    + "application during a rolling deploy",
            "mark the file '-- lockstep:expand-contract': each release sees its own name until the old one is gone, "
                    + "then the rename is done; or add the new name by hand, move readers, and drop the old name in a "
                    + "later release"),
    VACUUM_FULL("vacuum-full", "ACCESS EXCLUSIVE",
            "VACUUM FULL rewrites the table under ACCESS EXCLUSIVE, blocking reads and writes until it ends",
            "plain VACUUM, or pg_repack / pg_squeeze to reclaim space online"),
    CLUSTER("cluster", "ACCESS EXCLUSIVE",
            "CLUSTER rewrites the table under ACCESS EXCLUSIVE, blocking reads and writes until it ends",
            "pg_repack --order-by, or leave physical order alone"),
    LOCK_TABLE("lock-table", "as requested (ACCESS EXCLUSIVE by default)",
            "LOCK TABLE holds its lock until the migration's transaction ends, queueing the table's queries",
            "let each statement take the lock it needs; Lockstep's lock_timeout and retries then keep the wait short"),
    /** Down files only: what an undo would lose. */
    DROP_TABLE("drop-table", "ACCESS EXCLUSIVE",
            "a down that drops a table deletes every row written since its up ran: undoing loses that data",
            "keep the data (rename the table, or copy it out first)"),
    /** Down files only: what an undo would lose. */
    DROP_COLUMN("drop-column", "ACCESS EXCLUSIVE",
            "a down that drops a column deletes every value written to it since its up ran: undoing loses that data",
            "keep the column (the older release ignores it)");

    private final String id;
    private final String lock;
    private final String reason;
    private final String safeAlternative;

    /** Whether the rule is about data a down (an undo) loses, reported for down files only. */
    public boolean losesData() {
        return this == DROP_TABLE || this == DROP_COLUMN;
    }

    LintRule(String id, String lock, String reason, String safeAlternative) {
        this.id = id;
        this.lock = lock;
        this.reason = reason;
        this.safeAlternative = safeAlternative;
    }

    /** The name used in {@code -- lockstep:lint-ignore=} and in messages, e.g. {@code index-not-concurrent}. */
    public String id() {
        return id;
    }

    /** The lock mode the statement takes on the table. */
    public String lock() {
        return lock;
    }

    /** Why it is risky on a table that has rows and traffic. */
    public String reason() {
        return reason;
    }

    /** How to do the same without the risk. */
    public String safeAlternative() {
        return safeAlternative;
    }

    /** The rule with this name ({@code index-not-concurrent}), in any case. */
    public static Optional<LintRule> byId(String id) {
        String wanted = id.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(rule -> rule.id.equals(wanted)).findFirst();
    }

    /** Every rule's name, comma-separated, for messages. */
    public static String allIds() {
        return Arrays.stream(values()).map(LintRule::id).collect(Collectors.joining(", "));
    }
}
